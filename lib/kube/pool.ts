/**
 * Connection pooling for client-node 2.0.1, which builds a new undici Agent
 * (a new TCP+TLS connection, left idle afterwards) for every request when a
 * CA or client certificate is set. Here one Agent per KubeConfig serves every
 * request and watch.
 */
import {
  type ApiConstructor,
  type ApiType,
  createConfiguration,
  KubeConfig,
  type RequestContext,
  ServerConfiguration,
  wrapHttpLibrary,
} from "@kubernetes/client-node";
import type https from "node:https";
import { Agent } from "undici";
import type { ClusterHttp } from "./http.ts";

type Dispatcher = NonNullable<ReturnType<RequestContext["getDispatcher"]>>;

/** Idle keep-alive sockets close after this long without a request. */
const KEEP_ALIVE_MS = 30_000;

/**
 * KubeConfig that hands every request and watch one pooled HTTP/1.1 agent
 * and routes typed calls via ClusterHttp. HTTP/1.1 on purpose: undici
 * negotiates h2 by default, and Deno's node:http2 layer aborts the whole
 * process (nghttp2 assertion) when a server sends GOAWAY, which API servers
 * do on shutdown and at random for load balancing.
 */
export class PooledKubeConfig extends KubeConfig {
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
