/**
 * NamespaceReplication: keeps the DR copies of the mapped namespaces in the
 * remote cluster, in Continuous, Scheduled or Manual mode.
 *
 *   key "<name>"                      full pass (when decidePass says so)
 *   key "<name>|<ns>|<group>|<kind>|<obj>"  one object (Continuous fast path)
 *
 * Status is written through the status subresource, once per pass and only
 * when it changed.
 */
import {
  type NamespaceMappingStatus,
  type NamespaceReplication,
  type NamespaceReplicationStatus,
} from "../../lib/api/v1alpha1.ts";
import type { Controller, QueueHandle } from "../../lib/controller.ts";
import type { InformerEvent } from "../../lib/informer/cache.ts";
import type { ClusterClient } from "../../lib/kube/client.ts";
import type { InformerOptions } from "../../lib/informer/informer.ts";
import type { WorkResult } from "../../lib/workqueue.ts";
import {
  awaitingTokenStatus,
  type PassReport,
  statusAfterObjectWrites,
  statusAfterPass,
  suspendedStatus,
} from "../../lib/engine/status.ts";
import type { ApiResource, KubeObject } from "../../lib/sync/types.ts";
import type { ActionOutcome } from "../../lib/engine/outcome.ts";
import { parseDuration } from "../../lib/sync/duration.ts";
import {
  type ControllerContext,
  NAMESPACES,
  ownKindSpec,
  sameStatus,
  subjectOf,
  writeStatus,
} from "../context.ts";
import { decidePass, rememberTokens } from "./decide.ts";
import { DiscoveryCache } from "./discovery-cache.ts";
import { parseWorkKey, syncObject } from "./object-sync.ts";
import { type PassDeps, runPass } from "./pass.ts";
import { RemoteCaches } from "./remote-caches.ts";
import {
  passSucceeded,
  recordEvents,
  recordMetrics,
  recordObjectEvent,
  remoteCondition,
} from "./report.ts";
import {
  drEventKeys,
  type Routed,
  sourceEventKeys,
  sourceNamespaceKeys,
} from "./routing.ts";
import {
  nextDue,
  requeue,
  restoredSchedule,
  RETRY_BASE_MS,
  RetryTracker,
} from "./timing.ts";
import {
  pvcChangeNeedsPass,
  recordVolumes,
  syncVolumes,
  volumeDue,
  type VolumeStepOptions,
} from "./volumes.ts";
import {
  carriedReport,
  type VolumeReport,
  withVolumes,
} from "../../lib/volsync/status.ts";
import {
  caughtUpNow,
  markDirty,
  newRuntime,
  passesStopped,
  passFinished,
  passStarted,
  releaseLive,
  type ReplicationRuntime,
  retryAt,
  scheduleRestored,
} from "./runtime.ts";
import { canonicalPairs } from "./pairs.ts";
import { specOf } from "./spec.ts";
import { mappingPairsChanged, replicationsReferencing } from "./references.ts";
import { cleanUpVolumes, keepCleanupFinalizer } from "./volume-cleanup.ts";
import { FINALIZER_DATA_REPLICATION } from "../../lib/volsync/objects.ts";
import { classifyError, isConflict } from "../../lib/kube/errors.ts";

const CUSTOM_RESOURCE_DEFINITIONS = {
  group: "apiextensions.k8s.io",
  version: "v1",
  resource: "customresourcedefinitions",
};

/** A pass running longer than this shows phase Syncing. */
const SYNCING_AFTER_MS = 2_000;

/** Work key suffix: write the fast path's counts into status. */
const COUNTS_KEY = "|counts";
/** Per-object writes reach status at most this often (one status write). */
const COUNTS_FLUSH_MS = 5_000;

/** Tuning for tests; production uses the defaults. */
export interface ReplicationControllerOptions {
  informers?: InformerOptions;
  discoveryTtlMs?: number;
  volumes?: VolumeStepOptions;
  /** How long a pass waits for its watch caches (default 10 s; tests shorten it). */
  cacheSyncTimeoutMs?: number;
}

class ReplicationController {
  readonly runtimes = new Map<string, ReplicationRuntime>();
  readonly deps: PassDeps;
  queue?: QueueHandle;
  readonly #retries = new RetryTracker();
  readonly #drDiscovery = new WeakMap<object, DiscoveryCache>();
  readonly #discoveryTtlMs?: number;
  readonly #volumeOpts: VolumeStepOptions;
  /** Bumped on every CRD event; a DR discovery cache from before is stale. */
  #crdEpoch = 0;
  readonly #drEpoch = new WeakMap<DiscoveryCache, number>();
  /** Replications whose cleanup finalizer could not be set (warned once). */
  readonly #finalizerWarned = new Set<string>();

  constructor(
    readonly ctx: ControllerContext,
    opts: ReplicationControllerOptions,
  ) {
    this.#discoveryTtlMs = opts.discoveryTtlMs;
    this.#volumeOpts = opts.volumes ?? {};
    this.deps = {
      ctx,
      discovery: new DiscoveryCache(
        ctx.source,
        () => ctx.clock.now(),
        opts.discoveryTtlMs,
      ),
      drDiscovery: (client) => this.drDiscovery(client),
      remoteCaches: new RemoteCaches(
        opts.informers ?? {},
        (remote, e) => this.onDrEvent(remote, e),
        (remote, cause, delayMs, resource) => {
          ctx.metrics.watchRestarted(remote, resource, cause);
          // A normal end of a long watch is routine; anything else is news.
          if (cause !== "Closed") {
            ctx.log.warn("DR watch restarting", {
              remoteCluster: remote,
              resource,
              cause,
              delayMs,
            });
          }
        },
        // With sharding, other replicas' copies are not cached here.
        ctx.shard !== undefined,
      ),
      onSourceEvent: (type, e) => this.onSourceEvent(type, e),
      cacheSyncTimeoutMs: opts.cacheSyncTimeoutMs,
      onProgress: () => this.queue?.progressed?.(),
    };
  }

  onSourceEvent(type: ApiResource, e: InformerEvent): void {
    const keys = sourceEventKeys(this.runtimes, type, e);
    for (const k of keys) this.enqueue(k);
  }

  onDrEvent(_remote: string, e: InformerEvent): void {
    for (const k of this.#route(drEventKeys(this.runtimes, e))) {
      this.enqueue(k);
    }
  }

  onSourceNamespace(e: InformerEvent): string[] {
    const keys = this.#route(sourceNamespaceKeys(this.runtimes, e));
    for (const k of keys) this.markPending(k);
    return keys;
  }

  #route(routed: Routed): string[] {
    if (routed.fullPass) {
      for (const k of routed.keys) {
        const rt = this.runtimes.get(k);
        if (rt) markDirty(rt);
      }
    }
    return routed.keys;
  }

  /** Queues work the replication must do before it is caught up again. */
  enqueue(key: string): void {
    this.markPending(key);
    this.queue?.add(key);
  }

  markPending(key: string): void {
    const rt = this.runtimes.get(parseWorkKey(key).replication);
    if (!rt) return;
    // Falling behind now: until now it was caught up (RPO counts from here).
    if (caughtUpNow(rt)) this.ctx.metrics.caughtUp(rt.name);
    rt.pending.add(key);
  }

  drDiscovery(client: ClusterClient): DiscoveryCache {
    let cache = this.#drDiscovery.get(client);
    if (!cache) {
      cache = new DiscoveryCache(
        client,
        () => this.ctx.clock.now(),
        this.#discoveryTtlMs,
      );
      this.#drDiscovery.set(client, cache);
    }
    if (this.#drEpoch.get(cache) !== this.#crdEpoch) {
      cache.invalidate();
      this.#drEpoch.set(cache, this.#crdEpoch);
    }
    return cache;
  }

  /**
   * A CustomResourceDefinition changed on the source (installed, now
   * established, removed): the types on offer changed, so discovery is asked
   * again (the DR side's too: a CRD is usually installed on both) and
   * Continuous replications run a pass to start watching the new type.
   */
  onCrd(): string[] {
    this.#crdEpoch++;
    this.deps.discovery.invalidate();
    for (const rt of this.runtimes.values()) {
      if (rt.mode !== "Continuous" || rt.passGeneration === undefined) continue;
      markDirty(rt);
      this.enqueue(rt.name);
    }
    return [];
  }

  /**
   * Something these replications depend on changed (a RemoteCluster's
   * connection, a mapping's pairs, shard ownership): each runs a full pass.
   */
  wake(names: string[]): string[] {
    const keys = this.#route({ keys: names, fullPass: true });
    for (const k of keys) this.markPending(k);
    return keys;
  }

  /**
   * The replications a NamespaceMapping event concerns. A mapping whose new
   * pairs are those a replication's last pass already resolved wakes nothing
   * there: the mapping's reconciler often writes its first status while the
   * replication's first pass runs (more often on real clusters), and that
   * pass already used those pairs.
   */
  concernedByMapping(e: InformerEvent): string[] {
    const mapping = e.object.metadata.name;
    const names = replicationsReferencing(this.ctx.caches.replications, {
      kind: "NamespaceMapping",
      name: mapping,
    });
    if (e.type === "delete") return names;
    const status = e.object.status as NamespaceMappingStatus | undefined;
    const pairs = canonicalPairs(status?.namespaces ?? []);
    return names.filter((name) =>
      this.runtimes.get(name)?.mappingPairs?.get(mapping) !== pairs
    );
  }

  async reconcile(
    key: string,
    signal: AbortSignal,
  ): Promise<WorkResult | void> {
    if (key.endsWith(COUNTS_KEY)) {
      return await this.flushObjectWrites(
        key.slice(0, -COUNTS_KEY.length),
        signal,
      );
    }
    const { replication } = parseWorkKey(key);
    const rt = this.runtimes.get(replication);
    const counted = rt?.pending.delete(key) ?? false;
    if (counted) rt!.working++;
    try {
      return await this.reconcileKey(key, signal);
    } finally {
      if (counted) rt!.working--;
    }
  }

  async reconcileKey(
    key: string,
    signal: AbortSignal,
  ): Promise<WorkResult | void> {
    const { replication, object } = parseWorkKey(key);
    const nr = this.ctx.caches.replications.get(
      replication,
      this.ctx.namespace,
    ) as NamespaceReplication | undefined;
    if (!nr) return await this.forget(replication);
    // Sharding: another replica handles it; drop our watches and state.
    if (this.ctx.shard && !this.ctx.shard.owns(replication)) {
      return await this.forget(replication);
    }
    let rt = this.runtimes.get(replication);
    if (!rt) {
      rt = newRuntime(replication, this.ctx.clock.now());
      this.runtimes.set(replication, rt);
      const last = nr.status?.lastSuccessfulSyncTime;
      this.ctx.metrics.seeReplication(
        replication,
        last ? Date.parse(last) : undefined,
      );
      const created = rt;
      this.ctx.metrics.setCaughtUpProbe(
        replication,
        () => caughtUpNow(created),
      );
    }
    if (nr.metadata.deletionTimestamp) {
      return object ? undefined : await this.cleanUp(nr);
    }
    this.ctx.metrics.setRpoObjective(replication, rpoObjectiveSeconds(nr));
    if (!object) {
      await this.keepFinalizer(nr);
      return await this.fullReconcile(nr, rt, signal);
    }
    if (rt.passGeneration === undefined) return;
    const result = await syncObject(this.ctx, rt, object, signal);
    if (pvcChangeNeedsPass(nr, object)) {
      markDirty(rt);
      this.enqueue(replication);
    }
    if (result.kind === "needsFullPass") {
      markDirty(rt);
      this.enqueue(replication);
    } else if (result.kind === "done") {
      const o = result.outcome;
      this.ctx.metrics.recordOutcomes(replication, [o]);
      this.noteObjectWrite(rt, o);
      recordObjectEvent(this.ctx, nr, o, result.warnings);
      if (o.status === "failed") {
        // A full pass reports it (status, Event); a transient failure
        // gets a moment first, a lasting one (a conflict) is shown at once.
        markDirty(rt);
        rt.clean = false;
        if (o.transient) this.queue?.addAfter(replication, RETRY_BASE_MS);
        else this.enqueue(replication);
      }
    }
  }

  /** Counts a fast-path write; status gets it within COUNTS_FLUSH_MS. */
  noteObjectWrite(rt: ReplicationRuntime, o: ActionOutcome): void {
    if (o.status !== "done") return;
    const field = o.action === "create"
      ? "created"
      : o.action === "delete"
      ? "deleted"
      : "updated";
    if (!rt.objectWrites) {
      rt.objectWrites = { created: 0, updated: 0, deleted: 0 };
      this.queue?.addAfter(rt.name + COUNTS_KEY, COUNTS_FLUSH_MS);
    }
    rt.objectWrites[field]++;
  }

  async flushObjectWrites(name: string, signal: AbortSignal): Promise<void> {
    const rt = this.runtimes.get(name);
    const writes = rt?.objectWrites;
    if (!rt || !writes) return;
    rt.objectWrites = undefined;
    const nr = this.ctx.caches.replications.get(name, this.ctx.namespace) as
      | NamespaceReplication
      | undefined;
    if (!nr) return;
    const now = new Date(this.ctx.clock.now());
    const status = statusAfterObjectWrites(nr.status, writes, now);
    await this.writeIfChanged(nr, status, signal);
  }

  async fullReconcile(
    given: NamespaceReplication,
    rt: ReplicationRuntime,
    signal: AbortSignal,
  ): Promise<WorkResult | void> {
    let nr = given;
    const now = this.ctx.clock.now();
    const { mode, suspend } = specOf(nr).spec;
    if (suspend) return await this.suspend(nr, rt, signal);
    if (this.awaitingFirstProbe(nr)) return;
    if (rt.mode !== mode) {
      if (mode !== "Continuous") await releaseLive(rt);
      rt.mode = mode;
    }
    const restored = restoredSchedule(nr, rt);
    if (restored) scheduleRestored(rt, restored);
    const decision = decidePass(nr, rt, now);
    if (!decision.run) return await this.idle(nr, rt, now, signal);
    passStarted(rt);
    const startedAt = new Date(now);
    // A pass that takes a while (a large first sync) shows phase Syncing.
    let syncing: Promise<void> | undefined;
    const timer = setTimeout(() => {
      const status = { ...nr.status, phase: "Syncing" as const };
      syncing = this.writeIfChanged(nr, status, signal).then(
        () => void (nr = { ...nr, status }),
        () => {}, // best effort: the status after the pass says it all
      );
    }, SYNCING_AFTER_MS);
    const pass = await runPass(this.deps, rt, nr, startedAt, signal).catch(
      (e) => {
        markDirty(rt); // the queue's retry must run the pass again
        throw e;
      },
    ).finally(async () => {
      clearTimeout(timer);
      await syncing;
    });
    const volumes = pass.blocker
      ? carriedReport(nr.status)
      : await syncVolumes(this.deps, nr, this.remoteOf(nr), pass.results, {
        now: new Date(this.ctx.clock.now()),
        ...this.#volumeOpts,
      });
    const finishedAt = new Date(this.ctx.clock.now());
    rt.clean = !pass.incomplete && passSucceeded(pass);
    rememberTokens(nr, rt, decision.syncNowToken, pass);
    passFinished(rt, {
      generation: nr.metadata.generation,
      blocked: pass.blocker !== undefined,
      dueAt: volumeDue(
        nextDue(nr, rt, finishedAt.getTime(), pass.nextPruneAt),
        volumes,
        finishedAt.getTime(),
      ),
    });
    const report: PassReport = {
      generation: nr.metadata.generation ?? 0,
      startedAt,
      finishedAt,
      results: pass.results,
      blocker: pass.blocker,
      notes: pass.notes,
      remoteReady: remoteCondition(this.ctx, nr),
      nextSyncTime: mode === "Scheduled" ? dateOf(rt.dueAt) : undefined,
      lastManualTrigger: decision.syncNowToken,
      lastMassPruneApproval: pass.consumedAllowToken,
      loadingCaches: pass.loadingCaches,
    };
    const incomplete = pass.incomplete ?? false;
    await this.finish(nr, rt, report, incomplete, signal, volumes);
    return requeue(rt, finishedAt.getTime());
  }

  /** Status, Events, metrics and retry timing after a pass. */
  async finish(
    nr: NamespaceReplication,
    rt: ReplicationRuntime,
    report: PassReport,
    incomplete: boolean,
    signal: AbortSignal,
    volumes?: VolumeReport,
  ): Promise<void> {
    const { finishedAt, generation } = report;
    const status = withVolumes(
      statusAfterPass(nr.status, report),
      volumes,
      finishedAt,
      generation,
    );
    try {
      await this.writeIfChanged(nr, status, signal);
    } catch (e) {
      markDirty(rt); // a failed status write retries the whole pass
      throw e;
    }
    recordEvents(this.ctx, nr, report);
    recordMetrics(this.ctx, nr, report);
    recordVolumes(this.ctx, nr, volumes);
    const retry = this.#retries.afterPass(
      rt.name,
      report,
      report.finishedAt.getTime(),
      incomplete,
    );
    if (retry !== undefined) retryAt(rt, retry);
  }

  /** No pass due: a Manual replication still shows it saw its spec. */
  async idle(
    nr: NamespaceReplication,
    rt: ReplicationRuntime,
    now: number,
    signal: AbortSignal,
  ): Promise<WorkResult | void> {
    if (specOf(nr).spec.mode === "Manual") {
      const generation = nr.metadata.generation ?? 0;
      const status = awaitingTokenStatus(nr.status, generation, new Date(now));
      await this.writeIfChanged(nr, status, signal);
    }
    return requeue(rt, now);
  }

  /**
   * Data replication's cleanup finalizer (volume-cleanup.ts): a failure to
   * set it is a Warning, once, and never stops the pass.
   */
  async keepFinalizer(nr: NamespaceReplication): Promise<void> {
    const name = nr.metadata.name;
    try {
      await keepCleanupFinalizer(this.ctx, nr);
      this.#finalizerWarned.delete(name);
    } catch (e) {
      if (isConflict(e) || this.#finalizerWarned.has(name)) return;
      this.#finalizerWarned.add(name);
      const err = classifyError(e);
      const message = `cannot set finalizer ${FINALIZER_DATA_REPLICATION} ` +
        `(${err.reason}: ${err.message}); deleting this replication will ` +
        `leave its VolSync objects behind`;
      this.ctx.log.warn(message, { replication: name });
      this.ctx.events.record(
        subjectOf(nr as never),
        "Warning",
        "FinalizerNotSet",
        message,
      );
    }
  }

  /** Being deleted: our VolSync objects go, then our finalizer. */
  async cleanUp(nr: NamespaceReplication): Promise<WorkResult | void> {
    const name = nr.metadata.name;
    const rt = this.runtimes.get(name);
    if (rt) await releaseLive(rt);
    const remoteName = specOf(nr).spec.remoteClusterName;
    const result = await cleanUpVolumes(
      this.deps,
      nr,
      this.ctx.remoteStates.get(remoteName),
      this.awaitingFirstProbe(nr),
    );
    if (result.kind === "retry") return { requeueAfterMs: result.afterMs };
  }

  remoteOf(nr: NamespaceReplication) {
    return this.ctx.remoteStates.get(nr.spec.remoteClusterRef?.name ?? "")!;
  }

  /**
   * Right after start the RemoteCluster exists but has not been probed: a
   * pass now would only report "not ready" (a Failed status, a Warning
   * Event, an error metric on every restart). Its first probe result wakes
   * this replication.
   */
  awaitingFirstProbe(nr: NamespaceReplication): boolean {
    const name = specOf(nr).spec.remoteClusterName;
    return !this.ctx.remoteStates.has(name) &&
      this.ctx.caches.remoteClusters.get(name, this.ctx.namespace) !==
        undefined;
  }

  async suspend(
    nr: NamespaceReplication,
    rt: ReplicationRuntime,
    signal: AbortSignal,
  ): Promise<void> {
    await releaseLive(rt);
    passesStopped(rt);
    const status = suspendedStatus(
      nr.status,
      nr.metadata.generation ?? 0,
      new Date(this.ctx.clock.now()),
    );
    await this.writeIfChanged(nr, status, signal);
  }

  async writeIfChanged(
    nr: NamespaceReplication,
    status: NamespaceReplicationStatus,
    signal: AbortSignal,
  ): Promise<void> {
    const shard = this.ctx.shard;
    const owned = shard ? { ...status, controller: shard.identity } : status;
    const clean = JSON.parse(JSON.stringify(owned));
    if (sameStatus(clean, nr.status ?? {})) return;
    if (shard && !shard.owns(nr.metadata.name)) return;
    await writeStatus(
      this.ctx,
      "NamespaceReplication",
      nr as unknown as KubeObject,
      clean,
      signal,
    );
  }

  async forget(name: string): Promise<void> {
    const rt = this.runtimes.get(name);
    this.runtimes.delete(name);
    this.#retries.forget(name);
    if (rt) await releaseLive(rt);
    this.ctx.metrics.forget(name);
  }

  async close(): Promise<void> {
    for (const rt of this.runtimes.values()) await releaseLive(rt);
    this.runtimes.clear();
    await this.deps.remoteCaches.close();
  }
}

const DEFAULT_RPO_OBJECTIVE_S = 15 * 60;

function rpoObjectiveSeconds(nr: NamespaceReplication): number {
  const parsed = parseDuration(nr.spec.rpoObjective ?? "15m");
  return parsed.ok ? parsed.ms / 1000 : DEFAULT_RPO_OBJECTIVE_S;
}

function dateOf(ms: number | undefined): Date | undefined {
  return ms === undefined ? undefined : new Date(ms);
}

/** The NamespaceReplication controller. */
export function namespaceReplicationController(
  ctx: ControllerContext,
  opts: ReplicationControllerOptions = {},
): Controller {
  const c = new ReplicationController(ctx, opts);
  return {
    reconciler: {
      name: "namespacereplication",
      reconcile: (key, signal) => c.reconcile(key, signal),
    },
    watches: [{
      spec: ownKindSpec("NamespaceReplication", ctx.namespace),
      keys: (e) => [e.object.metadata.name],
    }, {
      spec: ownKindSpec("NamespaceMapping", ctx.namespace),
      keys: (e) =>
        mappingPairsChanged(e) ? c.wake(c.concernedByMapping(e)) : [],
    }, {
      spec: { type: NAMESPACES },
      keys: (e) => c.onSourceNamespace(e),
    }, {
      spec: { type: CUSTOM_RESOURCE_DEFINITIONS },
      keys: () => c.onCrd(),
    }],
    channels: [
      {
        channel: ctx.remoteStates.changes,
        keys: (name) =>
          c.wake(replicationsReferencing(ctx.caches.replications, {
            kind: "RemoteCluster",
            name,
          })),
      },
      ...(ctx.shardChanges
        ? [{
          channel: ctx.shardChanges,
          keys: (name: string) => c.wake([name]),
        }]
        : []),
    ],
    concurrency: 4,
    attach: (queue) => {
      c.queue = queue;
    },
    detach: () => c.close(),
  };
}
