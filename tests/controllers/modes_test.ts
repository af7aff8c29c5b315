/**
 * The three modes end to end, and what must NOT happen: no sync without a
 * reason, no status write for an unrelated annotation, no DR write when
 * nothing changed (asserted with kube-sim's request counters).
 */
import "../../lib/preload.ts";
import type { KubeObject } from "../../lib/sync/types.ts";
import { assert, assertEquals } from "../assert.ts";
import { configMap } from "../lib/engine/fixtures.ts";
import {
  conditionOf,
  type E2e,
  handled,
  NS,
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

const STATUS = "namespacereplications/status";

async function setData(e: E2e, v: string): Promise<void> {
  const cm = e.type("configmaps");
  const live = await e.src.get(cm, "shop", "c");
  await e.src.replace(cm, { ...live!, data: { v } });
}

async function drValue(e: E2e): Promise<string | undefined> {
  const o: KubeObject | undefined = await e.drApi.get(
    e.type("configmaps"),
    "shop-dr",
    "c",
  );
  return (o?.data as Record<string, string> | undefined)?.v;
}

async function annotate(
  e: E2e,
  annotations: Record<string, string>,
): Promise<void> {
  await e.src.client.requestJson(
    `/apis/drsyncer.io/v1alpha1/namespaces/${NS}/namespacereplications/shop-to-dr`,
    {
      method: "PATCH",
      contentType: "application/merge-patch+json",
      body: { metadata: { annotations } },
    },
  );
}

async function prepare(e: E2e): Promise<void> {
  await sourceNamespace(e, "shop");
  await put(e, "shop", [configMap("c", { v: "1" })]);
}

Deno.test("controller: Scheduled mode syncs on its schedule, a spec change syncs at once", async () => {
  await withController(async (e) => {
    await prepare(e);
    await standardSetup(e, { mode: "Scheduled", schedule: "1h" });
    e.start();
    let status = await synced(e);
    const hourAhead = Date.parse(status.nextSyncTime as string) -
      Date.parse(status.lastSyncTime as string);
    assert(Math.abs(hourAhead - 3_600_000) < 2_000, `next in ${hourAhead} ms`);

    const before = await passes(e);
    await setData(e, "2");
    await handled(e, () => annotate(e, { "example.com/owner": "team-a" }));
    assertEquals(await passes(e), before, "no pass before the schedule");
    assertEquals(await drValue(e), "1", "no sync before the schedule");

    await standardSetup(e, { mode: "Scheduled", schedule: "2s" });
    await until("spec change synced", async () => await drValue(e) === "2");
    status = await synced(e);
    const next = Date.parse(status.nextSyncTime as string) -
      Date.parse(status.lastSyncTime as string);
    assert(next > 0 && next <= 3_000, `next in ${next} ms`);

    await setData(e, "3");
    await until("scheduled sync", async () => await drValue(e) === "3", 5_000);
  });
});

Deno.test("controller: Manual mode syncs once per new sync-now token; an unrelated annotation changes nothing", async () => {
  await withController(async (e) => {
    await prepare(e);
    await standardSetup(e, { mode: "Manual" });
    e.start();
    const waiting = await synced(e, "shop-to-dr", "Pending");
    assertEquals(conditionOf(waiting, "Ready")?.reason, "AwaitingSyncNow");
    assertEquals(await e.drApi.getNamespace("shop-dr"), undefined);

    await annotate(e, { "drsyncer.io/sync-now": "a" });
    assertEquals((await synced(e)).lastManualTrigger, "a");
    assertEquals(await drValue(e), "1");

    await setData(e, "2");
    e.source.counters.reset();
    e.dr.counters.reset();
    await handled(e, () => annotate(e, { "example.com/owner": "team-a" }));
    assertEquals(e.source.counters.get("patch", STATUS), 0, "no status write");
    assertEquals(e.dr.counters.total(), 0, "DR not even read");
    assertEquals(await drValue(e), "1", "no sync without a new token");

    await annotate(e, { "drsyncer.io/sync-now": "b" });
    await until(
      "token b handled",
      async () => (await statusOf(e)).lastManualTrigger === "b",
    );
    assertEquals(await drValue(e), "2");

    // A sync with nothing changed writes nothing to DR.
    e.dr.counters.reset();
    await annotate(e, { "drsyncer.io/sync-now": "c" });
    await until(
      "token c handled",
      async () => (await statusOf(e)).lastManualTrigger === "c",
    );
    assertEquals(e.dr.counters.total(WRITES), 0, "no DR writes");
  });
});

Deno.test("controller: a quiet Continuous replication makes no periodic DR writes; an unrelated annotation syncs nothing", async () => {
  await withController(async (e) => {
    await prepare(e);
    await standardSetup(e); // the 10m default resync: no pass in between
    e.start();
    await synced(e);
    e.source.counters.reset();
    e.dr.counters.reset();
    await handled(e, () => annotate(e, { "example.com/owner": "team-a" }));
    assertEquals(e.source.counters.get("patch", STATUS), 0, "no status write");
    assertEquals(e.dr.counters.total(), 0, "no DR request");

    await standardSetup(e, { resyncInterval: "1s" });
    const first = await synced(e);
    e.dr.counters.reset();
    const ran = await passes(e);
    // Two resyncs: the second starts a whole interval after the first ended.
    await until("two resyncs", async () => await passes(e) >= ran + 2);
    const later = await statusOf(e);
    assert(
      Date.parse(later.lastSyncTime as string) >
        Date.parse(first.lastSyncTime as string),
      "resyncs ran",
    );
    assertEquals(e.dr.counters.total(WRITES), 0, "no DR writes when quiet");
  });
});

Deno.test("controller: suspend stops copying (phase Suspended) and resuming catches up", async () => {
  await withController(async (e) => {
    await prepare(e);
    await standardSetup(e);
    e.start();
    await synced(e);
    await standardSetup(e, { suspend: true });
    await synced(e, "shop-to-dr", "Suspended");
    e.dr.counters.reset();
    const before = await passes(e);
    await setData(e, "2");
    await handled(e, () => annotate(e, { "example.com/owner": "team-a" }));
    assertEquals(await passes(e), before, "no pass while suspended");
    assertEquals(e.dr.counters.total(WRITES), 0, "nothing written");
    await standardSetup(e, { suspend: false });
    await until("caught up", async () => await drValue(e) === "2");
    await synced(e);
  });
});
