/**
 * The HTTP request handler of one cluster: authentication, counters, faults,
 * discovery and OpenAPI documents, authorization, then the resource
 * handlers; every failure becomes a Status response.
 */
import {
  type Authorizer,
  forbidden,
  selfSubjectAccessReview,
  type Tokens,
} from "./auth.ts";
import type { Counters } from "./counters.ts";
import {
  aggregated,
  AGGREGATED_CONTENT_TYPE,
  apiGroupList,
  apiResourceList,
  apiVersions,
  openapiGroupVersion,
  openapiRoot,
  VERSION,
  wantsAggregated,
} from "./discovery.ts";
import { failure, SimError } from "./errors.ts";
import type { Faults } from "./faults.ts";
import { body, type HandlerContext, handleResource, json } from "./handlers.ts";
import type { Registry } from "./registry.ts";
import { parseResourcePath } from "./router.ts";

/** Everything the handler consults. */
export interface ServerContext extends HandlerContext {
  registry: Registry;
  tokens: Tokens;
  authorize: Authorizer;
  counters: Counters;
  faults: Faults;
  /** "127.0.0.1:port", for legacy /api. */
  address: () => string;
}

const PUBLIC_PATHS = new Set(["/version", "/healthz", "/readyz", "/livez"]);

function notFoundPath(): SimError {
  return failure(
    404,
    "NotFound",
    "the server could not find the requested resource",
    {},
  );
}

function errorResponse(e: unknown): Response {
  if (e instanceof SimError) {
    return json(JSON.stringify(e.status), e.status.code, e.headers);
  }
  const msg = `Internal error occurred: ${(e as Error)?.message ?? e}`;
  return json(JSON.stringify(failure(500, "InternalError", msg).status), 500);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Builds the fetch handler of one cluster. */
export function makeHandler(
  ctx: ServerContext,
): (req: Request) => Promise<Response> {
  let openapiHash = "";
  ctx.registry.onChange(() => openapiHash = "");
  const hash = () =>
    openapiHash ||= crypto.randomUUID().replaceAll("-", "").toUpperCase();
  return async (req) => {
    try {
      if (ctx.faults.latencyMs > 0) await sleep(ctx.faults.latencyMs);
      const url = new URL(req.url);
      const path = url.pathname.replace(/\/+$/, "") || "/";
      if (PUBLIC_PATHS.has(path)) {
        return path === "/version"
          ? json(JSON.stringify(VERSION))
          : new Response("ok");
      }
      const user = ctx.tokens.authenticate(req.headers.get("authorization"));
      const r = parseResourcePath(req.method, path, url.searchParams);
      if (!r) return nonResource(ctx, req, path);
      const resource = r.subresource
        ? `${r.resource}/${r.subresource}`
        : r.resource;
      ctx.counters.add(r.verb, r.group, resource);
      const fault = ctx.faults.take(r.verb, resource);
      if (fault) throw fault;
      const attrs = {
        verb: r.verb,
        group: r.group,
        resource: r.resource,
        subresource: r.subresource,
        namespace: r.ns,
        name: r.name,
      };
      if (r.resource === "selfsubjectaccessreviews" && r.verb === "create") {
        const review = selfSubjectAccessReview(
          ctx.authorize,
          user,
          await body(req),
        );
        return json(JSON.stringify(review), 201);
      }
      if (!ctx.authorize(user, attrs)) throw forbidden(user, attrs);
      const t = ctx.registry.find(r.group, r.version, r.resource);
      if (!t) throw notFoundPath();
      if (t.namespaced === false && r.ns !== undefined) throw notFoundPath();
      return await handleResource(ctx, t, r, req, url.searchParams);
    } catch (e) {
      return errorResponse(e);
    }
  };

  function nonResource(
    ctx: ServerContext,
    req: Request,
    path: string,
  ): Response {
    const agg = wantsAggregated(req.headers.get("accept"));
    const parts = path.split("/").filter(Boolean);
    if (path === "/api" || path === "/apis") {
      const core = path === "/api";
      if (agg) {
        return json(JSON.stringify(aggregated(ctx.registry, core)), 200, {
          "content-type": AGGREGATED_CONTENT_TYPE,
        });
      }
      return json(
        JSON.stringify(
          core ? apiVersions(ctx.address()) : apiGroupList(ctx.registry),
        ),
      );
    }
    const gv = parts[0] === "api" && parts.length === 2
      ? apiResourceList(ctx.registry, "", parts[1])
      : parts[0] === "apis" && parts.length === 3
      ? apiResourceList(ctx.registry, parts[1], parts[2])
      : undefined;
    if (gv) return json(JSON.stringify(gv));
    if (parts[0] === "apis" && parts.length === 2) {
      const g = (apiGroupList(ctx.registry).groups as { name: string }[]).find((
        x,
      ) => x.name === parts[1]);
      if (g) {
        return json(
          JSON.stringify({ kind: "APIGroup", apiVersion: "v1", ...g }),
        );
      }
    }
    if (path === "/openapi/v3") {
      return json(JSON.stringify(openapiRoot(ctx.registry, hash())));
    }
    if (parts[0] === "openapi" && parts[1] === "v3") {
      const rest = parts.slice(3);
      const doc = openapiGroupVersion(ctx.registry, rest.join("/"));
      if (doc) return json(JSON.stringify(doc));
    }
    throw notFoundPath();
  }
}
