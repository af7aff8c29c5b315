/**
 * Issue 15 item 4, contract §2: a promoted destination is not a successful
 * sync: phase Degraded, Ready=False reason DestinationPromoted naming the
 * namespace, desired still counts the selected source objects (skipped),
 * lastSuccessfulSyncTime stands still and the RPO signal keeps growing.
 */
import "../../../lib/preload.ts";
import { promoteNamespace } from "../../../lib/workflows/standby.ts";
import { assert, assertEquals, assertMatch } from "../../assert.ts";
import { sampleValue } from "../../lib/metrics/exposition.ts";
import { configMap, deployment } from "../../lib/engine/fixtures.ts";
import {
  conditionOf,
  put,
  sourceNamespace,
  standardSetup,
  statusOf,
  synced,
  until,
  withController,
} from "../harness.ts";

Deno.test("status: a promoted destination is Degraded/DestinationPromoted, still counts desired, and its last success stands still", async () => {
  await withController(async (e) => {
    await sourceNamespace(e, "shop");
    await put(e, "shop", [deployment("api", 3), configMap("c", { v: "1" })]);
    await standardSetup(e, { resyncInterval: "1s" });
    e.start();
    const first = await synced(e);
    const desired = (first.counts as { desired: number }).desired;
    assert(desired >= 2, JSON.stringify(first.counts));
    const promoted = await promoteNamespace(e.drApi, "shop-dr", {
      dryRun: false,
      now: new Date(),
    });
    assert(promoted.ok);
    await until(
      "Degraded",
      async () => (await statusOf(e)).phase === "Degraded",
    );
    const atPromote = (await statusOf(e)).lastSuccessfulSyncTime as string;
    // Several resyncs (1 s apart) later...
    const passesBefore = e.logs.filter((l) =>
      l.includes("sync finished")
    ).length;
    await until(
      "two more passes",
      () =>
        e.logs.filter((l) => l.includes("sync finished")).length >=
          passesBefore + 2,
    );
    const s = await statusOf(e);
    assertEquals(s.phase, "Degraded");
    const ready = conditionOf(s, "Ready")!;
    assertEquals([ready.status, ready.reason], [
      "False",
      "DestinationPromoted",
    ]);
    assertMatch(ready.message, /shop-dr/);
    const counts = s.counts as Record<string, number>;
    assertEquals(counts.desired, desired);
    assertEquals(counts.skipped, desired);
    assertEquals(s.lastSuccessfulSyncTime, atPromote);
    const rpo = sampleValue(
      await e.metrics.scrape(),
      "drsyncer_seconds_since_last_successful_sync",
      { replication: "shop-to-dr" },
    )!;
    assert(rpo >= 1, `RPO ${rpo} kept growing while promoted`);
  });
});
