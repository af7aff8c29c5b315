/**
 * The clusters a command talks to, opened from kubeconfig files and probed
 * once up front, so an unreachable cluster or refused credentials end the
 * command with one line before anything is read or written.
 */
import { ClusterClient } from "../kube/client.ts";
import { probeCluster } from "../kube/probe.ts";
import { ApiCluster } from "../engine/api-ports.ts";
import { done, EXIT_USAGE, type Step, stop } from "./io.ts";

/** One opened cluster: the client (to close) and direct API ports. */
export interface OpenCluster {
  /** "source" or "DR", for messages. */
  role: string;
  client: ClusterClient;
  api: ApiCluster;
}

/** Loads `path` and probes the cluster; the caller closes a returned client. */
export async function openCluster(
  path: string,
  role: string,
): Promise<Step<OpenCluster>> {
  let client: ClusterClient;
  try {
    client = new ClusterClient((kc) => kc.loadFromFile(path), { name: role });
  } catch (e) {
    const why = e instanceof Error ? e.message.split("\n")[0] : String(e);
    return stop(
      `cannot load the ${role} kubeconfig ${path}: ${why}`,
      EXIT_USAGE,
    );
  }
  const probe = await probeCluster(client);
  if (probe.reason !== "Connected") {
    await client.close();
    const what = probe.reason === "Unauthorized"
      ? "refused our credentials"
      : "is unreachable";
    return stop(`${role} cluster ${what} (${probe.message})`);
  }
  return done({ role, client, api: new ApiCluster(client) });
}

/**
 * Opens every kubeconfig (in order), runs `fn`, and closes them all again,
 * whatever happens.
 */
export async function withClusters<T>(
  specs: readonly { path: string; role: string }[],
  fn: (clusters: OpenCluster[]) => Promise<Step<T>>,
): Promise<Step<T>> {
  const opened: OpenCluster[] = [];
  try {
    for (const s of specs) {
      const c = await openCluster(s.path, s.role);
      if (!c.ok) return c;
      opened.push(c.value);
    }
    return await fn(opened);
  } finally {
    for (const c of opened) await c.client.close();
  }
}

/** The `--from` (source) and `--to` (DR) clusters of a two-cluster command. */
export function withSourceAndDr<T>(
  cfg: { from: string; to: string },
  fn: (clusters: OpenCluster[]) => Promise<Step<T>>,
): Promise<Step<T>> {
  return withClusters([
    { path: cfg.from, role: "source" },
    { path: cfg.to, role: "DR" },
  ], fn);
}
