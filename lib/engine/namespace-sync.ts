/**
 * One full sync of one namespace pair: gather (source and DR objects of the
 * selected types) → pure plan (lib/sync) → apply → guarded prune. The
 * controller and the `sync` command both run exactly this.
 *
 *   source ns missing/terminating ──► nothing written, nothing pruned
 *   DR ns promoted               ──► nothing written (DestinationPromoted)
 *   otherwise: ensure DR ns → copies in write order → prunes past the guard
 */
import {
  ANNOTATION_PROMOTED,
  type NamespacePair,
  type SyncCounts,
} from "../api/v1alpha1.ts";
import type { CopyContext } from "../sync/filter.ts";
import { type NamespacePlan, planNamespace } from "../sync/plan.ts";
import type { PrunePlan } from "../sync/prune.ts";
import { guardedPrunes } from "./prune-budget.ts";
import type { ResolvedSpec } from "../sync/replication-spec.ts";
import { type ApiResource, type KubeObject, objectKey } from "../sync/types.ts";
import { applyActions, applyDeletes } from "./apply.ts";
import { ensureNamespace } from "./namespace-object.ts";
import { type ActionOutcome, countOutcome, emptyCounts } from "./outcome.ts";
import type { Slots } from "./pool.ts";
import { type DesiredSet, gatherNamespace } from "./gather.ts";
import type { ClusterReader, ClusterWriter } from "./ports.ts";

/** A replication's settings, resolved once per pass. */
export interface ReplicationSettings {
  ownerValue: string;
  /**
   * drsyncer.io/source-cluster of our copies: another source cluster's
   * copies in the same DR namespace are never updated, pruned or scaled.
   */
  sourceCluster?: string;
  spec: ResolvedSpec;
  /** Selected resource types (discovery on the source). */
  types: readonly ApiResource[];
  copyContext: Omit<CopyContext, "namespace">;
}

/** State the caller keeps between passes for one namespace. */
export interface PruneState {
  pendingSince: ReadonlyMap<string, Date>;
  allowToken: { current?: string; lastHandled?: string };
}

export interface NamespaceSyncInput {
  pair: NamespacePair;
  /** NamespaceMapping spec.copyNamespaceMetadata of the pair's mapping. */
  copyNamespaceMetadata: boolean;
  settings: ReplicationSettings;
  source: ClusterReader;
  dr: ClusterReader;
  writer: ClusterWriter;
  /** The DR type of a planned object (kind → resource). */
  drTypeOf(o: Pick<KubeObject, "apiVersion" | "kind">): ApiResource;
  /** Whether the DR cluster serves a type (absent: assume it does). */
  drServes?(type: ApiResource): boolean;
  /** Writes in flight shared with the other pairs of a pass. */
  writeSlots?: Slots;
  prune: PruneState;
  now: Date;
  concurrency: number;
  dryRun: boolean;
  /** Objects written or checked so far, of the total planned (progress). */
  onProgress?: (done: number, total: number) => void;
}

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

/** See the module comment. */
export async function syncNamespace(
  input: NamespaceSyncInput,
): Promise<NamespaceSyncResult> {
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
    ...planInputOf(input),
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
  input: NamespaceSyncInput,
  drNs: KubeObject | undefined,
): Promise<NamespaceSyncResult> {
  const { settings, pair } = input;
  const plan = planNamespace({
    ...planInputOf(input),
    desired: g.desired,
    current: g.current,
  });
  let applied = 0;
  let total = plan.actions.length;
  const ctx = {
    writer: input.writer,
    typeOf: input.drTypeOf,
    current: new Map(g.current.map((o) => [objectKey(o), o])),
    replan: (desired: KubeObject, fresh: KubeObject) =>
      planNamespace({
        ...planInputOf(input),
        desired: [desired],
        current: [fresh],
      })
        .actions[0],
    namespace: pair.destination,
    concurrency: input.concurrency,
    dryRun: input.dryRun,
    served: input.drServes,
    slots: input.writeSlots,
    onApplied: () => input.onProgress?.(++applied, total),
  };
  const outcomes = await applyActions(plan.actions, ctx);
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
  const counts = emptyCounts();
  counts.desired = g.desired.length;
  for (const o of outcomes) countOutcome(counts, o);
  return {
    pair,
    state: "Synced",
    namespaceOutcome: nsOutcome,
    plan,
    prune,
    outcomes,
    warnings: g.warnings,
    counts,
  };
}

function planInputOf(input: NamespaceSyncInput) {
  return {
    destinationNamespace: input.pair.destination,
    ownerValue: input.settings.ownerValue,
    sourceCluster: input.settings.sourceCluster,
    conflictPolicy: input.settings.spec.conflictPolicy,
    immutableFieldPolicy: input.settings.spec.immutableFieldPolicy,
    destinationPromoted: false,
  };
}
