/**
 * The request being served, visible to everything it runs (engine hooks,
 * store listeners, deferred garbage collection), so a test can attribute each
 * store change to the request and user that caused it (tests/invariants).
 */
import { AsyncLocalStorage } from "node:async_hooks";

/** What is known about the request in progress. */
export interface RequestContext {
  method: string;
  /** Path and query. */
  url: string;
  /** ms since epoch when it arrived. */
  at: number;
  /** Set once authenticated. */
  user?: string;
  /** RBAC verb, once routed to a resource. */
  verb?: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** Runs `fn` as the handling of `ctx`. */
export function inRequest<T>(ctx: RequestContext, fn: () => T): T {
  return storage.run(ctx, fn);
}

/** The request whose handling is running now, if any. */
export function currentRequest(): RequestContext | undefined {
  return storage.getStore();
}
