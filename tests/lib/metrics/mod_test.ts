import "../../../lib/preload.ts";
import { assert, assertEquals } from "../../assert.ts";
import { Metrics } from "../../../lib/metrics/mod.ts";
import type { ManagerStats } from "../../../lib/controller.ts";
import { samples, sampleValue } from "./exposition.ts";

const T0 = Date.UTC(2026, 0, 1);

/** Metrics on a clock the test steps; defaults off to keep scrapes small. */
function aMetrics(): { m: Metrics; advance(ms: number): void } {
  let now = T0;
  const m = new Metrics({ now: () => now, defaultMetrics: false });
  return { m, advance: (ms) => now += ms };
}

function aQueue(
  over: Partial<ManagerStats["queues"][number]> = {},
): ManagerStats["queues"][number] {
  return {
    reconciler: "replication",
    depth: 0,
    inFlight: 0,
    adds: 0,
    retries: 0,
    ...over,
  };
}

const SINCE = "drsyncer_seconds_since_last_successful_sync";
const STAMP = "drsyncer_last_successful_sync_timestamp_seconds";

Deno.test("seconds since success grows at scrape time and resets on success", async () => {
  const { m, advance } = aMetrics();
  m.seeReplication("shop");
  assertEquals(
    sampleValue(await m.scrape(), SINCE, { replication: "shop" }),
    0,
  );
  advance(5_000);
  // Never synced: counts from first seen, and no timestamp series yet.
  assertEquals(
    sampleValue(await m.scrape(), SINCE, { replication: "shop" }),
    5,
  );
  assertEquals(sampleValue(await m.scrape(), STAMP), undefined);
  m.syncFinished("shop", "success", 120);
  let text = await m.scrape();
  assertEquals(sampleValue(text, SINCE, { replication: "shop" }), 0);
  assertEquals(
    sampleValue(text, STAMP, { replication: "shop" }),
    (T0 + 5_000) / 1000,
  );
  advance(7_000);
  m.syncFinished("shop", "failure", 80);
  m.syncFinished("shop", "partial", 90);
  advance(3_000);
  text = await m.scrape();
  assertEquals(sampleValue(text, SINCE, { replication: "shop" }), 10);
  assertEquals(
    sampleValue(text, STAMP, { replication: "shop" }),
    (T0 + 5_000) / 1000,
  );
});

Deno.test("a recorded last success seeds the RPO gauge and never moves it back", async () => {
  const { m } = aMetrics();
  m.seeReplication("shop", T0 - 60_000);
  m.seeReplication("shop", T0 - 90_000);
  const text = await m.scrape();
  assertEquals(sampleValue(text, SINCE, { replication: "shop" }), 60);
  assertEquals(
    sampleValue(text, STAMP, { replication: "shop" }),
    (T0 - 60_000) / 1000,
  );
});

Deno.test("sync duration histogram by replication and result", async () => {
  const { m } = aMetrics();
  m.syncFinished("shop", "partial", 1_500);
  m.syncFinished("shop", "success", 4);
  const text = await m.scrape();
  const name = "drsyncer_sync_duration_seconds";
  const partial = { replication: "shop", result: "partial" };
  assertEquals(sampleValue(text, `${name}_bucket`, { ...partial, le: "1" }), 0);
  assertEquals(
    sampleValue(text, `${name}_bucket`, { ...partial, le: "2.5" }),
    1,
  );
  assertEquals(sampleValue(text, `${name}_sum`, partial), 1.5);
  assertEquals(sampleValue(text, `${name}_count`, partial), 1);
  const ok = { replication: "shop", result: "success", le: "0.005" };
  assertEquals(sampleValue(text, `${name}_bucket`, ok), 1);
  const les = samples(text, `${name}_bucket`, partial).map((s) => s.labels.le);
  assertEquals(les[les.length - 2], "600");
});

Deno.test("objects written by operation; zero counts add no series", async () => {
  const { m } = aMetrics();
  m.objectsWritten("shop", "create", 3);
  m.objectsWritten("shop", "create");
  m.objectsWritten("shop", "recreate");
  m.objectsWritten("shop", "delete", 0);
  const text = await m.scrape();
  const name = "drsyncer_objects_written_total";
  assertEquals(sampleValue(text, name, { operation: "create" }), 4);
  assertEquals(sampleValue(text, name, { operation: "recreate" }), 1);
  assertEquals(sampleValue(text, name, { operation: "delete" }), undefined);
});

Deno.test("sync errors keep known reasons and cap unknown ones to Other", async () => {
  const { m } = aMetrics();
  m.syncError("shop", "Invalid", 2);
  m.syncError("shop", "NotOwned");
  m.syncError("shop", "SomethingNew");
  m.syncError("shop", "AnotherNew");
  const text = await m.scrape();
  const name = "drsyncer_sync_errors_total";
  assertEquals(sampleValue(text, name, { reason: "Invalid" }), 2);
  assertEquals(sampleValue(text, name, { reason: "NotOwned" }), 1);
  assertEquals(sampleValue(text, name, { reason: "Other" }), 2);
  assertEquals(samples(text, name).length, 3);
});

Deno.test("state gauges: prune blocked, remote ready, objects, info", async () => {
  const { m } = aMetrics();
  m.setPruneBlocked("shop", true);
  m.setPruneBlocked("web", false);
  m.setRemoteClusterReady("dr-east", false);
  m.setReplicationObjects("shop", { desired: 120, inSync: 118, failed: 2 });
  m.setReplicationInfo("shop", "dr-east", "Continuous");
  m.setReplicationInfo("shop", "dr-west", "Scheduled");
  const text = await m.scrape();
  assertEquals(
    sampleValue(text, "drsyncer_prune_blocked", { replication: "shop" }),
    1,
  );
  assertEquals(
    sampleValue(text, "drsyncer_prune_blocked", { replication: "web" }),
    0,
  );
  assertEquals(
    sampleValue(text, "drsyncer_remote_cluster_ready", {
      remote_cluster: "dr-east",
    }),
    0,
  );
  const objects = "drsyncer_replication_objects";
  assertEquals(sampleValue(text, objects, { state: "desired" }), 120);
  assertEquals(sampleValue(text, objects, { state: "inSync" }), 118);
  assertEquals(sampleValue(text, objects, { state: "failed" }), 2);
  const info = samples(text, "drsyncer_replication_info");
  assertEquals(info.map((s) => s.labels), [
    { replication: "shop", remote_cluster: "dr-west", mode: "Scheduled" },
  ]);
});

Deno.test("forget removes every series of one replication and keeps the others", async () => {
  const { m } = aMetrics();
  for (const r of ["shop", "web"]) {
    m.seeReplication(r);
    m.syncFinished(r, "success", 10);
    m.syncFinished(r, "failure", 10);
    m.objectsWritten(r, "update");
    m.syncError(r, "Conflict");
    m.setPruneBlocked(r, true);
    m.setReplicationObjects(r, { desired: 1, inSync: 1, failed: 0 });
    m.setReplicationInfo(r, "dr-east", "Continuous");
  }
  m.forget("shop");
  const text = await m.scrape();
  assert(!text.includes('replication="shop"'), text);
  assertEquals(sampleValue(text, SINCE, { replication: "web" }), 0);
  assertEquals(
    sampleValue(text, "drsyncer_prune_blocked", { replication: "web" }),
    1,
  );
  assertEquals(
    sampleValue(text, "drsyncer_objects_written_total", { replication: "web" }),
    1,
  );
});

Deno.test("forgetRemoteCluster removes its readiness, requests and watch restarts", async () => {
  const { m } = aMetrics();
  for (const c of ["dr-east", "source"]) {
    m.setRemoteClusterReady(c, true);
    m.apiRequest(c, "GET", 200);
    m.watchRestarted(c, "namespaces", "Closed");
  }
  m.forgetRemoteCluster("dr-east");
  const text = await m.scrape();
  assert(!text.includes('"dr-east"'), text);
  assertEquals(
    sampleValue(text, "drsyncer_api_requests_total", { cluster: "source" }),
    1,
  );
});

Deno.test("request observer counts attempts by cluster, verb and code", async () => {
  const { m } = aMetrics();
  const observe = m.requestObserver("dr-east");
  observe({ method: "GET", status: 200, attempt: 1, durationMs: 3 });
  observe({ method: "GET", status: 200, attempt: 1, durationMs: 3 });
  observe({ method: "PATCH", status: 429, attempt: 1, durationMs: 3 });
  observe({ method: "PATCH", attempt: 2, durationMs: 3 });
  observe({ method: "PROPFIND", status: 405, attempt: 1, durationMs: 3 });
  const text = await m.scrape();
  const name = "drsyncer_api_requests_total";
  const at = (verb: string, code: string) =>
    sampleValue(text, name, { cluster: "dr-east", verb, code });
  assertEquals(at("get", "200"), 2);
  assertEquals(at("patch", "429"), 1);
  assertEquals(at("patch", "error"), 1);
  assertEquals(at("other", "405"), 1);
});

Deno.test("restart observer labels cluster and resource, caps causes to Error", async () => {
  const { m } = aMetrics();
  const observe = m.restartObserver("source");
  const spec = { type: { resource: "namespacereplications" } } as Parameters<
    typeof observe
  >[2];
  observe("Expired", 0, spec);
  observe("Stalled", 0, spec);
  observe("ECONNRESET weirdness", 0, spec);
  const text = await m.scrape();
  const name = "drsyncer_watch_restarts_total";
  const base = { cluster: "source", resource: "namespacereplications" };
  assertEquals(sampleValue(text, name, { ...base, cause: "Expired" }), 1);
  assertEquals(sampleValue(text, name, { ...base, cause: "Stalled" }), 1);
  assertEquals(sampleValue(text, name, { ...base, cause: "Error" }), 1);
});

Deno.test("manager stats are read at scrape time: leader, depth, adds, retries", async () => {
  const { m } = aMetrics();
  let stats: ManagerStats = { leading: false, queues: [], informers: [] };
  m.setStatsSource(() => stats);
  let text = await m.scrape();
  assertEquals(sampleValue(text, "drsyncer_leader"), 0);
  assertEquals(samples(text, "drsyncer_workqueue_depth").length, 0);

  stats = {
    ...stats,
    leading: true,
    queues: [aQueue({ depth: 4, adds: 10, retries: 2 })],
  };
  text = await m.scrape();
  const q = { queue: "replication" };
  assertEquals(sampleValue(text, "drsyncer_leader"), 1);
  assertEquals(sampleValue(text, "drsyncer_workqueue_depth", q), 4);
  assertEquals(sampleValue(text, "drsyncer_workqueue_adds_total", q), 10);
  assertEquals(sampleValue(text, "drsyncer_workqueue_retries_total", q), 2);

  // A new queue (lease regained) starts from zero: counters keep growing.
  stats = { ...stats, queues: [aQueue({ depth: 1, adds: 3, retries: 0 })] };
  text = await m.scrape();
  assertEquals(sampleValue(text, "drsyncer_workqueue_depth", q), 1);
  assertEquals(sampleValue(text, "drsyncer_workqueue_adds_total", q), 13);
  assertEquals(sampleValue(text, "drsyncer_workqueue_retries_total", q), 2);

  stats = { leading: false, queues: [], informers: [] };
  text = await m.scrape();
  assertEquals(sampleValue(text, "drsyncer_leader"), 0);
  assertEquals(sampleValue(text, "drsyncer_workqueue_depth", q), undefined);
  assertEquals(sampleValue(text, "drsyncer_workqueue_adds_total", q), 13);
});

Deno.test("setLeader without a stats source", async () => {
  const { m } = aMetrics();
  assertEquals(sampleValue(await m.scrape(), "drsyncer_leader"), 0);
  m.setLeader(true);
  assertEquals(sampleValue(await m.scrape(), "drsyncer_leader"), 1);
});

Deno.test("each Metrics owns its registry, defaults included", async () => {
  const a = new Metrics();
  const b = new Metrics();
  a.syncError("shop", "Invalid");
  const [ta, tb] = [await a.scrape(), await b.scrape()];
  assert(ta.includes("process_cpu_user_seconds_total"), ta);
  assert(tb.includes("process_cpu_user_seconds_total"), tb);
  assertEquals(samples(ta, "drsyncer_sync_errors_total").length, 1);
  assertEquals(samples(tb, "drsyncer_sync_errors_total").length, 0);
});

Deno.test("recordOutcomes feeds writes and capped errors", async () => {
  const { m } = aMetrics();
  const base = { key: "k", kind: "ConfigMap", namespace: "shop", name: "a" };
  m.recordOutcomes("shop", [
    { ...base, action: "create", status: "done" },
    { ...base, action: "update", status: "failed", reason: "Invalid" },
    { ...base, action: "update", status: "failed", reason: "Brand-new" },
  ]);
  const text = await m.scrape();
  const written = "drsyncer_objects_written_total";
  assertEquals(sampleValue(text, written, { operation: "create" }), 1);
  const errors = "drsyncer_sync_errors_total";
  assertEquals(sampleValue(text, errors, { reason: "Invalid" }), 1);
  assertEquals(sampleValue(text, errors, { reason: "Other" }), 1);
});
