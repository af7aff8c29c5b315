/**
 * Connection pooling for client-node 2.0.1, which builds a new undici Agent
 * (a new TCP+TLS connection, left idle afterwards) for every request when a
 * CA or client certificate is set. Here one Agent per KubeConfig serves every
 * request and watch. The KubeConfig is ours (config.ts), which keeps
 * client-node's generated API index out of the process; typed API clients
 * are built from client-node's deep modules that do not import it.
 */
import type { ApiConstructor, ApiType } from "@kubernetes/client-node";
import { createConfiguration } from "@kubernetes/client-node/dist/gen/configuration.js";
import {
  IsomorphicFetchHttpLibrary,
  type PromiseHttpLibrary,
  type RequestContext,
  type ResponseContext,
  wrapHttpLibrary,
} from "@kubernetes/client-node/dist/gen/http/http.js";
import { ServerConfiguration } from "@kubernetes/client-node/dist/gen/servers.js";
import { Agent } from "undici";
import { KubeConfig } from "./config.ts";
import type { ClusterHttp } from "./http.ts";
import { nativeClient, nativeLibrary } from "./native.ts";

type Dispatcher = NonNullable<ReturnType<RequestContext["getDispatcher"]>>;

/** Idle keep-alive sockets close after this long without a request. */
const KEEP_ALIVE_MS = 30_000;
/** `undici` forces client-node's transport for requests (A/B benchmarks). */
const TRANSPORT_ENV = "DRSYNCER_TRANSPORT";

const undiciFetch = new IsomorphicFetchHttpLibrary();

function forcedUndici(): boolean {
  try {
    return Deno.env.get(TRANSPORT_ENV) === "undici";
  } catch {
    return false;
  }
}

/**
 * KubeConfig that hands every request and watch one pooled HTTP/1.1 agent
 * and routes typed calls via ClusterHttp. HTTP/1.1 on purpose: undici
 * negotiates h2 by default, and Deno's node:http2 layer aborts the whole
 * process (nghttp2 assertion) when a server sends GOAWAY, which API servers
 * do on shutdown and at random for load balancing.
 */
export class PooledKubeConfig extends KubeConfig {
  pool?: Promise<Dispatcher | undefined>;
  /** Deno's own HTTP client for requests, when it fits the TLS settings. */
  native?: Promise<Deno.HttpClient | undefined>;
  http?: ClusterHttp;
  closed = false;

  /**
   * Sends one request (watches stay on undici): through Deno's fetch when
   * native.ts can express the TLS settings, else client-node's undici.
   */
  async send(req: RequestContext): Promise<ResponseContext> {
    if (this.closed) throw new Error("cluster client is closed");
    this.native ??= this.#buildNative();
    const client = await this.native;
    const lib: PromiseHttpLibrary = client
      ? nativeLibrary(client)
      : { send: (r) => undiciFetch.send(r).toPromise() };
    return await lib.send(req);
  }

  async #buildNative(): Promise<Deno.HttpClient | undefined> {
    if (forcedUndici()) return undefined;
    const tls = await this.tlsOptions();
    return nativeClient(tls, Boolean(this.getCurrentCluster()?.proxyUrl));
  }

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
    const opts = await this.dispatcherOptions(await this.tlsOptions());
    // Proxies keep client-node's own per-request dispatcher.
    if (opts.type !== "agent" && opts.type !== "none") return undefined;
    return new Agent({
      connect: opts.type === "agent" ? opts.connect : {},
      allowH2: false,
      keepAliveTimeout: KEEP_ALIVE_MS,
    });
  }

  /** A typed API client sending through {@link http}. */
  makeApiClient<T extends ApiType>(type: ApiConstructor<T>): T {
    const cluster = this.getCurrentCluster();
    if (!cluster) throw new Error("No active cluster!");
    if (!this.http) throw new Error("cluster client has no HTTP layer");
    return new type(createConfiguration({
      baseServer: new ServerConfiguration(cluster.server, {}),
      authMethods: { default: this },
      httpApi: wrapHttpLibrary(this.http),
    }));
  }
}
