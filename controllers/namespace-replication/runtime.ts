/**
 * What the replication controller remembers about one NamespaceReplication
 * between reconciles: when the next full pass is due, prune timers, the
 * watches it holds in Continuous mode, and what the last pass resolved
 * (pairs, settings) so single-object syncs need no re-resolution.
 *
 * The pass bookkeeping (dirty, passGeneration, dueAt, blocked) changes only
 * through the named transitions below:
 *
 *   markDirty ──► dirty ──passStarted──► running ──passFinished──► idle (dueAt)
 *        ▲                                 │ throws: markDirty
 *        └── watch events, wakes, failed object writes, retries (retryAt)
 */
import type { DrClaim } from "./remote-caches.ts";
import type { NamespacePair, ReplicationMode } from "../../lib/api/v1alpha1.ts";
import type { Informer } from "../../lib/informer/informer.ts";
import type { InformerLease } from "../../lib/informer/shared.ts";
import type { ClusterClient } from "../../lib/kube/client.ts";
import type { ApiCluster } from "../../lib/engine/api-ports.ts";
import type { ReplicationSettings } from "../../lib/engine/namespace-sync.ts";
import type { ObjectWrites } from "../../lib/engine/status.ts";
import type { ApiResource } from "../../lib/sync/types.ts";

export interface ResolvedPair extends NamespacePair {
  copyNamespaceMetadata: boolean;
}

/** Continuous-mode watches and the writer they pair with. */
export interface LiveView {
  remote: string;
  drClient: ClusterClient;
  drApi: ApiCluster;
  /** Source informers (one namespace each, shared) by sourceWatchKey. */
  sourceLeases: Map<string, InformerLease>;
  /** DR informers (owned objects) by groupResource. */
  drInformers: Map<string, Informer>;
  drNamespaces: Informer;
  /** This replication's DR namespaces, claimed in the DR caches. */
  drClaim: DrClaim;
}

export interface ReplicationRuntime {
  name: string;
  firstSeenAt: number;
  mode?: ReplicationMode;
  /** metadata.generation the last pass ran with. */
  passGeneration?: number;
  /** Next full pass (epoch ms); undefined: only on demand. */
  dueAt?: number;
  /** Something outside the spec changed: run a full pass on next reconcile. */
  dirty: boolean;
  /** The last pass could not run at all (e.g. remote not ready). */
  blocked: boolean;
  lastSyncNowHandled?: string;
  lastAllowHandled?: string;
  pairs: ResolvedPair[];
  /** Each mapping's pairs as the last pass resolved them (canonicalPairs). */
  mappingPairs?: Map<string, string>;
  settings?: ReplicationSettings;
  typeByGroupKind: Map<string, ApiResource>;
  /** Prune timers per destination namespace. */
  pendingSince: Map<string, Map<string, Date>>;
  live?: LiveView;
  /** Work keys queued for this replication by its own watches. */
  pending: Set<string>;
  /** Of those, how many run now. */
  working: number;
  /** The last pass left everything copied, and no object failed since. */
  clean: boolean;
  /** The spec warnings last reported as an Event. */
  specWarnings?: string;
  /** Per-object writes not yet in status (flushed at most every few s). */
  objectWrites?: ObjectWrites;
}

export function newRuntime(name: string, now: number): ReplicationRuntime {
  return {
    name,
    firstSeenAt: now,
    dirty: true,
    blocked: false,
    pairs: [],
    typeByGroupKind: new Map(),
    pendingSince: new Map(),
    pending: new Set(),
    working: 0,
    clean: false,
  };
}

/** Something outside the spec changed: the next reconcile runs a full pass. */
export function markDirty(rt: ReplicationRuntime): void {
  rt.dirty = true;
}

/**
 * A full pass starts. Dirty is consumed now, not after the pass: a wake
 * that arrives while the pass runs must make another pass.
 */
export function passStarted(rt: ReplicationRuntime): void {
  rt.dirty = false;
}

/** A full pass finished: what it ran with and when the next one is due. */
export function passFinished(
  rt: ReplicationRuntime,
  pass: { generation?: number; blocked: boolean; dueAt?: number },
): void {
  rt.passGeneration = pass.generation;
  rt.blocked = pass.blocked;
  rt.dueAt = pass.dueAt;
}

/** After a restart: the schedule status recorded, as if that pass just ran. */
export function scheduleRestored(
  rt: ReplicationRuntime,
  restored: { generation?: number; dueAt: number },
): void {
  rt.passGeneration = restored.generation;
  rt.dueAt = restored.dueAt;
  rt.dirty = false;
}

/** A retry after transient failures: dirty, and due no later than `at`. */
export function retryAt(rt: ReplicationRuntime, at: number): void {
  rt.dirty = true;
  rt.dueAt = rt.dueAt === undefined ? at : Math.min(rt.dueAt, at);
}

/** Suspended: no pass ran for the spec, none is due. */
export function passesStopped(rt: ReplicationRuntime): void {
  rt.clean = false;
  rt.passGeneration = undefined;
  rt.dueAt = undefined;
}

/**
 * Contract §6: Continuous mode is caught up while its watches are live and
 * it has no queued, failed or blocked work (a promoted destination makes
 * the last pass unclean).
 */
export function caughtUpNow(rt: ReplicationRuntime): boolean {
  const live = rt.live;
  if (rt.mode !== "Continuous" || !rt.clean || !live) return false;
  if (rt.pending.size > 0 || rt.working > 0) return false;
  return live.drNamespaces.live &&
    [...live.drInformers.values()].every((i) => i.live) &&
    [...live.sourceLeases.values()].every((l) => l.informer.live);
}

/** Releases every watch the runtime holds. */
export async function releaseLive(rt: ReplicationRuntime): Promise<void> {
  const live = rt.live;
  rt.live = undefined;
  if (!live) return;
  live.drClaim.release();
  await Promise.all([...live.sourceLeases.values()].map((l) => l.release()));
}
