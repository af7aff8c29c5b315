import "../../../lib/preload.ts";
import { assertEquals } from "../../assert.ts";
import {
  awaitingTokenStatus,
  type PassReport,
  statusAfterPass,
  suspendedStatus,
} from "../../../lib/engine/status.ts";
import type { NamespaceSyncResult } from "../../../lib/engine/namespace-sync.ts";
import { emptyCounts } from "../../../lib/engine/outcome.ts";
import { findCondition } from "../../../lib/conditions.ts";

const t0 = new Date("2026-11-26T10:00:00Z");
const t1 = new Date("2026-11-26T10:00:01.500Z");
const ready = {
  type: "RemoteClusterReady",
  status: "True" as const,
  reason: "Connected",
};

function result(over: Partial<NamespaceSyncResult> = {}): NamespaceSyncResult {
  const counts = { ...emptyCounts(), desired: 3, inSync: 3 };
  return {
    pair: { source: "shop", destination: "shop-dr" },
    state: "Synced",
    outcomes: [],
    warnings: [],
    counts,
    ...over,
  };
}

function report(over: Partial<PassReport> = {}): PassReport {
  return {
    generation: 4,
    startedAt: t0,
    finishedAt: t1,
    results: [result()],
    notes: [],
    remoteReady: ready,
    ...over,
  };
}

Deno.test("status: a clean pass is Synced and Ready with times and counts", () => {
  const s = statusAfterPass(undefined, report());
  assertEquals(s.phase, "Synced");
  assertEquals(s.observedGeneration, 4);
  assertEquals(s.lastSyncTime, "2026-11-26T10:00:01Z");
  assertEquals(s.lastSuccessfulSyncTime, "2026-11-26T10:00:01Z");
  assertEquals(s.lastSyncDuration, "1.5s");
  assertEquals(s.counts?.inSync, 3);
  assertEquals(s.namespaces, [{
    source: "shop",
    destination: "shop-dr",
    objects: 3,
    failed: 0,
  }]);
  assertEquals(findCondition(s.conditions, "Ready")?.status, "True");
  assertEquals(findCondition(s.conditions, "PruneBlocked")?.status, "False");
});

Deno.test("status: object failures make it Degraded, keep the last success time, cap failures at 20", () => {
  const outcomes = Array.from({ length: 25 }, (_, i) => ({
    action: "create" as const,
    key: `k${i}`,
    kind: "ConfigMap",
    namespace: "shop-dr",
    name: `c${i}`,
    status: "failed" as const,
    reason: "Invalid",
    message: "bad",
  }));
  const counts = { ...emptyCounts(), desired: 25, failed: 25 };
  const before = statusAfterPass(undefined, report());
  const s = statusAfterPass(
    before,
    report({
      results: [result({ outcomes, counts })],
      finishedAt: new Date("2026-11-26T11:00:00Z"),
    }),
  );
  assertEquals(s.phase, "Degraded");
  assertEquals(s.failures?.length, 20);
  assertEquals(s.failures?.[0], {
    kind: "ConfigMap",
    namespace: "shop",
    name: "c0",
    reason: "Invalid",
    message: "bad",
  });
  assertEquals(s.lastSuccessfulSyncTime, "2026-11-26T10:00:01Z");
  assertEquals(findCondition(s.conditions, "Synced")?.reason, "ObjectsFailed");
});

Deno.test("status: a blocked pass is Failed with the blocker as reason", () => {
  const s = statusAfterPass(
    undefined,
    report({
      results: [],
      blocker: {
        reason: "RemoteClusterNotReady",
        message: "dr-east: Unreachable",
      },
      remoteReady: {
        type: "RemoteClusterReady",
        status: "False",
        reason: "Unreachable",
      },
    }),
  );
  assertEquals(s.phase, "Failed");
  assertEquals(
    findCondition(s.conditions, "Ready")?.reason,
    "RemoteClusterNotReady",
  );
  assertEquals(
    findCondition(s.conditions, "RemoteClusterReady")?.status,
    "False",
  );
  assertEquals(s.lastSuccessfulSyncTime, undefined);
});

Deno.test("status: promoted, missing and prune-blocked namespaces raise their conditions", () => {
  const s = statusAfterPass(
    undefined,
    report({
      results: [
        result({
          state: "DestinationPromoted",
          pair: { source: "a", destination: "a-dr" },
        }),
        result({
          state: "SourceNamespaceMissing",
          pair: { source: "b", destination: "b" },
        }),
        result({
          prune: {
            deletes: [],
            waiting: [],
            nextPendingSince: new Map(),
            blocked: {
              reason: "MassDeletion",
              message: "6 of 8",
              objects: [{ kind: "ConfigMap", namespace: "c", name: "x" }],
              pending: 6,
              total: 8,
            },
          },
        }),
      ],
    }),
  );
  assertEquals(s.phase, "Degraded");
  assertEquals(
    findCondition(s.conditions, "DestinationPromoted")?.message,
    "a-dr",
  );
  assertEquals(
    findCondition(s.conditions, "SourceNamespaceMissing")?.message,
    "b",
  );
  assertEquals(findCondition(s.conditions, "PruneBlocked")?.status, "True");
  assertEquals(s.blockedPrunes?.length, 1);
});

Deno.test("status: the same pass twice yields an identical status (no spurious writes)", () => {
  const first = statusAfterPass(undefined, report());
  const second = statusAfterPass(first, report());
  assertEquals(second, first);
});

Deno.test("status: suspended keeps everything else", () => {
  const before = statusAfterPass(undefined, report());
  const s = suspendedStatus(before, 5, t1);
  assertEquals(s.phase, "Suspended");
  assertEquals(s.observedGeneration, 5);
  assertEquals(s.counts, before.counts);
  assertEquals(findCondition(s.conditions, "Ready")?.reason, "Suspended");
});

Deno.test("status: a Manual replication waiting for its first token is Pending", () => {
  const s = awaitingTokenStatus(undefined, 2, t0);
  assertEquals([s.phase, s.observedGeneration], ["Pending", 2]);
  assertEquals(findCondition(s.conditions, "Ready")?.reason, "AwaitingSyncNow");
});

Deno.test("status: a synced Manual replication only acknowledges a new spec", () => {
  const before = statusAfterPass(undefined, report());
  const s = awaitingTokenStatus(before, 5, t1);
  assertEquals({ ...s, observedGeneration: 4 }, before);
  assertEquals(s.observedGeneration, 5);
});

Deno.test("status: a resumed Manual replication is Pending again", () => {
  const suspended = suspendedStatus(
    statusAfterPass(undefined, report()),
    5,
    t1,
  );
  assertEquals(awaitingTokenStatus(suspended, 6, t1).phase, "Pending");
});

Deno.test("status: a pass while watch caches were loading is Syncing, not Synced, and no success", () => {
  const before = statusAfterPass(undefined, report());
  const loading = ["source configmaps", "source deployments", "DR services"];
  const s = statusAfterPass(
    before,
    report({
      finishedAt: new Date("2026-11-26T10:05:00Z"),
      loadingCaches: loading,
    }),
  );
  assertEquals(s.phase, "Syncing");
  assertEquals(s.lastSuccessfulSyncTime, before.lastSuccessfulSyncTime);
  assertEquals(s.lastSyncTime, "2026-11-26T10:05:00Z");
  for (const type of ["Ready", "Synced"]) {
    const c = findCondition(s.conditions, type);
    assertEquals([c?.status, c?.reason], ["False", "CachesLoading"]);
    assertEquals(
      c?.message,
      "watch caches still loading (source configmaps, source deployments, DR services); objects they hold are copied by the next pass",
    );
  }
  // Anything worse still says so first.
  const failed = statusAfterPass(
    before,
    report({
      loadingCaches: loading,
      results: [result({ state: "DestinationUnavailable", message: "down" })],
    }),
  );
  assertEquals(failed.phase, "Degraded");
  assertEquals(
    findCondition(failed.conditions, "Ready")?.reason,
    "DestinationUnavailable",
  );
});
