/**
 * One interface over both test worlds: kube-sim (tests/sim, in-process, fast, fault injection)
 * and real control planes (tests/kube, kube-apiserver + etcd + kube-controller-manager built
 * from Go modules). A suite written against `startWorld` runs in either; which one comes from
 * the `world` option, else the `DRS_WORLD` environment variable (`sim` when unset).
 *
 * ```ts
 * const world = await startWorld({ clusters: ["source", "dr"] });
 * kc.loadFromString(world.clusters.source.kubeconfig);
 * if (world.sim) world.sim.source.faults.…   // sim-only features: see README.md here
 * await world.stop();
 * ```
 */
import { type Kube, type KubeCluster, startKube } from "../kube/mod.ts";
import { type Sim, type SimCluster, startSim } from "../sim/mod.ts";
import { AuditCounters, type RequestCounters } from "./audit.ts";

export type { RequestCounters } from "./audit.ts";

export type WorldName = "sim" | "real";

/** What a test may rely on in both worlds. */
export interface WorldCluster {
  name: string;
  url: string;
  /** Admin kubeconfig (YAML) and where it was written. */
  kubeconfig: string;
  kubeconfigPath: string;
  adminToken: string;
  /** PEM of the CA that signed the API server's certificate. */
  caPem: string;
  /** A kubeconfig for a bearer token (e.g. a ServiceAccount's from `deploy/`). */
  kubeconfigFor(token?: string, user?: string): string;
  /** A token of ServiceAccount `namespace/name`; its rights come from RBAC objects. */
  createServiceAccountToken(namespace: string, name: string): Promise<string>;
  /**
   * Requests served, per verb and resource: kube-sim's own counters, or the real API server's
   * audit log (without the control plane's own requests).
   */
  counters: RequestCounters;
}

export interface World {
  name: WorldName;
  clusters: Record<string, WorldCluster>;
  /** Directory holding `<name>.kubeconfig`. */
  dir: string;
  /**
   * The simulated clusters when `name === "sim"` (fault injection, request counters and logs,
   * direct store access); undefined in the real world, so sim-only tests can skip or branch.
   */
  sim?: Record<string, SimCluster>;
  stop(): Promise<void>;
}

export interface WorldOptions {
  /** Cluster names; default ["source", "dr"]. */
  clusters?: string[];
  /** Default: `DRS_WORLD`, else "sim". */
  world?: WorldName;
  /** Where kubeconfigs go; default a fresh temp dir. */
  dir?: string;
  /** kube-sim only: workload controllers report replicas ready (real clusters have no kubelet). */
  workloadStatus?: boolean;
  /** kube-sim only: watch history kept per cluster (real: the API server's watch cache). */
  historySize?: number;
}

/** The world named by `DRS_WORLD` (`sim` or `real`); `sim` when unset. */
export function worldFromEnv(): WorldName {
  const value = Deno.env.get("DRS_WORLD") ?? "sim";
  if (value !== "sim" && value !== "real") {
    throw new Error(`DRS_WORLD must be "sim" or "real", not "${value}"`);
  }
  return value;
}

function fromSim(sim: Sim): World {
  const clusters: Record<string, WorldCluster> = {};
  for (const [name, c] of Object.entries(sim.clusters)) {
    clusters[name] = {
      name,
      url: c.url,
      kubeconfig: c.kubeconfig,
      kubeconfigPath: c.kubeconfigPath,
      adminToken: c.adminToken,
      caPem: c.caPem,
      kubeconfigFor: (token, user) => c.kubeconfigFor(token, user),
      createServiceAccountToken: (namespace, sa) =>
        Promise.resolve(c.createServiceAccountToken(namespace, sa)),
      counters: c.counters,
    };
  }
  return {
    name: "sim",
    clusters,
    dir: sim.dir,
    sim: sim.clusters,
    stop: () => sim.stop(),
  };
}

function fromKube(kube: Kube): World {
  const clusters: Record<string, WorldCluster> = {};
  for (
    const [name, c] of Object.entries(kube.clusters) as [string, KubeCluster][]
  ) {
    const { stop: _stop, auditLogPath, ...rest } = c;
    clusters[name] = { ...rest, counters: new AuditCounters(auditLogPath) };
  }
  return { name: "real", clusters, dir: kube.dir, stop: () => kube.stop() };
}

/** Starts the named clusters in the chosen world. */
export async function startWorld(opts: WorldOptions = {}): Promise<World> {
  const world = opts.world ?? worldFromEnv();
  const clusters = opts.clusters ?? ["source", "dr"];
  if (world === "sim") {
    return fromSim(
      await startSim({
        clusters,
        dir: opts.dir,
        workloadStatus: opts.workloadStatus,
        historySize: opts.historySize,
      }),
    );
  }
  return fromKube(await startKube({ clusters, dir: opts.dir }));
}
