/**
 * Dispatch of resource requests to the verb handlers (get, list, watch,
 * create, update, patch, delete, deletecollection) and the status and scale
 * subresources.
 */
import type { DeleteOptions, Deleter } from "./deletion.ts";
import { returnsObject } from "./deletion.ts";
import type { Engine, WriteOptions } from "./engine.ts";
import { notFound } from "./errors.ts";
import { applyPatch, PATCH_TYPES, unsupportedPatch } from "./patch.ts";
import type { ResourceType } from "./registry.ts";
import { getOne, list, watch } from "./reads.ts";
import {
  body,
  json,
  listJson,
  methodNotAllowed,
  objectJson,
} from "./respond.ts";
import type { ResourceRequest } from "./router.ts";
import { readScale, writeScale } from "./scale.ts";
import { selectorFrom } from "./selectors.ts";
import type { Stored } from "./store.ts";
import type { WatchHub } from "./watch.ts";

/** What handlers need from the cluster. */
export interface HandlerContext {
  engine: Engine;
  deleter: Deleter;
  hub: WatchHub;
}

/** One resolved request. */
interface Call {
  ctx: HandlerContext;
  t: ResourceType;
  r: ResourceRequest;
  req: Request;
  params: URLSearchParams;
  ns: string;
}

function writeOptions(params: URLSearchParams, sub?: string): WriteOptions {
  return {
    subresource: sub === "status" ? "status" : undefined,
    strict: params.get("fieldValidation") === "Strict",
    dryRun: params.get("dryRun") === "All",
  };
}

function deleteResponse(
  t: ResourceType,
  stored: Stored,
  gone: boolean,
): Response {
  if (!gone || returnsObject(t)) return json(objectJson(t, stored));
  const m = stored.obj.metadata;
  const details: Record<string, unknown> = {
    name: m.name,
    kind: t.resource,
    uid: m.uid,
  };
  if (t.group) details.group = t.group;
  return json(
    JSON.stringify({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Success",
      details,
    }),
  );
}

async function patchBody(
  req: Request,
  t: ResourceType,
): Promise<[string, unknown]> {
  const ct = (req.headers.get("content-type") ?? "").split(";")[0].trim();
  const known: string[] = [
    PATCH_TYPES.merge,
    PATCH_TYPES.json,
    PATCH_TYPES.strategic,
  ];
  if (!known.includes(ct) || (ct === PATCH_TYPES.strategic && t.crd)) {
    throw unsupportedPatch(!t.crd);
  }
  return [ct, await body(req)];
}

async function deleteOptions(c: Call): Promise<DeleteOptions> {
  const opts = (await body(c.req) ?? {}) as DeleteOptions;
  const pp = c.params.get("propagationPolicy");
  if (pp) opts.propagationPolicy = pp as DeleteOptions["propagationPolicy"];
  return opts;
}

const VERBS: Record<string, (c: Call) => Response | Promise<Response>> = {
  get: (c) =>
    getOne(
      c.ctx.engine.store,
      c.t,
      c.ctx.engine.mustGet(c.t, c.ns, c.r.name!),
      c.r.subresource ? null : c.req.headers.get("accept"),
    ),
  list: (c) =>
    list(
      c.ctx.engine.store,
      c.t,
      c.r.ns,
      c.params,
      c.req.headers.get("accept"),
    ),
  watch: (c) =>
    watch(c.ctx.hub, c.t, c.r.ns, c.params, c.req.headers.get("accept")),
  create: async (c) => {
    if (c.r.name) throw methodNotAllowed();
    const s = c.ctx.engine.create(
      c.t,
      c.ns,
      await body(c.req),
      writeOptions(c.params),
    );
    return json(objectJson(c.t, s), 201);
  },
  update: async (c) => {
    const opts = writeOptions(c.params, c.r.subresource);
    return json(
      objectJson(
        c.t,
        c.ctx.engine.update(c.t, c.ns, c.r.name!, await body(c.req), opts),
      ),
    );
  },
  patch: async (c) => {
    const [ct, p] = await patchBody(c.req, c.t);
    const opts = writeOptions(c.params, c.r.subresource);
    return json(
      objectJson(c.t, c.ctx.engine.patch(c.t, c.ns, c.r.name!, ct, p, opts)),
    );
  },
  delete: async (c) => {
    const opts = await deleteOptions(c);
    if (c.params.get("dryRun") === "All" || opts.dryRun?.includes("All")) {
      return json(objectJson(c.t, c.ctx.engine.mustGet(c.t, c.ns, c.r.name!)));
    }
    const d = c.ctx.deleter.delete(c.t, c.ns, c.r.name!, opts);
    return deleteResponse(c.t, d.stored, d.gone);
  },
  deletecollection: async (c) => {
    const gone = c.ctx.deleter.deleteCollection(
      c.t,
      c.r.ns,
      selectorFrom(c.params),
      await deleteOptions(c),
    );
    const rv = String(c.ctx.engine.store.resourceVersion);
    return json(
      listJson(c.t, gone.map((s) => objectJson(c.t, s)), {
        resourceVersion: rv,
      }),
    );
  },
};

/** Serves one resource request against a resolved type. */
export function handleResource(
  ctx: HandlerContext,
  t: ResourceType,
  r: ResourceRequest,
  req: Request,
  params: URLSearchParams,
): Response | Promise<Response> {
  const sub = r.subresource;
  if (sub && sub !== "status" && !(sub === "scale" && t.scale)) {
    throw notFound({
      group: t.group,
      kind: `${t.resource}/${sub}`,
      name: r.name,
    });
  }
  const c: Call = { ctx, t, r, req, params, ns: r.ns ?? "" };
  if (sub === "scale") return scale(c);
  const handler = VERBS[r.verb];
  if (!handler || (sub && !["get", "update", "patch"].includes(r.verb))) {
    throw methodNotAllowed();
  }
  return handler(c);
}

/** The autoscaling/v1 Scale view: get, update and patch. */
async function scale(c: Call): Promise<Response> {
  const cur = c.ctx.engine.mustGet(c.t, c.ns, c.r.name!);
  if (c.r.verb === "get") return json(JSON.stringify(readScale(c.t, cur.obj)));
  if (c.r.verb !== "update" && c.r.verb !== "patch") throw methodNotAllowed();
  let desired: unknown;
  if (c.r.verb === "update") desired = await body(c.req);
  else {
    const [ct, p] = await patchBody(c.req, c.t);
    desired = applyPatch(ct, readScale(c.t, cur.obj), p, true);
  }
  const next = writeScale(c.t, cur, desired);
  const stored = c.ctx.engine.update(
    c.t,
    c.ns,
    c.r.name!,
    next,
    writeOptions(c.params),
  );
  return json(JSON.stringify(readScale(c.t, stored.obj)));
}
