/**
 * `dr-syncer promote` / `demote` on a DR namespace while the controller
 * runs: nothing is written into a promoted namespace (DestinationPromoted),
 * and the copy resumes after demote. Plus the metrics a sync leaves behind.
 */
import "../../lib/preload.ts";
import type { KubeObject } from "../../lib/sync/types.ts";
import {
  demoteNamespace,
  promoteNamespace,
} from "../../lib/workflows/standby.ts";
import { assert, assertEquals, assertMatch } from "../assert.ts";
import { configMap, deployment } from "../lib/engine/fixtures.ts";
import {
  conditionOf,
  type E2e,
  eventFor,
  eventsIn,
  passes,
  put,
  sourceNamespace,
  standardSetup,
  statusOf,
  synced,
  until,
  withController,
  WRITES,
} from "./harness.ts";

function replicasOf(o: KubeObject | undefined): number {
  return (o?.spec as { replicas: number }).replicas;
}

async function setData(e: E2e, v: string): Promise<void> {
  const cm = e.type("configmaps");
  const live = await e.src.get(cm, "shop", "c");
  await e.src.replace(cm, { ...live!, data: { v } });
}

async function drValue(e: E2e): Promise<string | undefined> {
  const o = await e.drApi.get(e.type("configmaps"), "shop-dr", "c");
  return (o?.data as Record<string, string> | undefined)?.v;
}

Deno.test("controller: a promoted DR namespace gets no writes (DestinationPromoted) until demoted", async () => {
  await withController(async (e) => {
    const deps = e.type("deployments", "apps");
    await sourceNamespace(e, "shop");
    await put(e, "shop", [deployment("api", 3), configMap("c", { v: "1" })]);
    await standardSetup(e, { resyncInterval: "1s" });
    e.start();
    await synced(e);

    const promoted = await promoteNamespace(e.drApi, "shop-dr", {
      dryRun: false,
      now: new Date(),
    });
    assert(promoted.ok, "promoted");
    await until(
      "DestinationPromoted",
      async () =>
        conditionOf(await statusOf(e), "DestinationPromoted")?.status ===
          "True",
    );
    await eventFor(e, "shop-to-dr", "DestinationPromoted");
    assertEquals(replicasOf(await e.drApi.get(deps, "shop-dr", "api")), 3);

    e.dr.counters.reset();
    const ran = await passes(e);
    await setData(e, "2");
    // Two more passes: the change's own, and a resync (1s) after it.
    await until(
      "a resync after the change",
      async () => await passes(e) >= ran + 2,
    );
    assertEquals(e.dr.counters.total(WRITES), 0, "nothing written");
    assertEquals(await drValue(e), "1");
    assertEquals(replicasOf(await e.drApi.get(deps, "shop-dr", "api")), 3);

    const demoted = await demoteNamespace(e.drApi, "shop-dr", {
      dryRun: false,
    });
    assert(demoted.ok, "demoted");
    await until("resumed", async () => await drValue(e) === "2");
    const status = await synced(e);
    assertEquals(conditionOf(status, "DestinationPromoted")?.status, "False");
    assertEquals(replicasOf(await e.drApi.get(deps, "shop-dr", "api")), 0);
  });
});

Deno.test("controller: metrics after a sync", async () => {
  await withController(async (e) => {
    await sourceNamespace(e, "shop");
    await put(e, "shop", [deployment("api", 1), configMap("c", { v: "1" })]);
    await standardSetup(e);
    e.start();
    await synced(e);
    const text = await e.metrics.scrape();
    const expected = [
      /drsyncer_objects_written_total\{[^}]*operation="create"[^}]*\} [1-9]/,
      /drsyncer_sync_duration_seconds_count\{[^}]*replication="shop-to-dr"[^}]*\} [1-9]/,
      /drsyncer_last_successful_sync_timestamp_seconds\{[^}]*replication="shop-to-dr"[^}]*\} [1-9]/,
      /drsyncer_remote_cluster_ready\{[^}]*\} 1/,
    ];
    for (const re of expected) assertMatch(text, re);
    // Starting up is not a failure: no pass ran before the first probe.
    assert(!text.includes("RemoteClusterNotReady"), "no start-up error");
    assert(!/result="failure"/.test(text), "no failed sync at start-up");
    const events = await eventsIn(e);
    assertEquals(events.filter((x) => x.type === "Warning"), []);
  });
});
