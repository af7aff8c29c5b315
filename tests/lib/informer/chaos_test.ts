import "../../../lib/preload.ts";
import { assertEquals } from "../../assert.ts";
import { Informer } from "../../../lib/informer/informer.ts";
import type { SimCluster } from "../../sim/mod.ts";
import { storeKey } from "../../sim/registry.ts";
import { eventually, simWriter, withSim } from "../sim-helpers.ts";

const NS = "chaos";
const ROUNDS = 40;
const type = { group: "", version: "v1", resource: "configmaps" };

/** Deterministic PRNG (mulberry32) so a failure can be replayed. */
function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const faults: Array<(c: SimCluster) => void> = [
  () => {},
  (c) => c.faults.cutWatches(),
  (c) => c.faults.cutWatches({ abrupt: true }),
  (c) => (c.faults.forceGoneOnNextWatch(), c.faults.cutWatches()),
  (c) => (c.faults.failNext(2, 500), c.faults.cutWatches()),
  (c) => (c.faults.failNext(1, 429, 0), c.faults.cutWatches()),
  (c) => (c.faults.shrinkHistory(1), c.faults.cutWatches()),
];

/** name → resourceVersion as the server has it. */
function serverState(c: SimCluster): string[] {
  const t = c.registry.find("", "v1", "configmaps")!;
  return c.store.list(storeKey(t), NS)
    .map((s) => `${s.obj.metadata.name}@${s.obj.metadata.resourceVersion}`)
    .sort();
}

Deno.test("informer chaos: random writes under random faults end with the server's state, in cache and in delivered events", async () => {
  await withSim(async (c, clients) => {
    const random = seeded(42);
    const w = simWriter(c, NS);
    w.namespace();
    const informer = new Informer(clients.make(), { type, namespace: NS }, {
      backoff: { initialMs: 20, maxMs: 100, jitter: 0.5 },
      watchdogMs: 1000,
      pageSize: 7,
    });
    const delivered = new Map<string, string>();
    informer.addHandler((e) => {
      const { name, resourceVersion } = e.object.metadata;
      if (e.type === "delete") delivered.delete(name);
      else delivered.set(name, resourceVersion ?? "");
    });
    informer.start();
    await informer.synced;
    const live = new Set<string>();
    for (let round = 0; round < ROUNDS; round++) {
      faults[Math.floor(random() * faults.length)](c);
      for (let i = 0; i < 5; i++) {
        const name = `cm-${Math.floor(random() * 12)}`;
        if (!live.has(name)) {
          w.create(name, { v: String(round) });
          live.add(name);
        } else if (random() < 0.4) {
          w.remove(name);
          live.delete(name);
        } else w.update(name, { v: `${round}-${i}` });
      }
      await new Promise((r) => setTimeout(r, random() * 40));
    }
    c.faults.shrinkHistory(1000);
    const fromEvents = () =>
      [...delivered].filter(([n]) => n.startsWith("cm-")).map(([n, rv]) =>
        `${n}@${rv}`
      ).sort();
    const fromCache = () =>
      informer.list().filter((o) => o.metadata.name.startsWith("cm-"))
        .map((o) => `${o.metadata.name}@${o.metadata.resourceVersion}`).sort();
    const want = () => serverState(c).filter((s) => s.startsWith("cm-"));
    try {
      await eventually(
        () => fromCache().join() === want().join(),
        10_000,
        "cache converges",
      );
      await eventually(
        () => fromEvents().join() === want().join(),
        5000,
        "events converge",
      );
      assertEquals(fromCache(), want());
      console.log(
        `${ROUNDS} rounds: ${informer.stats.restarts} restarts, ${informer.stats.relists} relists, ${want().length} objects`,
      );
    } finally {
      await informer.stop();
    }
  });
});
