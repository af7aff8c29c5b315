/**
 * Which DR copies to delete because their source is gone, guarded so that a
 * mass deletion on the source (a broken deploy, a wiped namespace) is held
 * back instead of being mirrored into the DR cluster.
 *
 * One orphan (an owned copy whose key is no longer desired), each pass:
 *
 *   (not orphaned) --first seen orphaned--> PENDING   since = now
 *         ^                                    |
 *         |  desired again                     | now >= since + delay
 *         +---- (from any state) ----          v
 *                                             DUE
 *                                              |
 *      guard, over ALL pending of the namespace (due or not):
 *      pending >= minObjects AND pending / owned > maxDeleteFraction ?
 *      or budget: prunedLastHour + due > maxDeletesPerHour ?
 *                 | no                                      | yes
 *                 v                                         v
 *              DELETED <---- allow-mass-prune token ---- BLOCKED
 *                            differs from the last       nothing deleted,
 *                            handled one: every pending  all pending listed
 *                            one goes (the set the user
 *                            approved, due or not), token
 *                            returned as consumed (once
 *                            per token)
 *
 * Then the hourly budget (maxDeletesPerHour, memory in prune-budget.ts):
 * when the deletes about to run plus those already made in the last hour
 * exceed it, they are BLOCKED as a whole too (reason BudgetExceeded), and
 * the same token releases them. So a mass deletion trickled in below the
 * fraction guard (a few per pass) is still caught.
 *
 * The caller offers a token only for a namespace whose prunes were already
 * reported blocked, so a token set in advance never pre-approves the next
 * mass deletion.
 *
 * Missing source namespace or prune off: nothing is pending at all.
 */
import {
  ANNOTATION_ALLOW_MASS_PRUNE,
  LABEL_REPLICATION,
  LABEL_SOURCE_CLUSTER,
} from "../api/v1alpha1.ts";
import { isAdopted, isClusterMade } from "./cluster-made.ts";
import type { BlockedPrune } from "../api/v1alpha1.ts";
import { sortForDelete } from "./order.ts";
import { type KubeObject, objectKey } from "./types.ts";

/** The guard settings of pruneSafety, already parsed. */
export interface PruneSafety {
  delayMs: number;
  maxDeleteFraction: number;
  minObjects: number;
  /** Cumulative budget per DR namespace and hour (absent: none). */
  maxDeletesPerHour?: number;
}

/** Everything the prune decision looks at for one DR namespace. */
export interface PruneInput {
  ownerValue: string;
  /** This source cluster's identity; other clusters' copies are never pruned. */
  sourceCluster?: string;
  /** DR objects of the selected types in the namespace, owned or not. */
  current: KubeObject[];
  /** objectKey() of every desired copy (source objects that map here). */
  desiredKeys: ReadonlySet<string>;
  /** When each orphan was first seen; kept by the caller between passes. */
  pendingSince: ReadonlyMap<string, Date>;
  now: Date;
  prune: boolean;
  safety: PruneSafety;
  /** drsyncer.io/allow-mass-prune now, and the value last acted upon. */
  allowToken: { current?: string; lastHandled?: string };
  sourceNamespaceExists: boolean;
  /** Copies pruned from this DR namespace in the last hour (the budget's memory). */
  prunedLastHour?: number;
}

/** An orphaned copy and when it may be deleted. */
export interface PruneCandidate {
  key: string;
  kind: string;
  name: string;
  object: KubeObject;
  dueAt: Date;
}

export type PruneInactiveReason = "SourceNamespaceMissing" | "PruneDisabled";

/** The outcome: deletes to run now (in delete order) and what waits. */
export interface PrunePlan {
  deletes: PruneCandidate[];
  waiting: { key: string; dueAt: Date }[];
  /** Earliest waiting dueAt: when to look again. */
  nextDueAt?: Date;
  blocked?: {
    reason: "MassDeletion" | "BudgetExceeded";
    message: string;
    objects: BlockedPrune[];
    pending: number;
    total: number;
  };
  /** Replaces the caller's pendingSince. */
  nextPendingSince: Map<string, Date>;
  /** Record as handled: this token let blocked deletes through. */
  consumedAllowToken?: string;
  /** Why nothing at all is considered. */
  inactive?: PruneInactiveReason;
}

function isOwnedCopy(
  o: KubeObject,
  owner: string,
  sourceCluster: string | undefined,
): boolean {
  // Never the namespace itself: a DR namespace outlives its source. A copy
  // already being deleted is out of the picture: not counted, not deleted.
  // Nor what existed before us (adopted, or made by the cluster; an older
  // version labelled the `default` ServiceAccount), nor another source
  // cluster's copy that happens to carry the same replication name.
  const cluster = o.metadata.labels?.[LABEL_SOURCE_CLUSTER];
  return o.kind !== "Namespace" && !o.metadata.deletionTimestamp &&
    o.metadata.labels?.[LABEL_REPLICATION] === owner &&
    !isAdopted(o) && !isClusterMade(o) &&
    !(sourceCluster !== undefined && cluster !== undefined &&
      cluster !== sourceCluster);
}

function inactive(reason: PruneInactiveReason): PrunePlan {
  return {
    deletes: [],
    waiting: [],
    nextPendingSince: new Map(),
    inactive: reason,
  };
}

/** Orphans with their timers; keys that are desired again drop out. */
function candidates(input: PruneInput, owned: KubeObject[]) {
  const since = new Map<string, Date>();
  const list: PruneCandidate[] = [];
  for (const object of owned) {
    const key = objectKey(object);
    if (input.desiredKeys.has(key)) continue;
    const first = input.pendingSince.get(key) ?? input.now;
    since.set(key, first);
    const dueAt = new Date(first.getTime() + input.safety.delayMs);
    list.push({
      key,
      kind: object.kind,
      name: object.metadata.name,
      object,
      dueAt,
    });
  }
  return { since, list };
}

/** Mass-deletion guard: strictly above the fraction, and enough objects. */
export function guardTrips(
  pending: number,
  total: number,
  safety: PruneSafety,
): boolean {
  if (pending === 0 || total === 0) return false;
  return pending >= safety.minObjects &&
    pending / total > safety.maxDeleteFraction;
}

function blockedInfo(list: PruneCandidate[], pending: number, total: number) {
  const objects = sortForDelete(list).map((c) => ({
    kind: c.kind,
    namespace: c.object.metadata.namespace ?? "",
    name: c.name,
  }));
  return {
    reason: "MassDeletion" as const,
    message: `${pending} of ${total} copies would be pruned; set ` +
      `${ANNOTATION_ALLOW_MASS_PRUNE} to a new value to allow it`,
    objects,
    pending,
    total,
  };
}

/** Decides which orphaned copies of one DR namespace are deleted now. */
export function planPrunes(input: PruneInput): PrunePlan {
  if (!input.sourceNamespaceExists) return inactive("SourceNamespaceMissing");
  if (!input.prune) return inactive("PruneDisabled");
  const owned = input.current.filter((o) =>
    isOwnedCopy(o, input.ownerValue, input.sourceCluster)
  );
  const { since, list } = candidates(input, owned);
  const now = input.now.getTime();
  const due = list.filter((c) => c.dueAt.getTime() <= now);
  const waiting = list.filter((c) => c.dueAt.getTime() > now)
    .map(({ key, dueAt }) => ({ key, dueAt }));
  const nextDueAt = waiting.reduce<Date | undefined>(
    (min, w) => (!min || w.dueAt < min ? w.dueAt : min),
    undefined,
  );
  const plan: PrunePlan = { deletes: [], waiting, nextPendingSince: since };
  if (nextDueAt) plan.nextDueAt = nextDueAt;
  const token = input.allowToken.current;
  const approved = !!token && token !== input.allowToken.lastHandled;
  const tripped = guardTrips(list.length, owned.length, input.safety);
  const overBudget = !tripped && budgetExceeded(due.length, input);
  if (!tripped && !overBudget) {
    plan.deletes = sortForDelete(due);
  } else if (approved) {
    // The approval covers the blocked set as reported, due or not: letting
    // only the due ones through would use the token up and block the rest
    // again a moment later.
    plan.deletes = sortForDelete(list);
    plan.waiting = [];
    delete plan.nextDueAt;
    plan.consumedAllowToken = token;
  } else if (overBudget) {
    plan.blocked = budgetBlockedInfo(list, input, owned.length);
  } else {
    plan.blocked = blockedInfo(list, list.length, owned.length);
  }
  return plan;
}

function budgetExceeded(deletes: number, input: PruneInput): boolean {
  const max = input.safety.maxDeletesPerHour;
  if (max === undefined || deletes === 0) return false;
  return (input.prunedLastHour ?? 0) + deletes > max;
}

function budgetBlockedInfo(
  list: PruneCandidate[],
  input: PruneInput,
  total: number,
) {
  const info = blockedInfo(list, list.length, total);
  const done = input.prunedLastHour ?? 0;
  return {
    ...info,
    reason: "BudgetExceeded" as const,
    message: `${done} copies were pruned in the last hour and ${list.length} ` +
      `more are pending, over pruneSafety.maxDeletesPerHour ` +
      `(${input.safety.maxDeletesPerHour}); set ${ANNOTATION_ALLOW_MASS_PRUNE} ` +
      "to a new value to allow it",
  };
}
