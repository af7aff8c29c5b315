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
}

function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}

function phaseOf(r: PassReport, failures: number): ReplicationPhase {
  if (r.blocker) return "Failed";
  const odd = r.results.some((x) => x.state !== "Synced" || x.prune?.blocked);
  return failures > 0 || odd || r.notes.length > 0 ? "Degraded" : "Synced";
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
    : { type: "Synced", status: "True", reason: "SyncSucceeded", message: "" };
  return [
    phase === "Synced"
      ? { type: "Ready", status: "True", reason: "Synced", message: "" }
      : {
        type: "Ready",
        status: "False",
        // A mapping problem (DestinationConflict, ProtectedNamespace...)
        // says more than "Degraded".
        reason: r.blocker?.reason ?? r.notes[0]?.reason ?? phase,
        message: r.blocker?.message ??
          r.notes.map((n) => n.message).join("; "),
      },
    synced,
    r.remoteReady,
    flag(
      "PruneBlocked",
      blocked.length > 0,
      "MassDeletion",
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
  const ok = !r.blocker && counts.failed === 0;
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
    counts,
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
