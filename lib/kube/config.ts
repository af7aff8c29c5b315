/**
 * Kubeconfig loading and request authentication without client-node's
 * KubeConfig. That class (`dist/config.js`) imports `dist/gen/index.js`, the
 * whole generated API and its 2,742 model files: about 60 MB of RSS for an
 * operator that sends its requests through `requestJson` and watches
 * (docs/benchmarks.md, "Memory"). Here the common credentials are handled
 * with the same semantics as client-node 2.0.1 — `config.js` and
 * `file_auth.js`, parsing by client-node's own `config_types.js`:
 *
 * - a bearer `token` (or `token-file`, read once at load), basic auth,
 *   `as` (Impersonate-User);
 * - the in-cluster `tokenFile` auth provider, re-read every 60 s;
 * - a CA, client certificate and key from data or files,
 *   insecure-skip-tls-verify, tls-server-name.
 *
 * Anything else — an exec credential plugin, an auth-provider (azure, gcp,
 * oidc, exec), a proxy — is handed to client-node's KubeConfig, imported on
 * first use only (a static specifier, so `deno compile` embeds it).
 */
import { Buffer } from "node:buffer";
import fs from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import type { KubeConfig as ClientNodeKubeConfig } from "@kubernetes/client-node";
import {
  type Cluster,
  type Context,
  newClusters,
  newContexts,
  newUsers,
  type User,
} from "@kubernetes/client-node/dist/config_types.js";
import type { RequestContext } from "@kubernetes/client-node/dist/gen/http/http.js";
import type { TlsSettings } from "./native.ts";

export type { Cluster, Context, User };

/** What {@link KubeConfig.loadFromOptions} takes (as client-node's). */
export interface KubeConfigOptions {
  clusters: Cluster[];
  users: User[];
  contexts: Context[];
  currentContext: string;
}

/** How a pooled dispatcher connects (client-node's createDispatcherOptions). */
export type DispatcherOptions =
  | { type: "none" }
  | { type: "agent"; connect: Record<string, unknown> }
  | { type: "proxy" | "socks" };

/** The in-cluster token file is re-read after this long (as client-go). */
const TOKEN_FILE_REFRESH_MS = 60_000;

function bufferFromFileOrString(
  file: string | undefined | null,
  data: string | undefined | null,
): Buffer | null {
  if (file) return fs.readFileSync(file);
  if (data) return Buffer.from(data, "base64");
  return null;
}

function makeAbsolutePath(root: string, file: string): string {
  return !root || path.isAbsolute(file) ? file : path.join(root, file);
}

function findObject<T extends { name: string }>(
  list: T[] | undefined,
  name: string | undefined,
  key: string,
): T | null {
  if (!list) return null;
  for (const obj of list) {
    if (obj.name !== name) continue;
    const inner = (obj as Record<string, unknown>)[key] as T | undefined;
    if (inner) {
      (inner as { name: string }).name = name;
      return inner;
    }
    return obj;
  }
  return null;
}

/**
 * Which client-node authenticator would handle `user` (same order as its
 * KubeConfig: azure, gcp, exec, token file, oidc): "file" is ours, "plugin"
 * is client-node's, "none" means only the static credentials.
 */
function authenticator(user: User): "none" | "file" | "plugin" {
  if (user.exec) return "plugin";
  const p = user.authProvider as
    | { name?: string; config?: Record<string, unknown> }
    | undefined
    | null;
  if (!p) return "none";
  if (p.name === "azure" || p.name === "gcp" || p.name === "exec") {
    return "plugin";
  }
  if (p.config?.exec) return "plugin";
  if (p.config?.tokenFile) return "file";
  if (p.name === "oidc") return "plugin";
  return "none";
}

interface HttpsOptions extends TlsSettings {
  headers?: Record<string, string>;
}

/** See the module comment. Method names follow client-node's KubeConfig. */
export class KubeConfig {
  clusters: Cluster[] = [];
  users: User[] = [];
  contexts: Context[] = [];
  currentContext = "";
  #fileToken?: { token: string; readAt: number };
  #clientNode?: Promise<ClientNodeKubeConfig>;

  loadFromString(text: string): void {
    const doc = parse(text, { merge: true }) as
      | Record<string, unknown>
      | null
      | undefined;
    const obj = typeof doc === "object" && doc !== null ? doc : {};
    this.clusters = newClusters(obj.clusters);
    this.contexts = newContexts(obj.contexts);
    this.users = newUsers(obj.users);
    this.currentContext = obj["current-context"] as string;
  }

  /** Relative CA and client certificate paths are relative to the file. */
  loadFromFile(file: string): void {
    this.loadFromString(fs.readFileSync(file).toString("utf-8"));
    const root = path.dirname(file);
    for (const c of this.clusters) {
      if (c.caFile) c.caFile = makeAbsolutePath(root, c.caFile);
    }
    for (const u of this.users) {
      if (u.certFile) u.certFile = makeAbsolutePath(root, u.certFile);
      if (u.keyFile) u.keyFile = makeAbsolutePath(root, u.keyFile);
    }
  }

  loadFromOptions(o: KubeConfigOptions): void {
    this.clusters = o.clusters;
    this.users = o.users;
    this.contexts = o.contexts;
    this.currentContext = o.currentContext;
  }

  getCurrentContext(): string {
    return this.currentContext;
  }

  getCurrentContextObject(): Context | null {
    return findObject(this.contexts, this.currentContext, "context");
  }

  getCurrentCluster(): Cluster | null {
    const ctx = this.getCurrentContextObject();
    return ctx ? findObject(this.clusters, ctx.cluster, "cluster") : null;
  }

  getCurrentUser(): User | null {
    const ctx = this.getCurrentContextObject();
    return ctx ? findObject(this.users, ctx.user, "user") : null;
  }

  /**
   * True when client-node's KubeConfig does the work: a credential plugin
   * or a proxy.
   */
  usesClientNode(): boolean {
    const user = this.getCurrentUser();
    return Boolean(this.getCurrentCluster()?.proxyUrl) ||
      (user !== null && authenticator(user) === "plugin");
  }

  /** client-node's KubeConfig with the same contents, loaded on first use. */
  clientNode(): Promise<ClientNodeKubeConfig> {
    this.#clientNode ??= import("@kubernetes/client-node").then((m) => {
      const kc = new m.KubeConfig();
      kc.loadFromOptions({
        clusters: this.clusters,
        users: this.users,
        contexts: this.contexts,
        currentContext: this.currentContext,
      });
      return kc;
    });
    return this.#clientNode;
  }

  /** Name of the authentication scheme (client-node's SecurityAuthentication). */
  getName(): string {
    return "kubeconfig authentication";
  }

  /** TLS settings of the current cluster and user (may run a plugin). */
  async tlsOptions(): Promise<TlsSettings> {
    const opts: HttpsOptions = {};
    if (this.usesClientNode()) {
      await (await this.clientNode()).applyToHTTPSOptions(opts);
    } else {
      this.#applyHttpsOptions(opts, true);
      this.#applyAuthorizationHeader(opts);
    }
    const { ca, cert, key, pfx, passphrase, rejectUnauthorized, servername } =
      opts;
    return { ca, cert, key, pfx, passphrase, rejectUnauthorized, servername };
  }

  /**
   * How a dispatcher for `tls` connects; throws, as client-node does, for
   * an http:// server unless insecure-skip-tls-verify is set.
   */
  async dispatcherOptions(tls: TlsSettings): Promise<DispatcherOptions> {
    const cluster = this.getCurrentCluster();
    if (this.usesClientNode()) {
      const kc = await this.clientNode();
      return kc.createDispatcherOptions(cluster, tls) as DispatcherOptions;
    }
    return nativeDispatcherOptions(cluster, tls);
  }

  /** Sets the credentials' headers on a request (client-node semantics). */
  async applySecurityAuthentication(ctx: RequestContext): Promise<void> {
    if (this.usesClientNode()) {
      await (await this.clientNode()).applySecurityAuthentication(ctx);
      return;
    }
    const user = this.getCurrentUser();
    // TLS files are read when the pool is built, not on every request.
    const opts: HttpsOptions = {};
    this.#applyHttpsOptions(opts, false);
    this.#applyAuthorizationHeader(opts);
    if (user?.username) {
      const auth = Buffer.from(`${user.username}:${user.password}`)
        .toString("base64");
      ctx.setHeaderParam("Authorization", `Basic ${auth}`);
    }
    for (const [k, v] of Object.entries(opts.headers ?? {})) {
      ctx.setHeaderParam(k, `${v}`);
    }
    nativeDispatcherOptions(this.getCurrentCluster(), {});
  }

  #applyHttpsOptions(opts: HttpsOptions, withFiles: boolean): void {
    const cluster = this.getCurrentCluster();
    const user = this.getCurrentUser();
    if (!user) return;
    if (cluster?.skipTLSVerify) opts.rejectUnauthorized = false;
    if (cluster?.tlsServerName) opts.servername = cluster.tlsServerName;
    if (withFiles) {
      const ca = cluster
        ? bufferFromFileOrString(cluster.caFile, cluster.caData)
        : null;
      if (ca) opts.ca = ca;
      const cert = bufferFromFileOrString(user.certFile, user.certData);
      if (cert) opts.cert = cert;
      const key = bufferFromFileOrString(user.keyFile, user.keyData);
      if (key) opts.key = key;
    }
    if (user.impersonateUser != null) {
      opts.headers ??= {};
      opts.headers["Impersonate-User"] = user.impersonateUser;
    }
  }

  #applyAuthorizationHeader(opts: HttpsOptions): void {
    const user = this.getCurrentUser();
    if (!user) return;
    opts.headers ??= {};
    if (authenticator(user) === "file") {
      const token = this.#tokenFromFile(
        (user.authProvider as { config: { tokenFile: string } }).config
          .tokenFile,
      );
      if (token) opts.headers.Authorization = `Bearer ${token}`;
    }
    if (user.token) opts.headers.Authorization = `Bearer ${user.token}`;
  }

  #tokenFromFile(file: string): string {
    const now = Date.now();
    const cached = this.#fileToken;
    if (cached && now - cached.readAt <= TOKEN_FILE_REFRESH_MS) {
      return cached.token;
    }
    const token = fs.readFileSync(file).toString("utf-8");
    this.#fileToken = { token, readAt: now };
    return token;
  }
}

/** client-node's createDispatcherOptions for a cluster without a proxy. */
function nativeDispatcherOptions(
  cluster: Cluster | null,
  tls: TlsSettings,
): DispatcherOptions {
  if (cluster?.server?.startsWith("http:") && !cluster.skipTLSVerify) {
    throw new Error(
      "HTTP protocol is not allowed when skipTLSVerify is not set or false",
    );
  }
  const connect: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(tls)) {
    if (v !== undefined) connect[k] = v;
  }
  if (Object.keys(connect).length === 0) return { type: "none" };
  return {
    type: "agent",
    connect: { ...connect, keepAlive: true, keepAliveInitialDelay: 30000 },
  };
}
