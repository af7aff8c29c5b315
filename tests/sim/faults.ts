/**
 * Request-level fault injection: added latency and failing the next N
 * requests with 500, 503 or 429 (+Retry-After). Watch-level faults (cut,
 * stall, forced 410) live on the WatchHub; outages on the cluster server.
 */
import { failure, type SimError } from "./errors.ts";

/** Status codes `failNext` can inject. */
export type FaultCode = 500 | 503 | 429;

/** Which requests a fault applies to (all when absent). */
export interface FaultFilter {
  verbs?: string[];
  resources?: string[];
}

interface Pending {
  left: number;
  code: FaultCode;
  retryAfterSeconds?: number;
  filter: FaultFilter;
}

function faultError(p: Pending): SimError {
  if (p.code === 429) {
    const secs = p.retryAfterSeconds ?? 1;
    const e = failure(
      429,
      "TooManyRequests",
      "Too many requests, please try again later.",
      {
        retryAfterSeconds: secs,
      },
    );
    return Object.assign(e, { headers: { "Retry-After": String(secs) } });
  }
  if (p.code === 503) {
    const e = failure(
      503,
      "ServiceUnavailable",
      "the server is currently unable to handle the request",
    );
    if (p.retryAfterSeconds !== undefined) {
      e.status.details = { retryAfterSeconds: p.retryAfterSeconds };
      return Object.assign(e, {
        headers: { "Retry-After": String(p.retryAfterSeconds) },
      });
    }
    return e;
  }
  return failure(
    500,
    "InternalError",
    "Internal error occurred: injected fault",
  );
}

/** Fault state of one cluster. */
export class Faults {
  #latencyMs = 0;
  #pending: Pending[] = [];

  /** Adds `ms` of delay before every request is handled (0 turns it off). */
  latency(ms: number): void {
    this.#latencyMs = Math.max(0, ms);
  }

  /** Current added latency in ms. */
  get latencyMs(): number {
    return this.#latencyMs;
  }

  /** Fails the next `n` matching requests with `code`. */
  failNext(
    n: number,
    code: FaultCode = 500,
    retryAfterSeconds?: number,
    filter: FaultFilter = {},
  ): void {
    this.#pending.push({ left: n, code, retryAfterSeconds, filter });
  }

  /** The error to answer with, if a pending fault matches this request. */
  take(verb: string, resource: string): SimError | undefined {
    const p = this.#pending.find((x) =>
      (!x.filter.verbs || x.filter.verbs.includes(verb)) &&
      (!x.filter.resources || x.filter.resources.includes(resource))
    );
    if (!p) return undefined;
    if (--p.left <= 0) this.#pending.splice(this.#pending.indexOf(p), 1);
    return faultError(p);
  }

  /** Clears latency and pending failures. */
  clear(): void {
    this.#latencyMs = 0;
    this.#pending = [];
  }
}
