/**
 * One benchmark environment: the simulator process (sim-host.ts), clients
 * of both clusters, our CRDs, the controller namespace with the DR
 * kubeconfig Secret and RemoteCluster "dr", and helpers to start the real
 * controller (`main.ts run`) as its own process.
 */
import "../../lib/preload.ts";
import { CRDS } from "../../crds/mod.ts";
import { API_VERSION } from "../../lib/api/v1alpha1.ts";
import { ClusterClient } from "../../lib/kube/client.ts";
import type { KubeObject } from "../../lib/sync/types.ts";
import { quiesceUndici } from "../sim/harness.ts";
import { Controller } from "./controller.ts";
import { collectionPath } from "./objects.ts";
import { pool, sleep } from "./stats.ts";

export const NS = "dr-syncer-system";
const OWN = `/apis/drsyncer.io/v1alpha1/namespaces/${NS}`;
const PLURAL: Record<string, string> = {
  RemoteCluster: "remoteclusters",
  NamespaceMapping: "namespacemappings",
  NamespaceReplication: "namespacereplications",
};
/** The DR client limit is lifted: the benchmark measures the engine, not the limiter. */
const UNLIMITED = { qps: 1_000_000, burst: 1_000_000 };
const POLL_MS = 25;

export type Counts = Record<"source" | "dr", Record<string, number>>;

/** See the module comment. */
export class BenchEnv {
  readonly controllers: Controller[] = [];

  private constructor(
    readonly dir: string,
    readonly sim: Deno.ChildProcess,
    readonly controlPort: number,
    readonly source: ClusterClient,
    readonly dr: ClusterClient,
  ) {}

  /** Starts the simulator and installs CRDs, Secret and RemoteCluster. */
  static async start(): Promise<BenchEnv> {
    const dir = await Deno.makeTempDir({ prefix: "dr-bench-" });
    const sim = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", new URL("./sim-host.ts", import.meta.url).pathname]
        .concat(["--dir", dir]),
      stdout: "piped",
      stderr: "null",
    }).spawn();
    const lines = sim.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let out = "";
    while (!/ready \d+/.test(out)) {
      const { value, done } = await lines.read();
      if (done) throw new Error("simulator exited before it was ready");
      out += value;
    }
    lines.releaseLock();
    void sim.stdout.cancel().catch(() => {});
    const port = Number(out.match(/ready (\d+)/)![1]);
    const client = (name: string) =>
      new ClusterClient((kc) => kc.loadFromFile(`${dir}/${name}.kubeconfig`), {
        name,
      });
    const env = new BenchEnv(dir, sim, port, client("source"), client("dr"));
    await env.install();
    return env;
  }

  async install(): Promise<void> {
    for (const crd of CRDS) {
      await this.source.requestJson(
        "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
        { method: "POST", body: crd },
      );
    }
    // A real API server serves a CRD's resource shortly after the create returns.
    for (const plural of Object.values(PLURAL)) {
      for (let tries = 0;; tries++) {
        try {
          await this.source.requestJson(`${OWN}/${plural}`);
          break;
        } catch (e) {
          if (tries > 600) throw e;
          await sleep(100);
        }
      }
    }
    await this.createNamespace(this.source, NS);
    await this.source.requestJson(`/api/v1/namespaces/${NS}/secrets`, {
      method: "POST",
      body: {
        metadata: { name: "dr-kubeconfig" },
        stringData: {
          kubeconfig: await Deno.readTextFile(`${this.dir}/dr.kubeconfig`),
        },
      },
    });
    await this.applyOwn("RemoteCluster", "dr", {
      kubeconfigSecretRef: { name: "dr-kubeconfig" },
      rateLimit: UNLIMITED,
      probeInterval: "60s",
    });
  }

  get sourceKubeconfig(): string {
    return `${this.dir}/source.kubeconfig`;
  }

  async createNamespace(
    c: ClusterClient,
    name: string,
    labels?: Record<string, string>,
  ): Promise<void> {
    await c.requestJson("/api/v1/namespaces", {
      method: "POST",
      body: { metadata: { name, labels } },
    });
  }

  /** Writes `objects` with `concurrency` requests in flight; returns ms. */
  async writeAll(
    c: ClusterClient,
    objects: readonly KubeObject[],
    concurrency: number,
  ): Promise<number> {
    const t0 = performance.now();
    await pool(
      objects,
      concurrency,
      (o) =>
        c.requestJson(collectionPath(o), { method: "POST", body: o }).then(
          () => {},
        ),
    );
    return performance.now() - t0;
  }

  /** Creates one of our objects (RemoteCluster, mapping, replication). */
  async applyOwn(
    kind: string,
    name: string,
    spec: unknown,
    annotations?: Record<string, string>,
  ): Promise<void> {
    await this.source.requestJson(`${OWN}/${PLURAL[kind]}`, {
      method: "POST",
      body: {
        apiVersion: API_VERSION,
        kind,
        metadata: { name, namespace: NS, annotations },
        spec,
      },
    });
  }

  /** Merge-patches one of our objects. */
  async patchOwn(kind: string, name: string, patch: unknown): Promise<void> {
    await this.source.requestJson(`${OWN}/${PLURAL[kind]}/${name}`, {
      method: "PATCH",
      body: patch,
      contentType: "application/merge-patch+json",
    });
  }

  async getOwn(kind: string, name: string): Promise<KubeObject> {
    return await this.source.requestJson<KubeObject>(
      `${OWN}/${PLURAL[kind]}/${name}`,
    );
  }

  /** Polls a replication's status until `cond` holds; returns it. */
  async waitStatus(
    name: string,
    cond: (status: Record<string, unknown>, o: KubeObject) => boolean,
    timeoutMs: number,
  ): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const o = await this.getOwn("NamespaceReplication", name);
      const status = (o.status ?? {}) as Record<string, unknown>;
      if (cond(status, o)) return status;
      if (Date.now() > deadline) {
        throw new Error(
          `replication ${name} not done in ${timeoutMs} ms: ${
            JSON.stringify(status).slice(0, 600)
          }\n${this.controllers.at(-1)?.lastLines() ?? ""}`,
        );
      }
      await sleep(POLL_MS);
    }
  }

  async counters(): Promise<Counts> {
    const r = await fetch(`http://127.0.0.1:${this.controlPort}/counters`);
    return await r.json();
  }

  async resetCounters(): Promise<void> {
    const r = await fetch(`http://127.0.0.1:${this.controlPort}/reset`, {
      method: "POST",
    });
    await r.body?.cancel();
  }

  /** Starts `main.ts run` against the source; see Controller. */
  startController(extra: string[] = []): Controller {
    const c = Controller.spawn(this.sourceKubeconfig, NS, extra);
    this.controllers.push(c);
    return c;
  }

  async stopControllers(): Promise<void> {
    for (const c of this.controllers.splice(0)) await c.stop();
  }

  async stop(): Promise<void> {
    await this.stopControllers();
    await this.source.close();
    await this.dr.close();
    this.sim.kill("SIGTERM");
    await this.sim.status;
    await Deno.remove(this.dir, { recursive: true }).catch(() => {});
    await quiesceUndici();
  }
}

/** Whether a pass for the current generation finished with everything in sync. */
export function synced(
  status: Record<string, unknown>,
  o: KubeObject,
): boolean {
  const counts = status.counts as Record<string, number> | undefined;
  return status.observedGeneration === o.metadata.generation &&
    status.phase === "Synced" && counts !== undefined && counts.failed === 0;
}
