import "../../../lib/preload.ts";
import { assertEquals } from "../../assert.ts";
import { Manager } from "../../../lib/manager.ts";
import { Metrics } from "../../../lib/metrics/mod.ts";
import { eventually, simWriter, withSim } from "../sim-helpers.ts";
import { sampleValue } from "./exposition.ts";

const NS = "app";

Deno.test("a real Manager's stats reach the scrape: leader, queue adds, depth", async () => {
  await withSim(async (c, clients) => {
    const w = simWriter(c, NS);
    w.namespace();
    w.create("before");
    const metrics = new Metrics({ defaultMetrics: false });
    const manager = new Manager({
      source: clients.make(),
      shutdownTimeoutMs: 1000,
      informers: { onRestart: metrics.restartObserver("source") },
    });
    manager.add({
      reconciler: { name: "configmaps", reconcile: () => Promise.resolve() },
      watches: [{
        spec: {
          type: { group: "", version: "v1", resource: "configmaps" },
          namespace: NS,
        },
        keys: (e) => [`${NS}/${e.object.metadata.name}`],
      }],
    });
    metrics.setStatsSource(() => manager.stats());
    const stop = new AbortController();
    const done = manager.run(stop.signal);
    try {
      assertEquals(sampleValue(await metrics.scrape(), "drsyncer_leader"), 0);
      await eventually(() => manager.leading, 5000, "leading");
      w.create("x1");
      const q = { queue: "configmaps" };
      await eventually(
        () => manager.stats().queues[0]?.adds === 2,
        5000,
        "both keys queued",
      );
      const text = await metrics.scrape();
      assertEquals(sampleValue(text, "drsyncer_leader"), 1);
      assertEquals(sampleValue(text, "drsyncer_workqueue_adds_total", q), 2);
      assertEquals(sampleValue(text, "drsyncer_workqueue_depth", q), 0);
    } finally {
      stop.abort();
      assertEquals(await done, 0);
    }
    const after = await metrics.scrape();
    assertEquals(sampleValue(after, "drsyncer_leader"), 0);
  });
});
