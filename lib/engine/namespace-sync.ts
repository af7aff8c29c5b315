/**
 * One full sync of one namespace pair: gather (source and DR objects of the
 * selected types) → pure plan (lib/sync) → apply → guarded prune. The
 * controller and the `sync` command both run exactly this.
 *
 *   source ns missing/terminating ──► nothing written, nothing pruned
 *   DR ns promoted               ──► nothing written (DestinationPromoted)
 *   otherwise: ensure DR ns → copies in write order → prunes past the guard
 *
 * Every write goes through the write fence (write-fence.ts), asked again
 * before each write rank: a promote that lands mid-pass stops the pass at
 * the next rank, with no prune, as DestinationPromoted.
 */
import {
  ANNOTATION_PROMOTED,
  type NamespacePair,
  type SyncCounts,
} from "../api/v1alpha1.ts";
import {
  type NamespacePlan,
  type NamespacePlanInput,
  planNamespace,
  type PlannedAction,
} from "../sync/plan.ts";
import type { PrunePlan } from "../sync/prune.ts";
import { guardedPrunes } from "./prune-budget.ts";
import { type KubeObject, objectKey } from "../sync/types.ts";
import { applyActions, applyDeletes } from "./apply.ts";
import { ensureNamespace } from "./namespace-object.ts";
import { type ActionOutcome, countOutcome, emptyCounts } from "./outcome.ts";
import { type DesiredSet, gatherNamespace } from "./gather.ts";
import { NAMESPACES } from "./ports.ts";
import type { NamespaceSyncInput, ReplicationSettings } from "./sync-input.ts";

export type {
  NamespaceSyncInput,
  PruneState,
  ReplicationSettings,
} from "./sync-input.ts";
import { promotedOnlyFence, type WriteFence } from "./write-fence.ts";

export type NamespaceState =
  | "Synced"
  | "SourceNamespaceMissing"
  | "DestinationPromoted"
  | "DestinationUnavailable";

export interface NamespaceSyncResult {
  pair: NamespacePair;
  state: NamespaceState;
  message?: string;
  namespaceOutcome?: ActionOutcome;
  plan?: NamespacePlan;
  prune?: PrunePlan;
  outcomes: ActionOutcome[];
  warnings: string[];
  counts: SyncCounts;
}

function isGoneOrGoing(ns: KubeObject | undefined): boolean {
  return !ns || ns.metadata.deletionTimestamp !== undefined;
}

function stopped(
  pair: NamespacePair,
  state: NamespaceState,
  message: string,
  namespaceOutcome?: ActionOutcome,
): NamespaceSyncResult {
  return {
    pair,
    state,
    message,
    namespaceOutcome,
    outcomes: [],
    warnings: [],
    counts: emptyCounts(),
  };
}

function fencedState(reason: string): NamespaceState {
  return reason === "DestinationPromoted"
    ? "DestinationPromoted"
    : "DestinationUnavailable";
}

/** See the module comment. */
export async function syncNamespace(
  unfenced: NamespaceSyncInput,
): Promise<NamespaceSyncResult> {
  const fence = unfenced.fence ??
    promotedOnlyFence((n) => unfenced.writer.get(NAMESPACES, undefined, n));
  const input = { ...unfenced, fence, writer: fence.guard(unfenced.writer) };
  const { pair } = input;
  const sourceNs = await input.source.getNamespace(pair.source);
  if (isGoneOrGoing(sourceNs)) {
    return stopped(
      pair,
      "SourceNamespaceMissing",
      `source namespace ${pair.source} is missing or terminating; its DR copy is kept as is`,
    );
  }
  const drNs = await input.dr.getNamespace(pair.destination);
  if (drNs?.metadata.annotations?.[ANNOTATION_PROMOTED]) {
    return await promotedResult(sourceNs!, input);
  }
  const nsOutcome = await ensureNamespace(sourceNs!, drNs, input);
  const closed = fence.closedFor(pair.destination);
  if (closed) {
    return stopped(pair, fencedState(closed.reason), closed.message, nsOutcome);
  }
  if (nsOutcome.status === "failed") {
    return stopped(
      pair,
      "DestinationUnavailable",
      nsOutcome.message ?? "",
      nsOutcome,
    );
  }
  const gathered = await gatherNamespace(sourceNs!, drNs !== undefined, input);
  if (gathered.drUnreadable) {
    return stopped(
      pair,
      "DestinationUnavailable",
      gathered.drUnreadable,
      nsOutcome,
    );
  }
  return await planAndApply(gathered, nsOutcome, input, drNs);
}

/**
 * Contract §2: a promoted DR namespace gets no writes, but the selected
 * source objects are still desired: each one is reported skipped, so the
 * counts say how much is not being copied.
 */
async function promotedResult(
  sourceNs: KubeObject,
  input: NamespaceSyncInput,
): Promise<NamespaceSyncResult> {
  const { pair } = input;
  const g = await gatherNamespace(sourceNs, true, input);
  const plan = planNamespace({
    ...planRulesOf(input.settings, pair.destination),
    destinationPromoted: true,
    desired: g.desired,
    current: g.current,
  });
  const outcomes: ActionOutcome[] = plan.actions.map((a) => ({
    action: a.action,
    key: a.key,
    kind: a.kind,
    namespace: pair.destination,
    name: a.name,
    status: "skipped",
    reason: "DestinationPromoted",
  }));
  const counts = emptyCounts();
  counts.desired = g.desired.length;
  for (const o of outcomes) countOutcome(counts, o);
  return {
    ...stopped(
      pair,
      "DestinationPromoted",
      `DR namespace ${pair.destination} is promoted; nothing is written into it`,
    ),
    outcomes,
    warnings: g.warnings,
    counts,
  };
}

async function planAndApply(
  g: DesiredSet,
  nsOutcome: ActionOutcome,
  input: NamespaceSyncInput & { fence: WriteFence },
  drNs: KubeObject | undefined,
): Promise<NamespaceSyncResult> {
  const { settings, pair } = input;
  const plan = planNamespace({
    ...planRulesOf(settings, pair.destination),
    desired: g.desired,
    current: g.current,
  });
  let applied = 0;
  let total = plan.actions.length;
  const ctx = {
    writer: input.writer,
    typeOf: input.drTypeOf,
    current: new Map(g.current.map((o) => [objectKey(o), o])),
    replan: replanOne(settings, pair.destination),
    namespace: pair.destination,
    concurrency: input.concurrency,
    dryRun: input.dryRun,
    served: input.drServes,
    pool: input.writePool,
    fence: input.fence,
    onApplied: () => input.onProgress?.(++applied, total),
  };
  const outcomes = await applyActions(plan.actions, ctx);
  const closed = input.fence.closedFor(pair.destination);
  if (closed) {
    // No prune either: the namespace is no longer ours to tidy.
    return {
      ...stopped(pair, fencedState(closed.reason), closed.message, nsOutcome),
      plan,
      outcomes,
      warnings: g.warnings,
      counts: countsOf(g, outcomes),
    };
  }
  const { prune, failure } = await guardedPrunes(
    {
      ownerValue: settings.ownerValue,
      sourceCluster: settings.sourceCluster,
      current: g.current,
      desiredKeys: g.keepKeys,
      pendingSince: input.prune.pendingSince,
      now: input.now,
      prune: settings.spec.prune,
      safety: settings.spec.pruneSafety,
      allowToken: input.prune.allowToken,
      sourceNamespaceExists: true,
    },
    drNs,
    input,
  );
  if (failure) outcomes.push(failure);
  outcomes.push(...await applyDeletes(prune.deletes, ctx));
  total += prune.deletes.length;
  input.onProgress?.(applied + prune.deletes.length, total);
  return {
    pair,
    state: "Synced",
    namespaceOutcome: nsOutcome,
    plan,
    prune,
    outcomes,
    warnings: g.warnings,
    counts: countsOf(g, outcomes),
  };
}

function countsOf(g: DesiredSet, outcomes: ActionOutcome[]): SyncCounts {
  const counts = emptyCounts();
  counts.desired = g.desired.length;
  for (const o of outcomes) countOutcome(counts, o);
  return counts;
}

/** The plan rules of a replication's writes into `destination`. */
export function planRulesOf(
  settings: Pick<ReplicationSettings, "ownerValue" | "spec" | "sourceCluster">,
  destination: string,
): Omit<NamespacePlanInput, "desired" | "current"> {
  return {
    destinationNamespace: destination,
    ownerValue: settings.ownerValue,
    sourceCluster: settings.sourceCluster,
    conflictPolicy: settings.spec.conflictPolicy,
    immutableFieldPolicy: settings.spec.immutableFieldPolicy,
    destinationPromoted: false,
  };
}

/** The same object planned again against a fresh read (after a 409). */
export function replanOne(
  settings: Pick<ReplicationSettings, "ownerValue" | "spec" | "sourceCluster">,
  destination: string,
): (desired: KubeObject, fresh: KubeObject) => PlannedAction {
  const rules = planRulesOf(settings, destination);
  return (desired, fresh) =>
    planNamespace({ ...rules, desired: [desired], current: [fresh] })
      .actions[0];
}
