/**
 * A client for one cluster: client-node's KubeConfig with three changes.
 * 1. One keep-alive connection pool per cluster. client-node 2.0.1 builds a
 *    new undici Agent for every request when any TLS option is set, so each
 *    call paid a TCP+TLS handshake and left an idle socket behind; here one
 *    Agent per client serves every request and watch.
 * 2. Typed API clients send through {@link ClusterHttp} (rate limit, timeout,
 *    retries).
 * 3. `requestJson` for plain-JSON calls (lists of any type, no class
 *    deserialization), and `close()` to free the pool.
 */
import {
  type ApiConstructor,
  ApiException,
  type ApiType,
  type ConfigurationOptions,
  createConfiguration,
  KubeConfig,
  Observable,
  type ObservableMiddleware,
  RequestContext,
  ServerConfiguration,
  Watch,
  wrapHttpLibrary,
} from "@kubernetes/client-node";
import type https from "node:https";
import { Agent } from "undici";
import type { Clock } from "../clock.ts";
import { ClusterHttp, type RequestObserver } from "./http.ts";
import { TokenBucket } from "./rate-limit.ts";
import type { RetryPolicy } from "./retry.ts";

type Dispatcher = NonNullable<ReturnType<RequestContext["getDispatcher"]>>;

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

/** Idle keep-alive sockets close after this long without a request. */
const KEEP_ALIVE_MS = 30_000;

/**
 * KubeConfig that hands every request and watch one pooled HTTP/1.1 agent
 * and routes typed calls via ClusterHttp. HTTP/1.1 on purpose: undici
 * negotiates h2 by default, and Deno's node:http2 layer aborts the whole
 * process (nghttp2 assertion) when a server sends GOAWAY, which API servers
 * do on shutdown and at random for load balancing.
 */
class PooledKubeConfig extends KubeConfig {
  pool?: Promise<Dispatcher | undefined>;
  http?: ClusterHttp;
  closed = false;

  override async applySecurityAuthentication(
    context: RequestContext,
  ): Promise<void> {
    // A closed client must not quietly open a new pool (e.g. an informer
    // still running on a client replaced after a credentials rotation).
    if (this.closed) throw new Error("cluster client is closed");
    await super.applySecurityAuthentication(context);
    this.pool ??= this.#buildPool();
    const pool = await this.pool;
    if (pool) context.setDispatcher(pool);
  }

  async #buildPool(): Promise<Dispatcher | undefined> {
    const tls: https.RequestOptions = {};
    await this.applyToHTTPSOptions(tls);
    const { ca, cert, key, pfx, passphrase, rejectUnauthorized, servername } =
      tls;
    const opts = this.createDispatcherOptions(this.getCurrentCluster(), {
      ca,
      cert,
      key,
      pfx,
      passphrase,
      rejectUnauthorized,
      servername,
    });
    // Proxies keep client-node's own per-request dispatcher.
    if (opts.type !== "agent" && opts.type !== "none") return undefined;
    return new Agent({
      connect: opts.type === "agent" ? opts.connect : {},
      allowH2: false,
      keepAliveTimeout: KEEP_ALIVE_MS,
    });
  }

  override makeApiClient<T extends ApiType>(type: ApiConstructor<T>): T {
    const cluster = this.getCurrentCluster();
    if (!cluster || !this.http) return super.makeApiClient(type);
    return new type(createConfiguration({
      baseServer: new ServerConfiguration(cluster.server, {}),
      authMethods: { default: this },
      httpApi: wrapHttpLibrary(this.http),
    }));
  }
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
  readonly server: string;
  readonly limiter?: TokenBucket;
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
    this.server = cluster.server;
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
    const w = new Watch(this.#kc);
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
    const url = new URL(this.server.replace(/\/$/, "") + path);
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
    await pool?.destroy();
  }
}
