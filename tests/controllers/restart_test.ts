/**
 * What a restart and a single change cost: a restarted controller with
 * nothing changed writes nothing to DR, a Scheduled one keeps its schedule,
 * and one source change in Continuous mode is one DR write (no namespace
 * resync), counted with kube-sim's request counters.
 */
import "../../lib/preload.ts";
import { assert, assertEquals } from "../assert.ts";
import { configMap, deployment } from "../lib/engine/fixtures.ts";
import {
  put,
  sourceNamespace,
  standardSetup,
  statusOf,
  synced,
  until,
  withController,
  WRITES,
} from "./harness.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

Deno.test("controller: a restart with nothing changed writes nothing to DR", async () => {
  await withController(async (e) => {
    await sourceNamespace(e, "shop");
    await put(e, "shop", [deployment("api", 2), configMap("c", { v: "1" })]);
    await standardSetup(e);
    e.start();
    const before = await synced(e);
    await e.stopController();
    await sleep(1_000); // lastSyncTime has whole seconds
    e.dr.counters.reset();
    e.start();
    await until(
      "pass after restart",
      async () => (await statusOf(e)).lastSyncTime !== before.lastSyncTime,
    );
    await synced(e);
    assertEquals(e.dr.counters.total(WRITES), 0);
  });
});

Deno.test("controller: a restarted Scheduled replication keeps its schedule (no sync at start)", async () => {
  await withController(async (e) => {
    await sourceNamespace(e, "shop");
    await put(e, "shop", [configMap("c", { v: "1" })]);
    await standardSetup(e, { mode: "Scheduled", schedule: "1h" });
    e.start();
    const before = await synced(e);
    await e.stopController();
    e.dr.counters.reset();
    e.start();
    await sleep(1_200);
    assertEquals(e.dr.counters.total(), 0, "DR not touched");
    const after = await statusOf(e);
    assertEquals(after.lastSyncTime, before.lastSyncTime);
    assertEquals(after.nextSyncTime, before.nextSyncTime);
  });
});

Deno.test("controller: one source change in Continuous mode is one DR write, no resync of the namespace", async () => {
  await withController(async (e) => {
    const cm = e.type("configmaps");
    await sourceNamespace(e, "shop");
    await put(
      e,
      "shop",
      Array.from({ length: 20 }, (_, i) => configMap(`c${i}`, { v: "1" })),
    );
    await standardSetup(e);
    e.start();
    await synced(e);
    await sleep(200); // the first pass's own watch echoes settle
    e.dr.counters.reset();
    e.source.counters.reset();
    const live = await e.src.get(cm, "shop", "c7");
    await e.src.replace(cm, { ...live!, data: { v: "2" } });
    let polls = 0; // the test's own reads, however many the wait took
    await until("copied", async () => {
      polls++;
      const o = await e.drApi.get(cm, "shop-dr", "c7");
      return (o?.data as Record<string, string>).v === "2";
    });
    await sleep(200);
    const drRequests = e.dr.counters.total() - polls;
    assert(drRequests >= 1, "written");
    assertEquals(e.dr.counters.total(WRITES), 1, "exactly one DR write");
    assertEquals(drRequests, 1, "no DR reads besides the caches");
    assertEquals(e.source.counters.get("list", "configmaps"), 0, "no relist");
  });
});

Deno.test("controller: a deleted replication stops copying and leaves its DR copies", async () => {
  await withController(async (e) => {
    const cm = e.type("configmaps");
    await sourceNamespace(e, "shop");
    await put(e, "shop", [configMap("c", { v: "1" })]);
    await standardSetup(e);
    e.start();
    await synced(e);
    await e.src.client.requestJson(
      "/apis/drsyncer.io/v1alpha1/namespaces/dr-syncer-system/namespacereplications/shop-to-dr",
      { method: "DELETE" },
    );
    await until(
      "gone",
      async () => !(await e.getOwn("NamespaceReplication", "shop-to-dr")),
    );
    await sleep(200);
    e.dr.counters.reset();
    const live = await e.src.get(cm, "shop", "c");
    await e.src.replace(cm, { ...live!, data: { v: "2" } });
    await sleep(500);
    assertEquals(e.dr.counters.total(), 0, "DR untouched");
    const copy = await e.drApi.get(cm, "shop-dr", "c");
    assertEquals((copy?.data as Record<string, string>).v, "1");
  });
});
