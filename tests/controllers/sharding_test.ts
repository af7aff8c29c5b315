/**
 * run --sharding with in-process replicas against kube-sim: replications
 * split over the live replicas, move when one joins, is cut off from the
 * source API server, or stops, and are never written by two at once.
 */
import "../../lib/preload.ts";
import type { RuntimeLog } from "../../lib/controller.ts";
import { Metrics } from "../../lib/metrics/mod.ts";
import { runController } from "../../lib/run-controller.ts";
import type { ShardCoordinator } from "../../lib/sharding/coordinator.ts";
import { buildControllers } from "../../controllers/mod.ts";
import type { KubeObject } from "../../lib/sync/types.ts";
import { configMap } from "../lib/engine/fixtures.ts";
import { assert, assertEquals } from "../assert.ts";
import {
  type E2e,
  NS,
  put,
  sourceNamespace,
  statusOf,
  until,
  withController,
  WRITES,
} from "./harness.ts";
import { startProxy, type TcpProxy } from "./tcp-proxy.ts";

// Short enough for a test, long enough that a busy shared machine does
// not make renewals miss their deadline.
const TIMING = {
  leaseDurationMs: 10_000,
  renewDeadlineMs: 7_000,
  retryPeriodMs: 1_000,
};
const SETTLE_MS = 90_000;
const REPLICATIONS = 6;
const names = Array.from({ length: REPLICATIONS }, (_, i) => `rep-${i}`);

interface Write {
  replica: string;
  replication: string;
  start: number;
  end: number;
}

interface Replica {
  id: string;
  shard?: ShardCoordinator;
  proxy?: TcpProxy;
  stop(): Promise<void>;
}

const logs: string[] = [];
const logFor = (id: string): RuntimeLog => ({
  info: (m, p) =>
    logs.push(`${Date.now() % 100000} ${id} INFO ${m} ${JSON.stringify(p)}`),
  warn: (m, p) =>
    logs.push(`${Date.now() % 100000} ${id} WARN ${m} ${JSON.stringify(p)}`),
  error: (m, p) =>
    logs.push(`${Date.now() % 100000} ${id} ERROR ${m} ${JSON.stringify(p)}`),
});

async function startReplica(
  e: E2e,
  id: string,
  writes: Write[],
  viaProxy: boolean,
): Promise<Replica> {
  let kubeconfig = e.source.kubeconfigPath;
  let proxy: TcpProxy | undefined;
  if (viaProxy) {
    const port = Number(e.source.kubeconfig.match(/127\.0\.0\.1:(\d+)/)![1]);
    proxy = startProxy(port);
    kubeconfig = kubeconfig.replace(/[^/]+$/, `${id}.kubeconfig`);
    await Deno.writeTextFile(
      kubeconfig,
      e.source.kubeconfig.replace(
        `127.0.0.1:${port}`,
        `127.0.0.1:${proxy.port}`,
      ),
    );
  }
  const stop = new AbortController();
  const replica: Replica = { id, proxy, stop: async () => {} };
  const done = runController({
    kubeconfig,
    namespace: NS,
    leaderElect: false,
    sharding: true,
    identity: id,
    ...TIMING,
    shutdownTimeoutMs: 3_000,
    signal: stop.signal,
    log: logFor(id),
    env: {},
    onManager: (_m, run) => {
      replica.shard = run.shard;
      run.shard!.onWrite = (replication, start, end) =>
        writes.push({ replica: id, replication, start, end });
    },
  }, (run) =>
    buildControllers(run, {
      log: logFor(id),
      metrics: new Metrics({ defaultMetrics: false }),
      replication: { informers: { watchdogMs: 60_000 } },
    }));
  replica.stop = async () => {
    stop.abort();
    await done;
    await proxy?.close();
  };
  return replica;
}

/** Replication → status.controller, once every one is Synced. */
async function owners(e: E2e): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const n of names) {
    const s = await statusOf(e, n);
    if (s.phase === "Synced") out.set(n, String(s.controller ?? ""));
  }
  return out;
}

function countBy(m: Map<string, string>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of [...m.values()].sort()) out[v] = (out[v] ?? 0) + 1;
  return out;
}

/** Status owners equal the replicas' own view and have the given counts. */
async function settledOn(
  e: E2e,
  replicas: Replica[],
  want: Record<string, number>,
): Promise<boolean> {
  const o = await owners(e);
  if (o.size !== REPLICATIONS) return false;
  if (JSON.stringify(countBy(o)) !== JSON.stringify(want)) return false;
  return [...o].every(([n, id]) =>
    replicas.find((r) => r.id === id)?.shard?.owns(n) === true
  );
}

/** Waits for settledOn; prints what each replica sees if it never comes. */
async function settle(
  e: E2e,
  replicas: Replica[],
  what: string,
  want: Record<string, number>,
): Promise<void> {
  await until(what, () => settledOn(e, replicas, want), SETTLE_MS).catch(
    async (err) => {
      console.log(JSON.stringify([...await owners(e)]));
      for (const r of replicas) {
        console.log(r.id, r.shard?.members, names.map((n) => r.shard?.owns(n)));
      }
      console.log(
        logs.filter((l) => l.includes("replica-c")).slice(-30).join("\n"),
      );
      console.log(logs.slice(-10).join("\n"));
      throw err;
    },
  );
}

/** Writes of one replication by two replicas must never overlap. */
function overlaps(writes: Write[]): string[] {
  const bad: string[] = [];
  for (const n of names) {
    const mine = writes.filter((w) => w.replication === n)
      .sort((a, b) => a.start - b.start);
    let lastEnd = new Map<string, number>();
    for (const w of mine) {
      for (const [other, end] of lastEnd) {
        if (other !== w.replica && end > w.start) {
          bad.push(`${n}: ${other} until ${end}, ${w.replica} from ${w.start}`);
        }
      }
      lastEnd = new Map([...lastEnd, [w.replica, w.end]]);
    }
  }
  return bad;
}

Deno.test("sharding: replications split, move on join, partition and stop, never written by two", async () => {
  await withController(async (e) => {
    for (const [i, n] of names.entries()) {
      await sourceNamespace(e, `ns-${i}`);
      await put(e, `ns-${i}`, [configMap("c", { v: "0" })]);
      await e.apply("NamespaceMapping", n, {
        sourceNamespace: `ns-${i}`,
        destinationNamespace: `ns-${i}`,
      });
    }
    await e.apply("RemoteCluster", "dr", {
      kubeconfigSecretRef: { name: "dr-kubeconfig" },
      probeInterval: "60s",
    });
    for (const n of names) {
      await e.apply("NamespaceReplication", n, {
        remoteClusterRef: { name: "dr" },
        namespaceMappingRefs: [{ name: n }],
      });
    }
    const writes: Write[] = [];
    const replicas: Replica[] = [];
    let drifts = 0;
    try {
      // Two replicas: 3 each.
      replicas.push(await startReplica(e, "replica-a", writes, false));
      replicas.push(await startReplica(e, "replica-b", writes, false));
      await settle(e, replicas, "split over a and b", {
        "replica-a": 3,
        "replica-b": 3,
      });

      // Changes keep flowing to every namespace from now on.
      let n = 0;
      const churn = setInterval(() => {
        n++;
        for (let i = 0; i < REPLICATIONS; i++) {
          const cm = e.type("configmaps");
          void e.src.get(cm, `ns-${i}`, "c").then((o) =>
            o && e.src.replace(cm, { ...o, data: { v: String(n) } })
          ).catch(() => {});
          // Drift on DR: work for whichever replica still thinks it owns
          // the replication, even one cut off from the source.
          void e.drApi.get(cm, `ns-${i}`, "c").then((o) =>
            o &&
            e.drApi.replace(cm, { ...o, data: { v: `drift-${n}` } })
              .finally(() => drifts++)
          ).catch(() => {});
        }
      }, 1_000);
      try {
        // A third joins (through a proxy we can cut): 2 each.
        const c = await startReplica(e, "replica-c", writes, true);
        replicas.push(c);
        await settle(e, replicas, "rebalanced over three", {
          "replica-a": 2,
          "replica-b": 2,
          "replica-c": 2,
        });

        // c is cut off from the source API server (DR still reachable).
        const cutAt = Date.now();
        c.proxy!.cut();
        await settle(e, replicas, "c's replications moved to a and b", {
          "replica-a": 3,
          "replica-b": 3,
        });
        const late = writes.filter((w) =>
          w.replica === "replica-c" &&
          w.start > cutAt + TIMING.renewDeadlineMs
        );
        assertEquals(late, [], "c stopped writing within renewDeadline");
        assertEquals(c.shard!.owned, 0);

        // a stops: everything on b.
        const a = replicas.shift()!;
        await a.stop();
        await settle(e, replicas, "a's replications moved to b", {
          "replica-b": 6,
        });
      } finally {
        clearInterval(churn);
      }
      const v = (o?: KubeObject) => (o?.data as { v?: string } | undefined)?.v;
      const last = await e.src.get(e.type("configmaps"), "ns-0", "c");
      await until(
        "changes still reach DR",
        async () =>
          v(await e.drApi.get(e.type("configmaps"), "ns-0", "c")) === v(last),
      );
    } finally {
      for (const r of replicas) await r.stop();
    }
    assertEquals(overlaps(writes), []);
    // Every write the DR server saw (but the test's drift) went through
    // some replica's fence.
    assertEquals(e.dr.counters.total(WRITES) - drifts, writes.length);
    assert(writes.length > REPLICATIONS, "replicas wrote");
    const moved = new Set(writes.map((w) => `${w.replication}@${w.replica}`));
    assert(moved.size > REPLICATIONS, "replications changed hands");
  });
});
