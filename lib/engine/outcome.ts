/** What happened to each planned action, and the counts status reports. */
import type { ObjectFailure, SyncCounts } from "../api/v1alpha1.ts";
import type { ActionType } from "../sync/plan.ts";

/** planned: dry run, nothing was sent. */
export type OutcomeStatus =
  | "done"
  | "unchanged"
  | "skipped"
  | "failed"
  | "planned";

export interface ActionOutcome {
  action: ActionType | "delete";
  key: string;
  kind: string;
  namespace: string;
  name: string;
  status: OutcomeStatus;
  /** CamelCase reason: the plan's, the API's (Invalid, Forbidden...) or ours. */
  reason?: string;
  message?: string;
  /** A later attempt may succeed without any change by the user. */
  transient?: boolean;
}

/** Which object and which action an outcome is about. */
export type OutcomeSubject = Pick<
  ActionOutcome,
  "action" | "key" | "kind" | "namespace" | "name"
>;

/** The one builder of a failed outcome. */
export function failed(
  subject: OutcomeSubject,
  why: { reason: string; message: string; transient: boolean },
): ActionOutcome {
  return {
    ...subject,
    status: "failed",
    reason: why.reason,
    message: why.message,
    transient: why.transient,
  };
}

export function emptyCounts(): SyncCounts {
  return {
    desired: 0,
    inSync: 0,
    created: 0,
    updated: 0,
    deleted: 0,
    skipped: 0,
    failed: 0,
  };
}

/** Adds one outcome to the counts (desired is counted by the caller). */
export function countOutcome(counts: SyncCounts, o: ActionOutcome): void {
  if (o.status === "failed") counts.failed++;
  else if (o.status === "skipped") counts.skipped++;
  else if (o.status === "unchanged") counts.inSync++;
  else if (o.status === "done") {
    if (o.action === "create") counts.created++;
    else if (o.action === "delete") counts.deleted++;
    else counts.updated++;
  }
}

export function addCounts(into: SyncCounts, more: SyncCounts): void {
  for (const k of Object.keys(into) as (keyof SyncCounts)[]) {
    into[k] += more[k];
  }
}

/** Refusals about an object found on the DR side, not about its source. */
const DR_SIDE_CONFLICTS = new Set([
  "NotOwned",
  "OwnedByOtherReplication",
  "OwnedByOtherSourceCluster",
]);

/**
 * The status.failures entry of a failed or refused action. Entries name the
 * source object; a conflict is about the DR object in the way, so its
 * message names where that one is (`o.namespace`, the DR namespace).
 */
export function toFailure(
  o: ActionOutcome,
  sourceNamespace: string,
): ObjectFailure {
  const reason = o.reason ?? "Failed";
  const message = o.message ?? "";
  const where = o.namespace ? `${o.namespace}/${o.name}` : o.name;
  return {
    kind: o.kind,
    namespace: sourceNamespace,
    name: o.name,
    reason,
    message: DR_SIDE_CONFLICTS.has(reason)
      ? `DR ${o.kind} ${where} ${message}`
      : message,
  };
}
