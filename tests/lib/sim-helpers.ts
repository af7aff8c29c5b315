/** Shared fixtures for runtime tests against kube-sim. */
import { type SimCluster, startSim } from "../sim/mod.ts";
import { quiesceUndici } from "../sim/harness.ts";
import { ClusterClient } from "../../lib/kube/client.ts";
import type { ClusterClientOptions } from "../../lib/kube/client.ts";
import type { KubeObject } from "../../lib/sync/types.ts";

/** Runs `fn` with a one-cluster sim ("source"); everything is torn down. */
export async function withSim(
  fn: (c: SimCluster, clients: ClientFactory) => Promise<void>,
): Promise<void> {
  const sim = await startSim({ clusters: ["source"] });
  const clients = new ClientFactory(sim.clusters.source);
  try {
    await fn(sim.clusters.source, clients);
  } finally {
    await clients.closeAll();
    await sim.stop();
    // undici's global timer would otherwise trip the op sanitizer.
    await quiesceUndici();
  }
}

/** Builds clients for a sim cluster and closes them at the end. */
export class ClientFactory {
  readonly #cluster: SimCluster;
  readonly #clients: ClusterClient[] = [];

  constructor(cluster: SimCluster) {
    this.#cluster = cluster;
  }

  make(opts: Partial<ClusterClientOptions> = {}): ClusterClient {
    const text = this.#cluster.kubeconfig;
    const c = new ClusterClient((kc) => kc.loadFromString(text), {
      name: this.#cluster.name,
      ...opts,
    });
    this.#clients.push(c);
    return c;
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.#clients.splice(0).map((c) => c.close()));
  }
}

/** Writes straight into a sim cluster's store. */
export interface SimWriter {
  namespace(): void;
  create(name: string, data?: Record<string, string>): void;
  update(name: string, data: Record<string, string>): void;
  remove(name: string): void;
}

/** Direct store writes: work even while the cluster is "down". */
export function simWriter(c: SimCluster, namespace: string): SimWriter {
  const cm = c.registry.find("", "v1", "configmaps")!;
  const ns = c.registry.find("", "v1", "namespaces")!;
  return {
    namespace: () => {
      c.engine.create(ns, "", { metadata: { name: namespace } });
    },
    create: (name: string, data: Record<string, string> = {}) => {
      c.engine.create(cm, namespace, { metadata: { name }, data });
    },
    update: (name: string, data: Record<string, string>) => {
      const cur = c.engine.mustGet(cm, namespace, name).obj;
      c.engine.update(cm, namespace, name, { ...cur, data });
    },
    remove: (name: string) => {
      c.deleter.delete(cm, namespace, name);
    },
  };
}

/** Polls `cond` every 20 ms until true or `ms` passed. */
export async function eventually(
  cond: () => boolean,
  ms = 5000,
  what = "condition",
): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Informer events recorded as text. */
export interface EventLog {
  events: string[];
  handler(e: { type: string; object: KubeObject }): void;
  has(s: string): boolean;
}

/** Records informer events as "type:name[=value of data.v]". */
export function anEventLog(): EventLog {
  const events: string[] = [];
  return {
    events,
    handler: (e: { type: string; object: KubeObject }) => {
      const data = (e.object as { data?: Record<string, string> }).data;
      const v = data?.v === undefined ? "" : `=${data.v}`;
      events.push(`${e.type}:${e.object.metadata.name}${v}`);
    },
    has: (s: string) => events.includes(s),
  };
}
