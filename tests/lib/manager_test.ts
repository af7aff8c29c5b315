import "../../lib/preload.ts";
import { assert, assertEquals } from "../assert.ts";
import { LeaderElector } from "../../lib/leader-election.ts";
import { apiLeaseStore, type LeaseStore } from "../../lib/lease-store.ts";
import { type Controller, Manager } from "../../lib/manager.ts";
import type { SimCluster } from "../sim/mod.ts";
import {
  type ClientFactory,
  eventually,
  simWriter,
  withSim,
} from "./sim-helpers.ts";

const NS = "app";
const SYSTEM_NS = "dr-syncer-system";
const timings = {
  leaseDurationMs: 2000,
  renewDeadlineMs: 1500,
  retryPeriodMs: 250,
};
const fastInformers = {
  backoff: { initialMs: 100, maxMs: 300, jitter: 0 },
  watchdogMs: 2000,
};

/** A reconciler that records keys; `hold` makes it wait for its signal. */
function aRecordingReconciler(name: string, hold = false) {
  const seen: string[] = [];
  const aborted: string[] = [];
  return {
    seen,
    aborted,
    reconciler: {
      name,
      reconcile: (key: string, signal: AbortSignal) => {
        seen.push(key);
        if (!hold) return Promise.resolve();
        return new Promise<void>((resolve) =>
          signal.addEventListener("abort", () => {
            aborted.push(key);
            resolve();
          }, { once: true })
        );
      },
    },
  };
}

function aController(r: ReturnType<typeof aRecordingReconciler>): Controller {
  return {
    reconciler: r.reconciler,
    watches: [{
      spec: {
        type: { group: "", version: "v1", resource: "configmaps" },
        namespace: NS,
      },
      keys: (e) =>
        e.object.metadata.name.startsWith("kube-")
          ? []
          : [`${NS}/${e.object.metadata.name}`],
    }],
  };
}

/** A lease store that can be cut off, to play a partitioned leader. */
function aCuttableStore(inner: LeaseStore) {
  const s = {
    down: false,
    get: (sig: AbortSignal) =>
      s.down ? Promise.reject(new Error("partitioned")) : inner.get(sig),
    create: (spec: Parameters<LeaseStore["create"]>[0], sig: AbortSignal) =>
      s.down
        ? Promise.reject(new Error("partitioned"))
        : inner.create(spec, sig),
    replace: (
      spec: Parameters<LeaseStore["replace"]>[0],
      rv: string,
      sig: AbortSignal,
    ) =>
      s.down
        ? Promise.reject(new Error("partitioned"))
        : inner.replace(spec, rv, sig),
  };
  return s;
}

function aReplica(clients: ClientFactory, identity: string, hold = false) {
  const store = aCuttableStore(
    apiLeaseStore(clients.make(), SYSTEM_NS, "dr-syncer"),
  );
  const elector = new LeaderElector({ ...timings, store, identity });
  const manager = new Manager({
    source: clients.make(),
    elector,
    healthAddr: "127.0.0.1:0",
    shutdownTimeoutMs: 1000,
    informers: fastInformers,
  });
  const rec = aRecordingReconciler(identity, hold);
  manager.add(aController(rec));
  const stop = new AbortController();
  const done = manager.run(stop.signal);
  const readyz = async () => {
    const res = await fetch(`http://127.0.0.1:${manager.healthPort}/readyz`);
    await res.body?.cancel();
    return res.status;
  };
  return { manager, elector, store, rec, stop, done, readyz };
}

function prepare(c: SimCluster) {
  const w = simWriter(c, NS);
  w.namespace();
  simWriter(c, SYSTEM_NS).namespace();
  w.create("before");
  return w;
}

Deno.test("manager: one leader of two runs reconcilers; a clean stop hands over at once", async () => {
  await withSim(async (c, clients) => {
    const w = prepare(c);
    const a = aReplica(clients, "a");
    await eventually(() => a.manager.leading, 5000, "a leads");
    const b = aReplica(clients, "b");
    await eventually(() => b.manager.readiness().ready, 5000, "b synced");
    assertEquals(await b.readyz(), 200, "a healthy standby is ready");
    assertEquals(await a.readyz(), 200);
    w.create("x1");
    await eventually(() => a.rec.seen.includes(`${NS}/x1`));
    assertEquals(a.rec.seen.sort(), [`${NS}/before`, `${NS}/x1`]);
    assertEquals(b.rec.seen, [], "standby runs nothing");
    assert(!b.manager.leading);
    const stats = a.manager.stats();
    assertEquals([
      stats.leading,
      stats.queues[0].reconciler,
      stats.queues[0].adds,
    ], [true, "a", 2]);
    assertEquals(stats.informers.map((i) => [i.resource, i.synced]), [[
      "configmaps",
      true,
    ]]);
    assertEquals(b.manager.stats().queues, [], "no queue while standing by");

    const stoppedAt = Date.now();
    a.stop.abort();
    assertEquals(await a.done, 0);
    await eventually(() => b.manager.leading, 3000, "b takes over");
    const handover = Date.now() - stoppedAt;
    console.log(
      `clean handover took ${handover} ms (lease ${timings.leaseDurationMs} ms)`,
    );
    assert(
      handover < timings.leaseDurationMs,
      `released, not expired (${handover} ms)`,
    );
    await eventually(
      () => b.rec.seen.includes(`${NS}/x1`),
      3000,
      "b replays its cache",
    );
    b.stop.abort();
    assertEquals(await b.done, 0);
  });
});

Deno.test("manager: a partitioned leader stops writing and exits 1; the standby takes over within the lease", async () => {
  await withSim(async (c, clients) => {
    prepare(c);
    const a = aReplica(clients, "a", true);
    await eventually(() => a.rec.seen.length > 0, 5000, "a reconciling");
    const b = aReplica(clients, "b");
    await eventually(() => b.manager.readiness().ready, 5000, "b synced");
    const cutAt = Date.now();
    a.store.down = true;
    assertEquals(await a.done, 1, "lost leadership exits non-zero");
    const lostAfter = Date.now() - cutAt;
    assertEquals(a.rec.aborted, [`${NS}/before`], "in-flight writer aborted");
    await eventually(() => b.manager.leading, 5000, "b takes over");
    const takeover = Date.now() - cutAt;
    console.log(
      `leader lost after ${lostAfter} ms, standby leading after ${takeover} ms`,
    );
    assert(lostAfter <= timings.renewDeadlineMs + 2 * timings.retryPeriodMs);
    assert(
      takeover <=
        timings.leaseDurationMs + 3 * timings.retryPeriodMs + lostAfter,
    );
    b.stop.abort();
    assertEquals(await b.done, 0);
  });
});

Deno.test("manager: /readyz flips once caches are synced", async () => {
  await withSim(async (c, clients) => {
    prepare(c);
    c.faults.latency(400); // slow list: observe "not ready" first
    const manager = new Manager({
      source: clients.make(),
      healthAddr: "127.0.0.1:0",
      informers: fastInformers,
    });
    const rec = aRecordingReconciler("solo");
    manager.add(aController(rec));
    const stop = new AbortController();
    const done = manager.run(stop.signal);
    const status = async () => {
      const res = await fetch(`http://127.0.0.1:${manager.healthPort}/readyz`);
      await res.body?.cancel();
      return res.status;
    };
    assertEquals(await status(), 503);
    await eventually(
      () => rec.seen.length > 0,
      5000,
      "reconciled without election",
    );
    assertEquals(await status(), 200);
    c.faults.latency(0);
    stop.abort();
    assertEquals(await done, 0);
  });
});
