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
  ANNOTATION_ALLOW_MASS_PRUNE,
  NAMESPACE_REPLICATION_DEFAULTS,
  type NamespaceReplication,
  type NamespaceReplicationStatus,
} from "../lib/api/v1alpha1.ts";
import type { Controller, QueueHandle } from "../lib/controller.ts";
import type { InformerEvent } from "../lib/informer/cache.ts";
import type { ClusterClient } from "../lib/kube/client.ts";
import type { InformerOptions } from "../lib/informer/informer.ts";
import type { WorkResult } from "../lib/workqueue.ts";
import type { NamespaceSyncResult } from "../lib/replication/namespace-sync.ts";
import {
  awaitingTokenStatus,
  type PassReport,
  statusAfterPass,
  suspendedStatus,
} from "../lib/replication/status.ts";
import { parseDuration } from "../lib/sync/duration.ts";
import { nextRunTime } from "../lib/sync/schedule.ts";
import type { ApiResource, KubeObject } from "../lib/sync/types.ts";
import { LABEL_REPLICATION } from "../lib/api/v1alpha1.ts";
import {
  type ControllerContext,
  NAMESPACES,
  ownKindSpec,
  sameStatus,
  writeStatus,
} from "./context.ts";
import { decidePass } from "./replication/decide.ts";
import { DiscoveryCache } from "./replication/discovery-cache.ts";
import {
  objectWorkKey,
  parseWorkKey,
  syncObject,
} from "./replication/object-sync.ts";
import { type PassDeps, runPass } from "./replication/pass.ts";
import { RemoteCaches } from "./replication/remote-caches.ts";
import {
  recordEvents,
  recordMetrics,
  recordObjectEvent,
} from "./replication/report.ts";
import {
  newRuntime,
  releaseLive,
  type ReplicationRuntime,
} from "./replication/runtime.ts";

const RETRY_BASE_MS = 5_000;
const RETRY_MAX_MS = 5 * 60_000;
const DEFAULT_RESYNC_MS = 10 * 60_000;

/** Tuning for tests; production uses the defaults. */
export interface ReplicationControllerOptions {
  informers?: InformerOptions;
  discoveryTtlMs?: number;
}

class ReplicationController {
  readonly runtimes = new Map<string, ReplicationRuntime>();
  readonly deps: PassDeps;
  queue?: QueueHandle;
  #failures = new Map<string, number>();
  readonly #drDiscovery = new WeakMap<object, DiscoveryCache>();
  readonly #discoveryTtlMs?: number;

  constructor(
    readonly ctx: ControllerContext,
    opts: ReplicationControllerOptions,
  ) {
    this.#discoveryTtlMs = opts.discoveryTtlMs;
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
      ),
      onSourceEvent: (type, e) => this.onSourceEvent(type, e),
    };
  }

  onSourceEvent(type: ApiResource, e: InformerEvent): void {
    const ns = e.object.metadata.namespace;
    for (const rt of this.runtimes.values()) {
      if (!rt.live || !rt.pairs.some((p) => p.source === ns)) continue;
      if (!rt.typeByGroupKind.has(`${type.group}/${type.kind}`)) continue;
      this.queue?.add(objectWorkKey(rt.name, {
        sourceNamespace: ns!,
        group: type.group,
        kind: type.kind,
        name: e.object.metadata.name,
      }));
    }
  }

  onDrEvent(_remote: string, e: InformerEvent): void {
    const owner = e.object.metadata.labels?.[LABEL_REPLICATION] ?? "";
    const prefix = `${this.ctx.namespace}.`;
    if (!owner.startsWith(prefix)) return;
    const rt = this.runtimes.get(owner.slice(prefix.length));
    if (!rt?.live) return;
    const o = e.object;
    if (o.kind === "Namespace" || !o.metadata.namespace) {
      rt.dirty = true;
      return this.queue?.add(rt.name);
    }
    const pair = rt.pairs.find((p) => p.destination === o.metadata.namespace);
    if (!pair) return;
    const group = o.apiVersion?.includes("/") ? o.apiVersion.split("/")[0] : "";
    this.queue?.add(
      objectWorkKey(rt.name, {
        sourceNamespace: pair.source,
        group,
        kind: o.kind,
        name: o.metadata.name,
      }),
    );
  }

  /**
   * A source namespace changed (labels and annotations are copied, or it
   * started terminating): Continuous replications copying it run a full
   * pass now rather than at the next resync.
   */
  onSourceNamespace(e: InformerEvent): string[] {
    if (
      e.type === "update" &&
      e.old.metadata.resourceVersion === e.object.metadata.resourceVersion
    ) return [];
    const name = e.object.metadata.name;
    const keys: string[] = [];
    for (const rt of this.runtimes.values()) {
      if (!rt.live || !rt.pairs.some((p) => p.source === name)) continue;
      rt.dirty = true;
      keys.push(rt.name);
    }
    return keys;
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
    return cache;
  }

  /** A dependency changed (remote readiness, a mapping's namespaces). */
  wake(name: string): void {
    const rt = this.runtimes.get(name);
    if (rt) rt.dirty = true;
    this.queue?.add(name);
  }

  async reconcile(
    key: string,
    signal: AbortSignal,
  ): Promise<WorkResult | void> {
    const { replication, object } = parseWorkKey(key);
    const nr = this.ctx.caches.replications.get(
      replication,
      this.ctx.namespace,
    ) as NamespaceReplication | undefined;
    if (!nr) return await this.forget(replication);
    let rt = this.runtimes.get(replication);
    if (!rt) {
      rt = newRuntime(replication, this.ctx.clock.now());
      this.runtimes.set(replication, rt);
      const last = nr.status?.lastSuccessfulSyncTime;
      this.ctx.metrics.seeReplication(
        replication,
        last ? Date.parse(last) : undefined,
      );
    }
    if (!object) return await this.fullReconcile(nr, rt, signal);
    if (rt.passGeneration === undefined) return;
    const result = await syncObject(this.ctx, rt, object);
    if (result.kind === "needsFullPass") {
      rt.dirty = true;
      this.queue?.add(replication);
    } else if (result.kind === "done") {
      const o = result.outcome;
      this.ctx.metrics.recordOutcomes(replication, [o]);
      recordObjectEvent(this.ctx, nr, o);
      if (o.status === "failed") {
        // A full pass reports it (status, Event); a transient failure
        // gets a moment first, a lasting one (a conflict) is shown at once.
        rt.dirty = true;
        if (o.transient) this.queue?.addAfter(replication, RETRY_BASE_MS);
        else this.queue?.add(replication);
      }
    }
  }

  async fullReconcile(
    nr: NamespaceReplication,
    rt: ReplicationRuntime,
    signal: AbortSignal,
  ): Promise<WorkResult | void> {
    const now = this.ctx.clock.now();
    if (nr.spec.suspend) return await this.suspend(nr, rt, signal);
    if (this.awaitingFirstProbe(nr)) return;
    const mode = nr.spec.mode ?? "Continuous";
    if (rt.mode !== mode) {
      if (mode !== "Continuous") await releaseLive(rt);
      rt.mode = mode;
    }
    this.restoreSchedule(nr, rt);
    const decision = decidePass(nr, rt, now);
    if (!decision.run) return await this.idle(nr, rt, now, signal);
    // Consumed now, not after the pass: a wake that arrives while the pass
    // runs (a RemoteCluster turning ready) must make another pass.
    rt.dirty = false;
    const startedAt = new Date(now);
    const pass = await runPass(this.deps, rt, nr, startedAt).catch((e) => {
      rt.dirty = true; // the queue's retry must run the pass again
      throw e;
    });
    const finishedAt = new Date(this.ctx.clock.now());
    rt.passGeneration = nr.metadata.generation;
    rt.blocked = pass.blocker !== undefined;
    rememberTokens(nr, rt, decision.syncNowToken, pass);
    rt.dueAt = this.nextDue(nr, rt, finishedAt.getTime(), pass.nextPruneAt);
    const report: PassReport = {
      generation: nr.metadata.generation ?? 0,
      startedAt,
      finishedAt,
      results: pass.results,
      blocker: pass.blocker,
      notes: pass.notes,
      remoteReady: this.remoteCondition(nr),
      nextSyncTime: mode === "Scheduled" ? dateOf(rt.dueAt) : undefined,
      lastManualTrigger: decision.syncNowToken,
      lastMassPruneApproval: pass.consumedAllowToken,
    };
    await this.finish(nr, rt, report, pass.incomplete ?? false, signal);
    return this.requeue(rt, finishedAt.getTime());
  }

  /** Status, Events, metrics and retry timing after a pass. */
  async finish(
    nr: NamespaceReplication,
    rt: ReplicationRuntime,
    report: PassReport,
    incomplete: boolean,
    signal: AbortSignal,
  ): Promise<void> {
    try {
      await this.writeIfChanged(nr, statusAfterPass(nr.status, report), signal);
    } catch (e) {
      rt.dirty = true; // a failed status write retries the whole pass
      throw e;
    }
    recordEvents(this.ctx, nr, report);
    recordMetrics(this.ctx, nr, report);
    this.trackFailures(rt, report, report.finishedAt.getTime(), incomplete);
  }

  /** No pass due: a Manual replication still shows it saw its spec. */
  async idle(
    nr: NamespaceReplication,
    rt: ReplicationRuntime,
    now: number,
    signal: AbortSignal,
  ): Promise<WorkResult | void> {
    if ((nr.spec.mode ?? "Continuous") === "Manual") {
      const generation = nr.metadata.generation ?? 0;
      const status = awaitingTokenStatus(nr.status, generation, new Date(now));
      await this.writeIfChanged(nr, status, signal);
    }
    return this.requeue(rt, now);
  }

  /**
   * Right after start the RemoteCluster exists but has not been probed: a
   * pass now would only report "not ready" (a Failed status, a Warning
   * Event, an error metric on every restart). Its first probe result wakes
   * this replication.
   */
  awaitingFirstProbe(nr: NamespaceReplication): boolean {
    const name = nr.spec.remoteClusterRef?.name ?? "";
    return !this.ctx.remoteStates.has(name) &&
      this.ctx.caches.remoteClusters.get(name, this.ctx.namespace) !==
        undefined;
  }

  /** After a restart, a Scheduled replication resumes its schedule from status. */
  restoreSchedule(nr: NamespaceReplication, rt: ReplicationRuntime): void {
    if (
      rt.passGeneration !== undefined ||
      (nr.spec.mode ?? "Continuous") !== "Scheduled"
    ) return;
    const st = nr.status;
    if (
      st?.observedGeneration !== nr.metadata.generation || !st?.nextSyncTime
    ) return;
    rt.passGeneration = nr.metadata.generation;
    rt.dueAt = Date.parse(st.nextSyncTime);
    rt.dirty = false;
  }

  nextDue(
    nr: NamespaceReplication,
    rt: ReplicationRuntime,
    now: number,
    pruneAt?: number,
  ): number | undefined {
    const mode = nr.spec.mode ?? "Continuous";
    if (mode === "Manual") return undefined;
    if (mode === "Scheduled") {
      const next = nextRunTime(nr.spec.schedule ?? "", new Date(now));
      return next.ok ? next.next.getTime() : undefined;
    }
    const parsed = parseDuration(
      nr.spec.resyncInterval ?? NAMESPACE_REPLICATION_DEFAULTS.resyncInterval,
    );
    const resync = parsed.ok && parsed.ms > 0 ? parsed.ms : DEFAULT_RESYNC_MS;
    const due = now + resync;
    return pruneAt !== undefined && rt.live ? Math.min(due, pruneAt) : due;
  }

  /** Transient failures come back sooner than the next scheduled pass. */
  trackFailures(
    rt: ReplicationRuntime,
    r: PassReport,
    now: number,
    incomplete: boolean,
  ): void {
    const transient = incomplete ||
      r.blocker?.reason === "RemoteClusterUnreachable" ||
      r.results.some((x) =>
        [...x.outcomes, x.namespaceOutcome].some((o) =>
          o?.status === "failed" && o.transient
        )
      );
    if (!transient) return void this.#failures.delete(rt.name);
    const n = (this.#failures.get(rt.name) ?? 0) + 1;
    this.#failures.set(rt.name, n);
    const retryAt = now + Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** (n - 1));
    rt.dirty = true;
    rt.dueAt = rt.dueAt === undefined ? retryAt : Math.min(rt.dueAt, retryAt);
  }

  requeue(rt: ReplicationRuntime, now: number): WorkResult | void {
    if (rt.dueAt === undefined) return;
    return { requeueAfterMs: Math.max(0, rt.dueAt - now) };
  }

  remoteCondition(nr: NamespaceReplication): PassReport["remoteReady"] {
    const name = nr.spec.remoteClusterRef?.name ?? "";
    const state = this.ctx.remoteStates.get(name);
    return state?.ready
      ? {
        type: "RemoteClusterReady",
        status: "True",
        reason: "Connected",
        message: state.message,
      }
      : {
        type: "RemoteClusterReady",
        status: "False",
        reason: state?.reason ?? "NotFound",
        message: state?.message ??
          `RemoteCluster ${name} not found or not probed yet`,
      };
  }

  async suspend(
    nr: NamespaceReplication,
    rt: ReplicationRuntime,
    signal: AbortSignal,
  ): Promise<void> {
    await releaseLive(rt);
    rt.passGeneration = undefined;
    rt.dueAt = undefined;
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
    const clean = JSON.parse(JSON.stringify(status));
    if (sameStatus(clean, nr.status ?? {})) return;
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
    this.#failures.delete(name);
    if (rt) await releaseLive(rt);
    this.ctx.metrics.forget(name);
  }

  async close(): Promise<void> {
    for (const rt of this.runtimes.values()) await releaseLive(rt);
    this.runtimes.clear();
    await this.deps.remoteCaches.close();
  }
}

function dateOf(ms: number | undefined): Date | undefined {
  return ms === undefined ? undefined : new Date(ms);
}

/** The tokens a pass handled, so none of them runs twice. */
function rememberTokens(
  nr: NamespaceReplication,
  rt: ReplicationRuntime,
  syncNowToken: string | undefined,
  pass: { consumedAllowToken?: string; results: NamespaceSyncResult[] },
): void {
  if (syncNowToken) rt.lastSyncNowHandled = syncNowToken;
  if (pass.consumedAllowToken) {
    rt.lastAllowHandled = pass.consumedAllowToken;
  } else if (newlyBlocked(nr, pass.results)) {
    // A token already there when the block is first reported was not
    // given for it: only a value set afterwards approves.
    rt.lastAllowHandled =
      nr.metadata.annotations?.[ANNOTATION_ALLOW_MASS_PRUNE] ??
        rt.lastAllowHandled;
  }
}

function newlyBlocked(
  nr: NamespaceReplication,
  results: { prune?: { blocked?: unknown } }[],
): boolean {
  return (nr.status?.blockedPrunes ?? []).length === 0 &&
    results.some((x) => x.prune?.blocked);
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
      spec: { type: NAMESPACES },
      keys: (e) => c.onSourceNamespace(e),
    }],
    concurrency: 4,
    attach: (queue) => {
      c.queue = queue;
      ctx.bus.wakeReplication = (name) => c.wake(name);
    },
    detach: () => c.close(),
  };
}
