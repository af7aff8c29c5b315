/**
 * Issue 15 item 2, contract §6: the RPO signal is now minus the last moment
 * the replication was known caught up. A quiet, healthy Continuous
 * replication stays near zero between resyncs (it used to saw-tooth up to
 * resyncInterval); spec.rpoObjective is exported next to it.
 */
import "../../../lib/preload.ts";
import { assert, assertEquals } from "../../assert.ts";
import { sampleValue } from "../../lib/metrics/exposition.ts";
import { configMap } from "../../lib/engine/fixtures.ts";
import {
  type E2e,
  put,
  sourceNamespace,
  standardSetup,
  synced,
  until,
  withController,
} from "../harness.ts";

const RPO = "drsyncer_seconds_since_last_successful_sync";
const OBJECTIVE = "drsyncer_rpo_objective_seconds";
const labels = { replication: "shop-to-dr" };

async function gauge(e: E2e, name: string): Promise<number | undefined> {
  return sampleValue(await e.metrics.scrape(), name, labels);
}

Deno.test("RPO: a quiet healthy Continuous replication stays near zero between resyncs; rpoObjective is exported", async () => {
  await withController(async (e) => {
    await sourceNamespace(e, "shop");
    await put(e, "shop", [configMap("c", { v: "1" })]);
    await standardSetup(e);
    e.start();
    await synced(e);
    assertEquals(await gauge(e, OBJECTIVE), 900, "default 15m");
    const page = await e.metrics.scrape();
    assertEquals(sampleValue(page, "drsyncer_replications"), 1);
    // Well past the pass, well before the 10m resync.
    await new Promise((r) => setTimeout(r, 2500));
    const rpo = (await gauge(e, RPO))!;
    assert(rpo < 1, `quiet healthy replication: RPO ${rpo}s`);
    await standardSetup(e, { rpoObjective: "30s" });
    await until(
      "objective 30s",
      async () => (await gauge(e, OBJECTIVE)) === 30,
    );
  });
});

Deno.test("RPO: a Scheduled replication counts from its last successful pass", async () => {
  await withController(async (e) => {
    await sourceNamespace(e, "shop");
    await put(e, "shop", [configMap("c", { v: "1" })]);
    await standardSetup(e, { mode: "Scheduled", schedule: "@daily" });
    e.start();
    await synced(e);
    await new Promise((r) => setTimeout(r, 1500));
    const rpo = (await gauge(e, RPO))!;
    assert(rpo >= 1.4, `no watches: nothing known since the pass (${rpo}s)`);
  });
});
