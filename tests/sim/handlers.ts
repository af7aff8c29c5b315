/**
 * HTTP handlers of resource requests: get, list (selectors, pagination),
 * watch, create, update, patch, delete, deletecollection, and the status
 * and scale subresources.
 */
import type { DeleteOptions, Deleter } from "./deletion.ts";
import { returnsObject } from "./deletion.ts";
import type { Engine, WriteOptions } from "./engine.ts";
import { badRequest, failure, notFound } from "./errors.ts";
import { applyPatch, PATCH_TYPES, unsupportedPatch } from "./patch.ts";
import { groupVersion, type ResourceType, storeKey } from "./registry.ts";
import type { ResourceRequest } from "./router.ts";
import { readScale, writeScale } from "./scale.ts";
import { decodeProtobuf, isProtobuf } from "./protobuf.ts";
import { selectorFrom } from "./selectors.ts";
import type { Stored } from "./store.ts";
import type { WatchHub } from "./watch.ts";

const JSON_TYPE = "application/json";

/** A JSON response with the given status. */
export function json(
  body: string,
  status = 200,
  headers: HeadersInit = {},
): Response {
  return new Response(body, {
    status,
    headers: { "content-type": JSON_TYPE, ...headers },
  });
}

/** What handlers need from the cluster. */
export interface HandlerContext {
  engine: Engine;
  deleter: Deleter;
  hub: WatchHub;
}

function objectJson(t: ResourceType, s: Stored): string {
  const gv = groupVersion(t);
  return s.obj.apiVersion === gv
    ? s.json
    : JSON.stringify({ ...s.obj, apiVersion: gv });
}

/** The request body as JSON (k8s protobuf bodies decoded); undefined if empty. */
export async function body(req: Request): Promise<unknown> {
  if (isProtobuf(req.headers.get("content-type"))) {
    return decodeProtobuf(new Uint8Array(await req.arrayBuffer()));
  }
  const text = await req.text();
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text);
  } catch (e) {
    throw badRequest(
      `couldn't get version/kind; json parse error: ${(e as Error).message}`,
    );
  }
}

interface Continue {
  rv: number;
  start: string;
}

function encodeContinue(c: Continue): string {
  return btoa(JSON.stringify(c)).replace(/=+$/, "");
}

function decodeContinue(s: string): Continue {
  try {
    return JSON.parse(atob(s));
  } catch {
    throw badRequest("continue key is not valid: illegal base64 data");
  }
}

function list(
  ctx: HandlerContext,
  t: ResourceType,
  r: ResourceRequest,
  params: URLSearchParams,
): Response {
  const match = selectorFrom(params);
  const limit = Number(params.get("limit") ?? 0);
  const cont = params.get("continue");
  const start = cont ? decodeContinue(cont).start : "";
  const all = ctx.engine.store.list(
    storeKey(t),
    t.namespaced ? r.ns : undefined,
  );
  const items: string[] = [];
  let next: string | undefined;
  let remaining = 0;
  for (const s of all) {
    const key = `${s.obj.metadata.namespace ?? ""}/${s.obj.metadata.name}`;
    if (start && key <= start) continue;
    if (!match(s.obj)) continue;
    if (limit > 0 && items.length >= limit) {
      remaining++;
      continue;
    }
    items.push(objectJson(t, s));
    if (limit > 0 && items.length === limit) next = key;
  }
  const rv = String(ctx.engine.store.resourceVersion);
  const meta: Record<string, unknown> = { resourceVersion: rv };
  if (remaining > 0 && next) {
    meta.continue = encodeContinue({ rv: Number(rv), start: next });
    meta.remainingItemCount = remaining;
  }
  const head = `{"kind":"${t.kind}List","apiVersion":"${
    groupVersion(t)
  }","metadata":${JSON.stringify(meta)},"items":[`;
  return json(`${head}${items.join(",")}]}`);
}

function watch(
  ctx: HandlerContext,
  t: ResourceType,
  r: ResourceRequest,
  params: URLSearchParams,
): Response {
  const timeout = params.get("timeoutSeconds");
  const rv = params.get("resourceVersion") ?? undefined;
  if (rv && rv !== "0" && !/^\d+$/.test(rv)) {
    throw badRequest(`invalid resource version: ${rv}`);
  }
  const stream = ctx.hub.open({
    type: t,
    ns: r.ns,
    match: selectorFrom(params),
    resourceVersion: rv,
    bookmarks: params.get("allowWatchBookmarks") === "true",
    timeoutSeconds: timeout ? Number(timeout) : undefined,
  });
  return new Response(stream, {
    headers: {
      "content-type": JSON_TYPE,
      "transfer-encoding": "chunked",
      "cache-control": "no-cache, private",
    },
  });
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
  const known = [
    PATCH_TYPES.merge,
    PATCH_TYPES.json,
    PATCH_TYPES.strategic,
  ] as string[];
  if (!known.includes(ct) || (ct === PATCH_TYPES.strategic && t.crd)) {
    throw unsupportedPatch(!t.crd);
  }
  return [ct, await body(req)];
}

/** Serves one resource request against a resolved type. */
export async function handleResource(
  ctx: HandlerContext,
  t: ResourceType,
  r: ResourceRequest,
  req: Request,
  params: URLSearchParams,
): Promise<Response> {
  const ns = r.ns ?? "";
  const sub = r.subresource;
  if (sub && sub !== "status" && !(sub === "scale" && t.scale)) {
    throw notFound({
      group: t.group,
      kind: `${t.resource}/${sub}`,
      name: r.name,
    });
  }
  if (sub === "scale") return scale(ctx, t, r, req, params);
  const e = ctx.engine;
  switch (r.verb) {
    case "get":
      return json(objectJson(t, e.mustGet(t, ns, r.name!)));
    case "list":
      return list(ctx, t, r, params);
    case "watch":
      return watch(ctx, t, r, params);
    case "create": {
      if (r.name) {
        throw failure(
          405,
          "MethodNotAllowed",
          "the server does not allow this method on the requested resource",
        );
      }
      return json(
        objectJson(t, e.create(t, ns, await body(req), writeOptions(params))),
        201,
      );
    }
    case "update":
      return json(
        objectJson(
          t,
          e.update(t, ns, r.name!, await body(req), writeOptions(params, sub)),
        ),
      );
    case "patch": {
      const [ct, p] = await patchBody(req, t);
      return json(
        objectJson(
          t,
          e.patch(t, ns, r.name!, ct, p, writeOptions(params, sub)),
        ),
      );
    }
    case "delete": {
      const opts = (await body(req) ?? {}) as DeleteOptions;
      const pp = params.get("propagationPolicy");
      if (pp) opts.propagationPolicy = pp as DeleteOptions["propagationPolicy"];
      if (params.get("dryRun") === "All" || opts.dryRun?.includes("All")) {
        return json(objectJson(t, e.mustGet(t, ns, r.name!)));
      }
      const d = ctx.deleter.delete(t, ns, r.name!, opts);
      return deleteResponse(t, d.stored, d.gone);
    }
    case "deletecollection": {
      const opts = (await body(req) ?? {}) as DeleteOptions;
      const gone = ctx.deleter.deleteCollection(
        t,
        r.ns,
        selectorFrom(params),
        opts,
      );
      const items = gone.map((s) => objectJson(t, s)).join(",");
      const rv = ctx.engine.store.resourceVersion;
      return json(
        `{"kind":"${t.kind}List","apiVersion":"${
          groupVersion(t)
        }","metadata":{"resourceVersion":"${rv}"},"items":[${items}]}`,
      );
    }
  }
  throw failure(
    405,
    "MethodNotAllowed",
    "the server does not allow this method on the requested resource",
  );
}

async function scale(
  ctx: HandlerContext,
  t: ResourceType,
  r: ResourceRequest,
  req: Request,
  params: URLSearchParams,
): Promise<Response> {
  const ns = r.ns ?? "";
  const cur = ctx.engine.mustGet(t, ns, r.name!);
  if (r.verb === "get") return json(JSON.stringify(readScale(t, cur.obj)));
  if (r.verb !== "update" && r.verb !== "patch") {
    throw failure(
      405,
      "MethodNotAllowed",
      "the server does not allow this method on the requested resource",
    );
  }
  let desired: unknown;
  if (r.verb === "update") desired = await body(req);
  else {
    const [ct, p] = await patchBody(req, t);
    desired = applyPatch(ct, readScale(t, cur.obj), p, true);
  }
  const next = writeScale(t, cur, desired, params);
  const stored = ctx.engine.update(t, ns, r.name!, next, writeOptions(params));
  return json(JSON.stringify(readScale(t, stored.obj)));
}
