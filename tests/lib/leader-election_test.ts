import "../../lib/preload.ts";
import { assert, assertEquals, assertMatch, assertThrows } from "../assert.ts";
import { LeaderElector } from "../../lib/leader-election.ts";
import {
  type LeaseRecord,
  type LeaseStore,
  microTime,
  type StoredLease,
} from "../../lib/lease-store.ts";
import { FakeClock } from "./fake-clock.ts";

/** One lease shared by candidates; each view can be cut off the "network". */
class MemoryLease {
  lease: StoredLease | undefined;
  #rv = 0;

  view(): LeaseStore & { down: boolean; hang: boolean } {
    const store = {
      down: false,
      hang: false,
      get: (signal: AbortSignal) =>
        store.hang
          ? new Promise<never>((_, reject) =>
            signal.addEventListener("abort", () => reject(signal.reason), {
              once: true,
            })
          )
          : this.#io(store.down, () => this.lease),
      create: (spec: LeaseRecord) =>
        this.#io(store.down, () => {
          if (this.lease) throw new Error("AlreadyExists");
          return this.#write(spec);
        }),
      replace: (spec: LeaseRecord, rv: string) =>
        this.#io(store.down, () => {
          if (this.lease?.resourceVersion !== rv) throw new Error("Conflict");
          return this.#write(spec);
        }),
    };
    return store;
  }

  #write(spec: LeaseRecord): StoredLease {
    this.lease = { spec: { ...spec }, resourceVersion: String(++this.#rv) };
    return this.lease;
  }

  #io<T>(down: boolean, f: () => T): Promise<T> {
    return down
      ? Promise.reject(new TypeError("fetch failed"))
      : Promise.resolve().then(f);
  }
}

const timings = {
  leaseDurationMs: 15_000,
  renewDeadlineMs: 10_000,
  retryPeriodMs: 2_000,
  random: () => 0,
};

function twoCandidates() {
  const clock = new FakeClock();
  const lease = new MemoryLease();
  const storeA = lease.view();
  const a = new LeaderElector({
    ...timings,
    store: storeA,
    identity: "a",
    clock,
  });
  const b = new LeaderElector({
    ...timings,
    store: lease.view(),
    identity: "b",
    clock,
  });
  return { clock, lease, storeA, a, b };
}

Deno.test("leader election: exactly one of two candidates leads", async () => {
  const { clock, lease, a, b } = twoCandidates();
  const stop = new AbortController();
  assert(await a.acquire(stop.signal));
  let bLeads = false;
  const bWaiting = b.acquire(stop.signal).then((won) => bLeads = won);
  await clock.advance(60_000); // a keeps renewing, b keeps waiting
  assert(a.isLeader && !bLeads);
  assertEquals(lease.lease?.spec.holderIdentity, "a");
  assertEquals(b.observedLeader, "a");
  assert(b.healthy, "a standby that reads the lease is healthy");
  stop.abort();
  await a.release();
  await bWaiting;
  assertEquals(bLeads, false, "aborted standby gives up");
});

Deno.test("leader election: a partitioned leader stops writers at renew deadline; standby takes over", async () => {
  const { clock, storeA, a, b } = twoCandidates();
  const stop = new AbortController();
  assert(await a.acquire(stop.signal));
  let bWonAt = 0;
  const bWaiting = b.acquire(stop.signal).then(() => bWonAt = clock.now());
  const cutAt = clock.now();
  storeA.down = true;
  let lostAt = 0;
  const lost = a.lost.then(() => lostAt = clock.now());
  await clock.advance(30_000);
  await lost;
  assert(a.leading.aborted, "writers' signal aborted");
  assertMatch(String(a.leading.reason), /lost/);
  assert(lostAt - cutAt <= timings.renewDeadlineMs + timings.retryPeriodMs);
  await bWaiting;
  assert(
    bWonAt > 0 &&
      bWonAt - cutAt <= timings.leaseDurationMs + 2 * timings.retryPeriodMs,
  );
  assert(lostAt < bWonAt, "old leader stopped before the new one started");
  await b.release();
  await a.release();
});

Deno.test("leader election: release hands over within one retry period", async () => {
  const { clock, lease, a, b } = twoCandidates();
  const stop = new AbortController();
  assert(await a.acquire(stop.signal));
  let bWonAt = 0;
  const bWaiting = b.acquire(stop.signal).then(() => bWonAt = clock.now());
  await clock.advance(5_000);
  const releasedAt = clock.now();
  await a.release();
  assertEquals(lease.lease?.spec.holderIdentity, "");
  assertEquals(lease.lease?.spec.leaseDurationSeconds, 1);
  assert(a.leading.aborted && !a.isLeader);
  await clock.advance(timings.retryPeriodMs);
  await bWaiting;
  assert(bWonAt - releasedAt <= timings.retryPeriodMs);
  assertEquals(lease.lease?.spec.leaseTransitions, 1);
  await b.release();
});

Deno.test("leader election: lease record uses MicroTime and whole seconds", async () => {
  const { lease, a } = twoCandidates();
  assert(await a.acquire(new AbortController().signal));
  const spec = lease.lease!.spec;
  assertMatch(spec.renewTime!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  assertEquals(spec.leaseDurationSeconds, 15);
  await a.release();
});

Deno.test("microTime has six fractional digits", () => {
  assertEquals(
    microTime(Date.UTC(2026, 0, 2, 3, 4, 5, 678)),
    "2026-01-02T03:04:05.678000Z",
  );
});

Deno.test("leader election: inconsistent timings are refused", () => {
  const store = new MemoryLease().view();
  assertThrows(
    () =>
      new LeaderElector({
        store,
        identity: "x",
        leaseDurationMs: 5,
        renewDeadlineMs: 10,
      }),
    /leaseDuration > renewDeadline/,
  );
});

Deno.test("leader election: a hung lease request is cut off and retried", async () => {
  const clock = new FakeClock();
  const store = new MemoryLease().view();
  const a = new LeaderElector({ ...timings, store, identity: "a", clock });
  store.hang = true;
  let won = false;
  const acquiring = a.acquire(new AbortController().signal).then((w) =>
    won = w
  );
  await clock.advance(timings.renewDeadlineMs);
  store.hang = false;
  await clock.advance(timings.retryPeriodMs);
  await acquiring;
  assert(won, "acquired after the hung attempt was abandoned");
  await a.release();
});
