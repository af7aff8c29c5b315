/**
 * The status of a NamespaceReplication, computed from one pass. Pure: the
 * same pass gives the same status (conditions keep their transition times),
 * so the reconciler writes only when something really changed.
 *
 * Phase:  Suspended  spec.suspend
 *         Failed     the pass could not run (invalid spec, remote not ready)
 *         Degraded   it ran, but something is not copied (failures, conflicts,
 *                    blocked prunes, promoted or missing namespaces)
 *         Synced     everything desired is on the DR side
 *         Pending    no pass has run yet
 */
import {
  type Condition,
  MAX_STATUS_FAILURES,
  type NamespaceReplicationStatus,
  type ObjectFailure,
  type ReplicationPhase,
  type SyncCounts,
} from "../api/v1alpha1.ts";
import { type ConditionInput, setCondition } from "../conditions.ts";
import { formatDuration } from "../sync/duration.ts";
import type { NamespaceSyncResult } from "./namespace-sync.ts";
import { addCounts, emptyCounts, toFailure } from "./outcome.ts";

/** Why a pass could not run at all. */
export interface Blocker {
  reason: string;
  message: string;
}

export interface PassReport {
  generation: number;
  startedAt: Date;
  finishedAt: Date;
  /** Results of the namespaces synced in this pass (none when blocked). */
  results: NamespaceSyncResult[];
  /** Set when nothing could run: invalid spec, remote not ready... */
  blocker?: Blocker;
  /** Mapping-level problems that did not stop the pass. */
  notes: ObjectFailure[];
  remoteReady: ConditionInput;
  nextSyncTime?: Date;
  lastManualTrigger?: string;
  lastMassPruneApproval?: string;
  /**
   * Watch caches that were still loading: the pass saw only part of the
   * source or DR, so it is not a sync (phase Syncing, retried soon).
   */
  loadingCaches?: string[];
}

const LOADING_SHOWN = 5;

function loadingMessage(caches: string[]): string {
  const shown = caches.slice(0, LOADING_SHOWN).join(", ");
  const more = caches.length > LOADING_SHOWN
    ? ` and ${caches.length - LOADING_SHOWN} more`
    : "";
  return `watch caches still loading (${shown}${more}); objects they hold are copied by the next pass`;
}

function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}

function phaseOf(r: PassReport, failures: number): ReplicationPhase {
  if (r.blocker) return "Failed";
  const odd = r.results.some((x) => x.state !== "Synced" || x.prune?.blocked);
  if (failures > 0 || odd || r.notes.length > 0) return "Degraded";
  return r.loadingCaches?.length ? "Syncing" : "Synced";
}

function flag(
  type: string,
  on: boolean,
  reason: string,
  message: string,
): ConditionInput {
  return on
    ? { type, status: "True", reason, message }
    : { type, status: "False", reason: "None", message: "" };
}

function namesIn(results: NamespaceSyncResult[], state: string): string[] {
  return results.filter((x) => x.state === state).map((x) =>
    x.pair.destination
  );
}

function conditionsOf(
  r: PassReport,
  phase: ReplicationPhase,
  failed: number,
): ConditionInput[] {
  const blocked = r.results.filter((x) => x.prune?.blocked);
  const promoted = namesIn(r.results, "DestinationPromoted");
  const missing = r.results.filter((x) => x.state === "SourceNamespaceMissing")
    .map((x) => x.pair.source);
  const synced: ConditionInput = r.blocker
    ? {
      type: "Synced",
      status: "False",
      reason: r.blocker.reason,
      message: r.blocker.message,
    }
    : failed > 0
    ? {
      type: "Synced",
      status: "False",
      reason: "ObjectsFailed",
      message: `${failed} object(s) failed`,
    }
    : r.loadingCaches?.length
    ? {
      type: "Synced",
      status: "False",
      reason: "CachesLoading",
      message: loadingMessage(r.loadingCaches),
    }
    : { type: "Synced", status: "True", reason: "SyncSucceeded", message: "" };
  return [
    phase === "Synced"
      ? { type: "Ready", status: "True", reason: "Synced", message: "" }
      : { type: "Ready", status: "False", ...notReady(r, failed) },
    synced,
    r.remoteReady,
    flag(
      "PruneBlocked",
      blocked.length > 0,
      blocked[0]?.prune?.blocked?.reason ?? "MassDeletion",
      blocked.map((x) => x.prune!.blocked!.message).join("; "),
    ),
    flag(
      "DestinationPromoted",
      promoted.length > 0,
      "Promoted",
      promoted.join(", "),
    ),
    flag(
      "SourceNamespaceMissing",
      missing.length > 0,
      "NotFound",
      missing.join(", "),
    ),
  ];
}

/**
 * Why a pass that ran is not Synced, most serious first: the user reads
 * Ready's reason and message before anything else.
 */
function notReady(
  r: PassReport,
  failed: number,
): { reason: string; message: string } {
  if (r.blocker) return r.blocker;
  const promoted = namesIn(r.results, "DestinationPromoted");
  if (promoted.length > 0) {
    return {
      reason: "DestinationPromoted",
      message: `DR namespace ${
        promoted.join(", ")
      } is promoted: nothing is written into it until it is demoted`,
    };
  }
  const missing = r.results.filter((x) => x.state === "SourceNamespaceMissing")
    .map((x) => x.pair.source);
  if (missing.length > 0) {
    return {
      reason: "SourceNamespaceMissing",
      message: `source namespace ${
        missing.join(", ")
      } is missing; its DR copy is kept as is`,
    };
  }
  const blocked = r.results.filter((x) => x.prune?.blocked);
  if (blocked.length > 0) {
    return {
      reason: "PruneBlocked",
      message: blocked.map((x) =>
        `${x.pair.destination}: ${x.prune!.blocked!.message}`
      ).join("; "),
    };
  }
  const unavailable = r.results.find((x) =>
    x.state === "DestinationUnavailable"
  );
  if (unavailable) {
    return {
      reason: "DestinationUnavailable",
      message: `${unavailable.pair.destination}: ${unavailable.message ?? ""}`,
    };
  }
  // A mapping problem (DestinationConflict, ProtectedNamespace...) says
  // more than "Degraded".
  if (r.notes.length > 0) {
    return {
      reason: r.notes[0].reason,
      message: r.notes.map((n) => n.message).join("; "),
    };
  }
  if (failed > 0) {
    return { reason: "ObjectsFailed", message: `${failed} object(s) failed` };
  }
  if (r.loadingCaches?.length) {
    return {
      reason: "CachesLoading",
      message: loadingMessage(r.loadingCaches),
    };
  }
  return { reason: "Degraded", message: "" };
}

/**
 * Contract §2: created/updated/deleted are the writes of the last pass that
 * wrote anything, so a pass with nothing to do keeps them; a pass that
 * could not run says nothing about the DR copy, so every count is kept.
 */
function countsAfter(
  previous: SyncCounts | undefined,
  counts: SyncCounts,
  blocked: boolean,
): SyncCounts {
  if (!previous) return counts;
  if (blocked) return previous;
  const wrote = counts.created + counts.updated + counts.deleted > 0;
  if (wrote) return counts;
  const { created, updated, deleted } = previous;
  return { ...counts, created, updated, deleted };
}

/** The status after a pass; `previous` supplies kept fields and transition times. */
export function statusAfterPass(
  previous: NamespaceReplicationStatus | undefined,
  r: PassReport,
): NamespaceReplicationStatus {
  const counts = emptyCounts();
  const failures: ObjectFailure[] = [...r.notes];
  for (const x of r.results) {
    addCounts(counts, x.counts);
    const failedHere = [...x.outcomes, x.namespaceOutcome]
      .filter((o) => o?.status === "failed");
    for (const o of failedHere) failures.push(toFailure(o!, x.pair.source));
    if (x.namespaceOutcome?.status === "failed") counts.failed++;
  }
  const phase = phaseOf(r, counts.failed);
  let conditions: Condition[] = previous?.conditions ?? [];
  for (const c of conditionsOf(r, phase, counts.failed)) {
    conditions = setCondition(conditions, c, r.finishedAt, r.generation);
  }
  // Contract §2: only a pass that left everything copied is a success; a
  // promoted, missing, prune-blocked or failing namespace is not.
  const ok = phase === "Synced";
  return {
    phase,
    conditions,
    observedGeneration: r.generation,
    lastSyncTime: rfc3339(r.finishedAt),
    lastSuccessfulSyncTime: ok
      ? rfc3339(r.finishedAt)
      : previous?.lastSuccessfulSyncTime,
    lastSyncDuration: formatDuration(
      r.finishedAt.getTime() - r.startedAt.getTime(),
    ),
    nextSyncTime: r.nextSyncTime ? rfc3339(r.nextSyncTime) : undefined,
    lastManualTrigger: r.lastManualTrigger ?? previous?.lastManualTrigger,
    lastMassPruneApproval: r.lastMassPruneApproval ??
      previous?.lastMassPruneApproval,
    counts: countsAfter(previous?.counts, counts, r.blocker !== undefined),
    namespaces: r.results.map((x) => ({
      source: x.pair.source,
      destination: x.pair.destination,
      objects: x.counts.desired,
      failed: x.counts.failed,
    })),
    failures: failures.slice(0, MAX_STATUS_FAILURES),
    blockedPrunes: r.results.flatMap((x) => x.prune?.blocked?.objects ?? [])
      .slice(0, MAX_STATUS_FAILURES),
  };
}

/** Status for a suspended replication: everything else is kept. */
export function suspendedStatus(
  previous: NamespaceReplicationStatus | undefined,
  generation: number,
  now: Date,
): NamespaceReplicationStatus {
  const conditions = setCondition(
    previous?.conditions,
    {
      type: "Ready",
      status: "False",
      reason: "Suspended",
      message: "spec.suspend is true",
    },
    now,
    generation,
  );
  return {
    ...previous,
    phase: "Suspended",
    conditions,
    observedGeneration: generation,
  };
}

/**
 * A Manual replication that has not synced its current spec yet: the spec
 * is acknowledged (observedGeneration) without a sync, and one that never
 * synced (or was just resumed) is Pending until a sync-now token arrives.
 */
export function awaitingTokenStatus(
  previous: NamespaceReplicationStatus | undefined,
  generation: number,
  now: Date,
): NamespaceReplicationStatus {
  const fresh = !previous?.phase || previous.phase === "Suspended";
  if (!fresh) return { ...previous, observedGeneration: generation };
  const conditions = setCondition(
    previous?.conditions,
    {
      type: "Ready",
      status: "False",
      reason: "AwaitingSyncNow",
      message: "Manual mode: set drsyncer.io/sync-now to a new value to sync",
    },
    now,
    generation,
  );
  return {
    ...previous,
    phase: "Pending",
    conditions,
    observedGeneration: generation,
  };
}

/** Drops undefined fields so two statuses compare by content. */
export function normalizeStatus<T>(value: T): T {
  return JSON.parse(JSON.stringify(value));
}

/** Writes of Continuous mode's per-object syncs, gathered between flushes. */
export interface ObjectWrites {
  created: number;
  updated: number;
  deleted: number;
}

/**
 * Status after a batch of per-object writes (contract §2: they reach
 * status). The batch counts as the last pass that wrote anything; a created
 * copy is desired and in sync from now on, an updated one is in sync again.
 * The next full pass recounts everything from the clusters.
 */
export function statusAfterObjectWrites(
  previous: NamespaceReplicationStatus | undefined,
  writes: ObjectWrites,
  at: Date,
): NamespaceReplicationStatus {
  const before = previous?.counts ?? emptyCounts();
  const desired = Math.max(0, before.desired + writes.created - writes.deleted);
  const inSync = Math.min(
    desired,
    before.inSync + writes.created + writes.updated,
  );
  return {
    ...previous,
    lastSyncTime: rfc3339(at),
    counts: { ...before, ...writes, desired, inSync },
  };
}
