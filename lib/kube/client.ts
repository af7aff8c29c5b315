/**
 * A client for one cluster: a kubeconfig (config.ts, client-node's
 * KubeConfig semantics without its module graph) with three changes.
 * 1. One keep-alive connection pool per cluster (see pool.ts); requests go
 *    through Deno's own HTTP client where it fits (native.ts).
 * 2. Typed API clients send through {@link ClusterHttp} (rate limit, timeout,
 *    retries).
 * 3. `requestJson` for plain-JSON calls (lists of any type, no class
 *    deserialization), and `close()` to free the pool.
 */
// Values from deep paths: the package index (and its KubeConfig) would load
// the whole generated API, ~60 MB of RSS (see config.ts). Types are erased.
import type {
  ApiConstructor,
  ApiType,
  ConfigurationOptions,
  KubeConfig as ClientNodeKubeConfig,
  ObservableMiddleware,
} from "@kubernetes/client-node";
import { ApiException } from "@kubernetes/client-node/dist/gen/apis/exception.js";
import { RequestContext } from "@kubernetes/client-node/dist/gen/http/http.js";
import { Observable } from "@kubernetes/client-node/dist/gen/rxjsStub.js";
import { Watch } from "@kubernetes/client-node/dist/watch.js";
import type { KubeConfig } from "./config.ts";
import type { Clock } from "../clock.ts";
import { ClusterHttp, type RequestObserver } from "./http.ts";
import { PooledKubeConfig } from "./pool.ts";
import { TokenBucket } from "./rate-limit.ts";
import type { RetryPolicy } from "./retry.ts";
import { withoutUrlCredentials } from "./url-credentials.ts";

/** Default per-request timeout. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/** Options of {@link ClusterClient}. */
export interface ClusterClientOptions {
  /** Name used in logs and metrics ("source", a RemoteCluster name). */
  name: string;
  timeoutMs?: number;
  /** Token bucket; absent or qps ≤ 0 means unlimited. */
  rateLimit?: { qps: number; burst: number };
  retry?: RetryPolicy;
  clock?: Clock;
  onRequest?: RequestObserver;
}

/**
 * Per-call options for typed client-node calls that tie the request to
 * `signal` (e.g. the leadership signal a reconciler gets), so an abort stops
 * the call, its retries and its rate-limit wait at once:
 * `client.api(CoreV1Api).listNamespace({}, withSignal(signal))`.
 */
export function withSignal(signal: AbortSignal): ConfigurationOptions {
  const middleware: ObservableMiddleware = {
    pre: (ctx) => {
      ctx.setSignal(signal);
      return new Observable(Promise.resolve(ctx));
    },
    post: (res) => new Observable(Promise.resolve(res)),
  };
  return { middleware: [middleware], middlewareMergeStrategy: "append" };
}

/** Options of {@link ClusterClient.requestJson}. */
export interface JsonRequest {
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  contentType?: string;
  /** Accept header; default application/json. */
  accept?: string;
  signal?: AbortSignal;
}

/** See the module comment. */
export class ClusterClient {
  readonly name: string;
  readonly kubeConfig: KubeConfig;
  /** The server URL for display: user-info never shown. */
  readonly server: string;
  readonly limiter?: TokenBucket;
  readonly #serverUrl: string;
  readonly #kc: PooledKubeConfig;
  readonly #http: ClusterHttp;
  readonly #apis = new Map<unknown, unknown>();

  /** `load` fills a fresh KubeConfig (loadFromString, loadFromFile...). */
  constructor(load: (kc: KubeConfig) => void, opts: ClusterClientOptions) {
    const kc = new PooledKubeConfig();
    load(kc);
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new Error("kubeconfig has no current cluster");
    const { qps = 0, burst = 1 } = opts.rateLimit ?? {};
    this.limiter = qps > 0
      ? new TokenBucket({ qps, burst, clock: opts.clock })
      : undefined;
    this.#http = new ClusterHttp({
      inner: { send: (req) => kc.send(req) },
      timeoutMs: opts.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      limiter: this.limiter,
      retry: opts.retry,
      clock: opts.clock,
      onRequest: opts.onRequest,
    });
    kc.http = this.#http;
    this.#kc = kc;
    this.kubeConfig = kc;
    this.name = opts.name;
    this.#serverUrl = cluster.server;
    this.server = withoutUrlCredentials(cluster.server);
  }

  /** A typed API client (cached per type) sharing this cluster's pool. */
  api<T extends ApiType>(type: ApiConstructor<T>): T {
    let api = this.#apis.get(type) as T | undefined;
    if (!api) {
      api = this.#kc.makeApiClient(type);
      this.#apis.set(type, api);
    }
    return api;
  }

  /** A Watch on this cluster (same pool; the caller rate-limits). */
  watch(inactivityTimeoutMs?: number): Watch {
    // Watch needs only getCurrentCluster and applySecurityAuthentication.
    const w = new Watch(this.#kc as unknown as ClientNodeKubeConfig);
    if (inactivityTimeoutMs !== undefined) {
      (w as unknown as { requestTimeoutMs: number }).requestTimeoutMs =
        inactivityTimeoutMs;
    }
    return w;
  }

  /** A request returning parsed JSON; HTTP errors throw ApiException. */
  async requestJson<T = unknown>(
    path: string,
    r: JsonRequest = {},
  ): Promise<T> {
    const url = new URL(this.#serverUrl.replace(/\/$/, "") + path);
    for (const [k, v] of Object.entries(r.query ?? {})) {
      if (v !== undefined) url.searchParams.set(k, String(v));
    }
    const ctx = new RequestContext(url.toString(), r.method ?? "GET");
    await this.#kc.applySecurityAuthentication(ctx);
    ctx.setHeaderParam("Accept", r.accept ?? "application/json");
    if (r.body !== undefined) {
      ctx.setHeaderParam("Content-Type", r.contentType ?? "application/json");
      ctx.setBody(JSON.stringify(r.body));
    }
    if (r.signal) ctx.setSignal(r.signal);
    const res = await this.#http.send(ctx);
    const text = await res.body.text();
    if (res.httpStatusCode >= 400) {
      throw new ApiException(
        res.httpStatusCode,
        `HTTP-Code: ${res.httpStatusCode}`,
        text,
        res.headers,
      );
    }
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** Closes the connection pool (open watches end); later calls fail. */
  async close(): Promise<void> {
    this.#kc.closed = true;
    const pool = await this.#kc.pool;
    this.#kc.pool = undefined;
    const native = await this.#kc.native;
    this.#kc.native = undefined;
    native?.close();
    await pool?.destroy();
  }
}
