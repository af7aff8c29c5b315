/**
 * Where cluster clients come from: the source client from the operator's own
 * credentials, remote clients from RemoteCluster kubeconfig text (validated,
 * cached, rebuilt when the text or policy changes, e.g. rotated credentials).
 */
import type { KubeConfig } from "./config.ts";
import { stringify } from "yaml";
import { ClusterClient, type ClusterClientOptions } from "./client.ts";
import {
  type KubeconfigPolicy,
  type KubeconfigResult,
  validateKubeconfig,
} from "./kubeconfig.ts";

/** Where the source credentials come from. */
export interface SourceConfig {
  /** --kubeconfig; wins over everything else. */
  kubeconfigPath?: string;
  /** Environment (for $KUBECONFIG, $HOME, KUBERNETES_SERVICE_HOST). */
  env?: Record<string, string | undefined>;
  /** Root for the in-cluster service-account files (tests). */
  inClusterRoot?: string;
}

/** A client, or one line saying why there is none. */
export type ClientResult =
  | { ok: true; client: ClusterClient }
  | { ok: false; reason: string; message: string };

const SA_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Like KubeConfig.loadFromCluster, but from the given environment (that one
 * reads process.env). The token is re-read from its file as it rotates.
 */
function loadInCluster(
  kc: KubeConfig,
  env: Record<string, string | undefined>,
  dir: string,
): void {
  const host = env.KUBERNETES_SERVICE_HOST ?? "";
  const server = `https://${host.includes(":") ? `[${host}]` : host}:${
    env.KUBERNETES_SERVICE_PORT ?? "443"
  }`;
  const namespace = exists(`${dir}/namespace`)
    ? Deno.readTextFileSync(`${dir}/namespace`).trim()
    : undefined;
  kc.loadFromOptions({
    clusters: [{
      name: "in-cluster",
      server,
      caFile: `${dir}/ca.crt`,
      skipTLSVerify: false,
    }],
    users: [{
      name: "in-cluster",
      authProvider: {
        name: "tokenFile",
        config: { tokenFile: `${dir}/token` },
      },
    }],
    contexts: [{
      name: "in-cluster",
      cluster: "in-cluster",
      user: "in-cluster",
      namespace,
    }],
    currentContext: "in-cluster",
  });
}

/** Picks the source: --kubeconfig, $KUBECONFIG, ~/.kube/config, in-cluster. */
export function sourceLoader(
  cfg: SourceConfig,
): { describe: string; load: (kc: KubeConfig) => void } | string {
  const env = cfg.env ?? {};
  const explicit = cfg.kubeconfigPath || env.KUBECONFIG?.split(":")[0];
  if (explicit) {
    return { describe: explicit, load: (kc) => kc.loadFromFile(explicit) };
  }
  const home = env.HOME ? `${env.HOME}/.kube/config` : undefined;
  if (home && exists(home)) {
    return { describe: home, load: (kc) => kc.loadFromFile(home) };
  }
  const dir = `${cfg.inClusterRoot ?? ""}${SA_DIR}`;
  if (env.KUBERNETES_SERVICE_HOST && exists(`${dir}/token`)) {
    return {
      describe: "in-cluster service account",
      load: (kc) => loadInCluster(kc, env, dir),
    };
  }
  return "no kubeconfig: pass --kubeconfig, set $KUBECONFIG, create ~/.kube/config or run in a cluster";
}

/** Builds the source client; failures are one line, never a stack. */
export function sourceClient(
  cfg: SourceConfig,
  opts: Omit<ClusterClientOptions, "name"> = {},
): ClientResult {
  const loader = sourceLoader(cfg);
  if (typeof loader === "string") {
    return { ok: false, reason: "KubeconfigInvalid", message: loader };
  }
  try {
    const client = new ClusterClient(loader.load, { name: "source", ...opts });
    return { ok: true, client };
  } catch (e) {
    const detail = String((e as Error).message ?? e).split("\n")[0];
    return {
      ok: false,
      reason: "KubeconfigInvalid",
      message: `cannot load kubeconfig ${loader.describe}: ${detail}`,
    };
  }
}

/** kubeconfig text holding only the validated context. */
function minimalKubeconfig(r: Extract<KubeconfigResult, { ok: true }>): string {
  const { cluster, user, namespace } = r.config;
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    "current-context": "remote",
    clusters: [{ name: "remote", cluster }],
    users: [{ name: "remote", user }],
    contexts: [{
      name: "remote",
      context: { cluster: "remote", user: "remote", namespace },
    }],
  });
}

/** Builds a remote client from kubeconfig text after validation. */
export function remoteClient(
  name: string,
  text: string,
  policy: KubeconfigPolicy,
  opts: Omit<ClusterClientOptions, "name"> = {},
): ClientResult {
  const checked = validateKubeconfig(text, policy);
  if (!checked.ok) return checked;
  const yaml = minimalKubeconfig(checked);
  try {
    const client = new ClusterClient((kc) => kc.loadFromString(yaml), {
      name,
      ...opts,
    });
    return { ok: true, client };
  } catch (e) {
    const detail = String((e as Error).message ?? e).split("\n")[0];
    return { ok: false, reason: "KubeconfigInvalid", message: detail };
  }
}

interface CacheEntry {
  fingerprint: string;
  result: ClientResult;
}

/**
 * Remote clients by RemoteCluster name. `get` returns the cached client while
 * the text, policy and options are unchanged, and closes the old one when they
 * change, so rotated credentials take effect without a restart.
 */
export class RemoteClients {
  readonly #entries = new Map<string, CacheEntry>();
  readonly #defaults: Omit<ClusterClientOptions, "name" | "rateLimit">;

  constructor(defaults: Omit<ClusterClientOptions, "name" | "rateLimit"> = {}) {
    this.#defaults = defaults;
  }

  /**
   * The client for `name`, building or rebuilding it as needed. The cache
   * is updated before the first await, so concurrent callers with the same
   * text share one client; the replaced client is closed afterwards.
   */
  async get(
    name: string,
    text: string,
    policy: KubeconfigPolicy,
    rateLimit?: { qps: number; burst: number },
  ): Promise<ClientResult> {
    const fingerprint = JSON.stringify([text, policy, rateLimit]);
    const cached = this.#entries.get(name);
    if (cached?.fingerprint === fingerprint) return cached.result;
    const result = remoteClient(name, text, policy, {
      ...this.#defaults,
      rateLimit,
    });
    this.#entries.set(name, { fingerprint, result });
    if (cached?.result.ok) await cached.result.client.close();
    return result;
  }

  /** Forgets and closes the client of a deleted RemoteCluster. */
  async remove(name: string): Promise<void> {
    const old = this.#entries.get(name);
    this.#entries.delete(name);
    if (old?.result.ok) await old.result.client.close();
  }

  /** Closes every client. */
  async close(): Promise<void> {
    for (const name of [...this.#entries.keys()]) await this.remove(name);
  }
}
