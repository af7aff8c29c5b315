/**
 * Test-facing API of kube-sim: start N named simulated clusters, each with
 * a kubeconfig (string and file), counters, fault controls and stop().
 *
 * ```ts
 * const sim = await startSim({ clusters: ["source", "dr"] });
 * const kc = new k8s.KubeConfig();
 * kc.loadFromString(sim.clusters.source.kubeconfig);
 * // …
 * await sim.stop();
 * ```
 */
import { type ClusterOptions, SimCluster } from "./cluster.ts";

export { SimCluster } from "./cluster.ts";
export type { ClusterFaults, ClusterOptions } from "./cluster.ts";
export type { Attributes, Authorizer, PolicyRule, User } from "./auth.ts";
export { ruleAuthorizer } from "./auth.ts";
export { rbacAuthorizer } from "./rbac.ts";

/** Options of startSim. */
export interface SimOptions extends ClusterOptions {
  /** Cluster names; default ["source", "dr"]. */
  clusters?: string[];
  /** Where kubeconfig files go; default a fresh temp dir (removed on stop). */
  dir?: string;
}

/** A running set of simulated clusters. */
export interface Sim {
  /** The clusters by name. */
  clusters: Record<string, SimCluster>;
  /** Directory holding `<name>.kubeconfig`. */
  dir: string;
  /** Closes every watch, then every server; removes the temp dir it created. */
  stop(): Promise<void>;
}

/** Starts the named clusters and writes `<dir>/<name>.kubeconfig` for each. */
export async function startSim(opts: SimOptions = {}): Promise<Sim> {
  const names = opts.clusters ?? ["source", "dr"];
  const ownDir = opts.dir === undefined;
  const dir = opts.dir ?? await Deno.makeTempDir({ prefix: "kube-sim-" });
  const clusters: Record<string, SimCluster> = {};
  for (const name of names) {
    const c = new SimCluster(name, opts);
    await c.start();
    c.kubeconfigPath = `${dir}/${name}.kubeconfig`;
    await Deno.writeTextFile(c.kubeconfigPath, c.kubeconfig);
    clusters[name] = c;
  }
  return {
    clusters,
    dir,
    stop: async () => {
      await Promise.all(Object.values(clusters).map((c) => c.stop()));
      if (ownDir) await Deno.remove(dir, { recursive: true });
    },
  };
}
