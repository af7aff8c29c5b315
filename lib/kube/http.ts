/**
 * The HTTP layer under every typed client-node call of one cluster: a token
 * from the cluster's rate limiter, a timeout that covers the whole exchange
 * (headers and body; client-node has none), and retries of 429/5xx/broken
 * connections per {@link RetryPolicy}. The body is read here, inside the
 * timeout, so a server that stalls mid-body cannot hang a reconcile.
 */
import {
  IsomorphicFetchHttpLibrary,
  type PromiseHttpLibrary,
  type RequestContext,
  ResponseContext,
} from "@kubernetes/client-node/dist/gen/http/http.js";
import { Buffer } from "node:buffer";
import { type Clock, sleep, systemClock } from "../clock.ts";
import { classifyError } from "./errors.ts";
import type { TokenBucket } from "./rate-limit.ts";
import {
  DEFAULT_RETRY,
  parseRetryAfter,
  retryableFailure,
  retryableStatus,
  retryDelay,
  type RetryPolicy,
} from "./retry.ts";

/** Told about each HTTP attempt (for metrics and tests). */
export type RequestObserver = (
  e: { method: string; status?: number; attempt: number; durationMs: number },
) => void;

/** Options of {@link ClusterHttp}. */
export interface ClusterHttpOptions {
  timeoutMs: number;
  limiter?: TokenBucket;
  retry?: RetryPolicy;
  clock?: Clock;
  onRequest?: RequestObserver;
  /** The transport; client-node's undici fetch by default. */
  inner?: PromiseHttpLibrary;
}

const fetchLibrary = new IsomorphicFetchHttpLibrary();
const defaultInner: PromiseHttpLibrary = {
  send: (req) => fetchLibrary.send(req).toPromise(),
};

/** A response whose body was already read. */
function bufferedResponse(
  status: number,
  headers: Record<string, string>,
  text: string,
): ResponseContext {
  return new ResponseContext(status, headers, {
    text: () => Promise.resolve(text),
    binary: () => Promise.resolve(Buffer.from(text)),
    stream: () => null,
  });
}

/** See the module comment. */
export class ClusterHttp implements PromiseHttpLibrary {
  readonly #o: Required<Omit<ClusterHttpOptions, "limiter" | "onRequest">>;
  readonly #limiter?: TokenBucket;
  readonly #onRequest?: RequestObserver;

  constructor(opts: ClusterHttpOptions) {
    this.#o = {
      timeoutMs: opts.timeoutMs,
      retry: opts.retry ?? DEFAULT_RETRY,
      clock: opts.clock ?? systemClock,
      inner: opts.inner ?? defaultInner,
    };
    this.#limiter = opts.limiter;
    this.#onRequest = opts.onRequest;
  }

  /** Sends `req` with rate limit, timeout and retries. */
  async send(req: RequestContext): Promise<ResponseContext> {
    const method = String(req.getHttpMethod());
    const outer = req.getSignal();
    const { retry, clock } = this.#o;
    for (let attempt = 1;; attempt++) {
      await this.#limiter?.take(outer);
      const last = attempt >= retry.maxAttempts;
      let res: ResponseContext;
      try {
        res = await this.#attempt(req, outer, attempt);
      } catch (e) {
        if (last || outer?.aborted) throw e;
        if (!retryableFailure(method, classifyError(e))) throw e;
        await sleep(clock, retryDelay(retry, attempt, undefined), outer);
        continue;
      }
      if (last || !retryableStatus(method, res.httpStatusCode)) return res;
      const after = parseRetryAfter(res.headers["retry-after"], clock.now());
      await sleep(clock, retryDelay(retry, attempt, after), outer);
    }
  }

  async #attempt(
    req: RequestContext,
    outer: AbortSignal | undefined,
    attempt: number,
  ): Promise<ResponseContext> {
    const { clock, timeoutMs, inner } = this.#o;
    const timeout = new AbortController();
    const timer = clock.setTimeout(() => {
      timeout.abort(
        new DOMException(
          `request timed out after ${timeoutMs} ms`,
          "TimeoutError",
        ),
      );
    }, timeoutMs);
    req.setSignal(
      outer ? AbortSignal.any([outer, timeout.signal]) : timeout.signal,
    );
    const started = clock.now();
    let status: number | undefined;
    try {
      const res = await inner.send(req);
      status = res.httpStatusCode;
      const text = await res.body.text();
      return bufferedResponse(status, res.headers, text);
    } finally {
      clock.clearTimeout(timer);
      if (outer) req.setSignal(outer);
      const durationMs = clock.now() - started;
      this.#onRequest?.({
        method: req.getHttpMethod(),
        status,
        attempt,
        durationMs,
      });
    }
  }
}
