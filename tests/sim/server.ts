/**
 * The HTTP request handler of one cluster: authentication, counters, faults,
 * non-resource paths (discovery, OpenAPI), authorization, then the resource
 * handlers; every failure becomes a Status response.
 */
import {
  type Authorizer,
  forbidden,
  selfSubjectAccessReview,
  type Tokens,
  type User,
} from "./auth.ts";
import type { Counters, RequestLog } from "./counters.ts";
import { VERSION } from "./discovery.ts";
import { failure, SimError } from "./errors.ts";
import type { Faults } from "./faults.ts";
import { type HandlerContext, handleResource } from "./handlers.ts";
import { makeNonResourceHandler, notFoundPath } from "./nonresource.ts";
import type { Registry } from "./registry.ts";
import { body, json } from "./respond.ts";
import { currentRequest, inRequest } from "./request-context.ts";
import { parseResourcePath, type ResourceRequest } from "./router.ts";

/** Everything the handler consults. */
export interface ServerContext extends HandlerContext {
  registry: Registry;
  tokens: Tokens;
  authorize: Authorizer;
  counters: Counters;
  requests: RequestLog;
  faults: Faults;
  /** "127.0.0.1:port", for legacy /api. */
  address: () => string;
}

const PUBLIC_PATHS = new Set(["/version", "/healthz", "/readyz", "/livez"]);

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

async function serveResource(
  ctx: ServerContext,
  req: Request,
  params: URLSearchParams,
  user: User,
  r: ResourceRequest,
): Promise<Response> {
  const resource = r.subresource
    ? `${r.resource}/${r.subresource}`
    : r.resource;
  ctx.counters.add(r.verb, r.group, resource);
  const current = currentRequest();
  if (current) {
    current.user = user.name;
    current.verb = r.verb;
  }
  const fault = ctx.faults.take(r.verb, resource);
  if (fault) throw fault;
  if (r.resource === "selfsubjectaccessreviews" && r.verb === "create") {
    return json(
      JSON.stringify(
        selfSubjectAccessReview(ctx.authorize, user, await body(req)),
      ),
      201,
    );
  }
  const attrs = {
    verb: r.verb,
    group: r.group,
    resource: r.resource,
    subresource: r.subresource,
    namespace: r.ns,
    name: r.name,
  };
  if (!ctx.authorize(user, attrs)) throw forbidden(user, attrs);
  const t = ctx.registry.find(r.group, r.version, r.resource);
  if (!t || (!t.namespaced && r.ns !== undefined)) throw notFoundPath();
  return await handleResource(ctx, t, r, req, params);
}

/** Builds the fetch handler of one cluster. */
export function makeHandler(
  ctx: ServerContext,
): (req: Request) => Promise<Response> {
  const nonResource = makeNonResourceHandler(ctx.registry, ctx.address);
  return async (req) => {
    const at = Date.now();
    const url = new URL(req.url);
    const res = await inRequest(
      { method: req.method, url: url.pathname + url.search, at },
      () => handle(req),
    );
    ctx.requests.add({
      method: req.method,
      url: url.pathname + url.search,
      code: res.status,
      at,
    });
    return res;
  };

  async function handle(req: Request): Promise<Response> {
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
      if (!r) return nonResource(req, path);
      return await serveResource(ctx, req, url.searchParams, user, r);
    } catch (e) {
      return errorResponse(e);
    }
  }
}
