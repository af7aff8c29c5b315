/**
 * The pass decision, the next due time and the retry backoff, as tables
 * over a stepped clock (plain epoch numbers: no timers, no sleeps).
 */
import "../../../lib/preload.ts";
import { assertEquals } from "../../assert.ts";
import type {
  NamespaceReplication,
  NamespaceReplicationSpec,
} from "../../../lib/api/v1alpha1.ts";
import type { PassReport } from "../../../lib/engine/status.ts";
import { decidePass } from "../../../controllers/namespace-replication/decide.ts";
import {
  markDirty,
  newRuntime,
  passFinished,
  passStarted,
  type ReplicationRuntime,
  retryAt,
} from "../../../controllers/namespace-replication/runtime.ts";
import {
  nextDue,
  restoredSchedule,
  RetryTracker,
} from "../../../controllers/namespace-replication/timing.ts";

const T0 = Date.parse("2026-12-04T10:15:00Z");
const S = 1000;

function replication(
  spec: Partial<NamespaceReplicationSpec> = {},
  extra: { generation?: number; annotations?: Record<string, string> } = {},
): NamespaceReplication {
  return {
    apiVersion: "drsyncer.io/v1alpha1",
    kind: "NamespaceReplication",
    metadata: {
      name: "shop-to-dr",
      namespace: "dr-syncer-system",
      generation: extra.generation ?? 1,
      annotations: extra.annotations,
    },
    spec: {
      remoteClusterRef: { name: "dr" },
      namespaceMappingRefs: [{ name: "shop" }],
      ...spec,
    },
  };
}

/** A runtime after one finished pass of generation 1, next due at T0+60s. */
function afterPass(
  over: Partial<Pick<ReplicationRuntime, "dirty" | "blocked">> = {},
): ReplicationRuntime {
  const rt = newRuntime("shop-to-dr", T0);
  passStarted(rt);
  passFinished(rt, {
    generation: 1,
    blocked: over.blocked ?? false,
    dueAt: T0 + 60 * S,
  });
  if (over.dirty) markDirty(rt);
  return rt;
}

const DECISIONS: {
  what: string;
  spec?: Partial<NamespaceReplicationSpec>;
  generation?: number;
  annotations?: Record<string, string>;
  rt: () => ReplicationRuntime;
  at: number;
  run: boolean;
  because: string;
}[] = [
  {
    what: "first reconcile",
    rt: () => newRuntime("shop-to-dr", T0),
    at: T0,
    run: true,
    because: "spec changed",
  },
  {
    what: "nothing new, not due",
    rt: () => afterPass(),
    at: T0 + 59 * S,
    run: false,
    because: "not due",
  },
  {
    what: "resync due",
    rt: () => afterPass(),
    at: T0 + 60 * S,
    run: true,
    because: "resync due",
  },
  {
    what: "world changed",
    rt: () => afterPass({ dirty: true }),
    at: T0 + S,
    run: true,
    because: "world changed",
  },
  {
    what: "spec changed",
    generation: 2,
    rt: () => afterPass(),
    at: T0 + S,
    run: true,
    because: "spec changed",
  },
  {
    what: "Scheduled ignores a dirty mark",
    spec: { mode: "Scheduled", schedule: "@hourly" },
    rt: () => afterPass({ dirty: true }),
    at: T0 + S,
    run: false,
    because: "not due",
  },
  {
    what: "Scheduled retries a blocked pass",
    spec: { mode: "Scheduled", schedule: "@hourly" },
    rt: () => afterPass({ dirty: true, blocked: true }),
    at: T0 + S,
    run: true,
    because: "retrying a blocked pass",
  },
  {
    what: "Scheduled due",
    spec: { mode: "Scheduled", schedule: "@hourly" },
    rt: () => afterPass(),
    at: T0 + 60 * S,
    run: true,
    because: "schedule due",
  },
  {
    what: "Manual waits even when due",
    spec: { mode: "Manual" },
    rt: () => afterPass({ dirty: true }),
    at: T0 + 60 * S,
    run: false,
    because: "manual mode waits for a sync-now token",
  },
  {
    what: "Manual with a new sync-now token",
    spec: { mode: "Manual" },
    annotations: { "drsyncer.io/sync-now": "t1" },
    rt: () => afterPass(),
    at: T0 + S,
    run: true,
    because: "sync-now token",
  },
];

for (const c of DECISIONS) {
  Deno.test(`decidePass: ${c.what}`, () => {
    const nr = replication(c.spec, {
      generation: c.generation,
      annotations: c.annotations,
    });
    const d = decidePass(nr, c.rt(), c.at);
    assertEquals([d.run, d.because], [c.run, c.because]);
  });
}

Deno.test("nextDue: each mode's cadence from the time a pass finished", () => {
  const rt = newRuntime("shop-to-dr", T0);
  const at = (spec: Partial<NamespaceReplicationSpec>, pruneAt?: number) =>
    nextDue(replication(spec), rt, T0, pruneAt);
  assertEquals(at({}), T0 + 600 * S, "the CRD's default resync, 10m");
  assertEquals(at({ resyncInterval: "90s" }), T0 + 90 * S);
  assertEquals(at({ mode: "Manual" }), undefined);
  assertEquals(
    at({ mode: "Scheduled", schedule: "@hourly" }),
    Date.parse("2026-12-04T11:00:00Z"),
  );
  assertEquals(
    at({ resyncInterval: "90s" }, T0 + 30 * S),
    T0 + 90 * S,
    "a pending prune waits for the resync without live watches",
  );
  const live = { ...rt, live: {} as ReplicationRuntime["live"] };
  assertEquals(
    nextDue(replication({ resyncInterval: "90s" }), live, T0, T0 + 30 * S),
    T0 + 30 * S,
    "with live watches a pending prune comes first",
  );
});

Deno.test("restoredSchedule: a Scheduled replication resumes from its status", () => {
  const nr = replication({ mode: "Scheduled", schedule: "@hourly" });
  nr.status = { observedGeneration: 1, nextSyncTime: "2026-12-04T11:00:00Z" };
  const rt = newRuntime("shop-to-dr", T0);
  assertEquals(restoredSchedule(nr, rt), {
    generation: 1,
    dueAt: Date.parse("2026-12-04T11:00:00Z"),
  });
  assertEquals(
    restoredSchedule({ ...nr, spec: { ...nr.spec, mode: "Continuous" } }, rt),
    undefined,
  );
  assertEquals(restoredSchedule(nr, afterPass()), undefined, "a pass ran");
});

const TRANSIENT: Pick<PassReport, "blocker" | "results"> = {
  results: [],
  blocker: { reason: "RemoteClusterUnreachable", message: "down" },
};
const CLEAN: Pick<PassReport, "blocker" | "results"> = { results: [] };

Deno.test("RetryTracker: the retry delay doubles per transient failure up to 5 minutes, and resets", () => {
  const retries = new RetryTracker();
  const delays: (number | undefined)[] = [];
  let now = T0;
  for (let i = 0; i < 8; i++) {
    const at = retries.afterPass("shop-to-dr", TRANSIENT, now, false);
    delays.push(at === undefined ? undefined : (at - now) / S);
    now = at ?? now;
  }
  assertEquals(delays, [5, 10, 20, 40, 80, 160, 300, 300]);
  assertEquals(retries.afterPass("shop-to-dr", CLEAN, now, false), undefined);
  assertEquals(
    retries.afterPass("shop-to-dr", CLEAN, now, true),
    now + 5 * S,
    "an incomplete pass (caches not synced) retries from the start again",
  );
});

Deno.test("retryAt: marks dirty and never postpones an earlier due time", () => {
  const rt = afterPass();
  retryAt(rt, T0 + 90 * S);
  assertEquals([rt.dirty, rt.dueAt], [true, T0 + 60 * S]);
  retryAt(rt, T0 + 5 * S);
  assertEquals(rt.dueAt, T0 + 5 * S);
});

Deno.test("RetryTracker: while watch caches load, retries grow only to 20 s", () => {
  const retries = new RetryTracker();
  const loading = { results: [], loadingCaches: ["source configmaps"] };
  const delays: number[] = [];
  let now = T0;
  for (let i = 0; i < 5; i++) {
    const at = retries.afterPass("shop-to-dr", loading, now, true)!;
    delays.push((at - now) / S);
    now = at;
  }
  assertEquals(delays, [5, 10, 20, 20, 20]);
});
