/**
 * The controller's Prometheus metrics. One Metrics object owns its registry
 * (tests create many; nothing touches prom-client's global one). Callers
 * report events through typed methods; values that are state rather than
 * events (seconds since the last success, queue depth, leadership) are read
 * when Prometheus scrapes, so they are never stale. Every label is bounded:
 * replication, cluster, queue and resource names, and closed sets for
 * reasons, causes, verbs and codes. Nothing is labelled per object.
 */
import { collectDefaultMetrics, Registry } from "prom-client";
import type { ManagerStats } from "../controller.ts";
import type { InformerOptions } from "../informer/informer.ts";
import type { RequestObserver } from "../kube/http.ts";
import {
  codeLabel,
  errorReasonLabel,
  verbLabel,
  watchCauseLabel,
} from "./labels.ts";
import { createInstruments, type Instruments } from "./instruments.ts";
import { SeriesIndex } from "./series.ts";
import { truthfulProcessMetrics } from "./process.ts";
import { applyManagerStats } from "./manager-stats.ts";
import { tallyOutcomes, type WriteOperation } from "./outcomes.ts";
import { VolumeSyncGauge } from "./volumes.ts";
import type { ActionOutcome } from "../engine/outcome.ts";

export { type MetricsServer, serveMetrics } from "./server.ts";
export { SYNC_ERROR_REASONS, WATCH_RESTART_CAUSES } from "./labels.ts";

/** How a sync run ended: partial means some objects failed. */
export type SyncResult = "success" | "failure" | "partial";
export type { WriteOperation } from "./outcomes.ts";
/** Object counts of a replication's last sync. */
export interface ReplicationObjects {
  desired: number;
  inSync: number;
  failed: number;
}

/** Options of {@link Metrics}. */
export interface MetricsOptions {
  /** Milliseconds since the epoch; tests step it. Default Date.now. */
  now?: () => number;
  /** Process and runtime defaults (process_*, nodejs_*). Default true. */
  defaultMetrics?: boolean;
}

interface ReplicationTimes {
  firstSeenMs: number;
  lastSuccessMs?: number;
  /** The last moment the replication was known caught up (contract §6). */
  caughtUpMs?: number;
  /** Asked at scrape: is it caught up right now? */
  caughtUpNow?: () => boolean;
}

const MS_PER_S = 1000;
const REPLICATION = "replication:";
const CLUSTER = "cluster:";

/** See the module comment. */
export class Metrics {
  /** The registry holding every series of this object. */
  readonly registry: Registry = new Registry();
  readonly #now: () => number;
  readonly #m: Instruments;
  readonly #series = new SeriesIndex();
  readonly #times = new Map<string, ReplicationTimes>();
  readonly #queueTotals = new Map<string, { adds: number; retries: number }>();
  readonly #info = new Map<string, { remote_cluster: string; mode: string }>();
  #statsSource: (() => ManagerStats) | undefined;
  /** Data RPO per replicated PVC (data replication). */
  readonly volumes: VolumeSyncGauge;
  #replicationCount: (() => number) | undefined;

  constructor(o: MetricsOptions = {}) {
    this.#now = o.now ?? Date.now;
    if (o.defaultMetrics ?? true) {
      collectDefaultMetrics({ register: this.registry });
      truthfulProcessMetrics(this.registry);
    }
    this.#m = createInstruments(this.registry, {
      secondsSinceSuccess: (g) => {
        g.reset();
        const now = this.#now();
        for (const [replication, t] of this.#times) {
          if (t.caughtUpNow?.()) t.caughtUpMs = now;
          const since = now -
            (t.caughtUpMs ?? t.lastSuccessMs ?? t.firstSeenMs);
          g.set({ replication }, Math.max(0, since) / MS_PER_S);
        }
      },
      replications: (g) => {
        if (this.#replicationCount) g.set(this.#replicationCount());
      },
      managerStats: () => {
        if (this.#statsSource) this.observeManager(this.#statsSource());
      },
    });
    this.#m.leader.set(0);
    this.volumes = new VolumeSyncGauge(this.registry, this.#now);
  }

  /** The Content-Type of {@link scrape}'s text. */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** The Prometheus text exposition of every series. */
  scrape(): Promise<string> {
    return this.registry.metrics();
  }

  /**
   * Starts tracking a replication. Until its first success the RPO gauge
   * counts from now; pass status.lastSuccessfulSyncTime (ms) so a new leader
   * continues from the recorded success instead of starting at zero.
   */
  seeReplication(replication: string, lastSuccessMs?: number): void {
    const t = this.#track(replication);
    if (lastSuccessMs === undefined) return;
    if (t.lastSuccessMs === undefined || lastSuccessMs > t.lastSuccessMs) {
      t.lastSuccessMs = lastSuccessMs;
      this.#m.lastSuccess.set({ replication }, lastSuccessMs / MS_PER_S);
      this.#note(replication, this.#m.lastSuccess, { replication });
    }
  }

  /**
   * Records a moment the replication was known caught up: every selected
   * object copied, no queued, failed or blocked work, destination not
   * promoted. The RPO gauge counts from the latest such moment.
   */
  caughtUp(replication: string, atMs = this.#now()): void {
    const t = this.#track(replication);
    if (t.caughtUpMs === undefined || atMs > t.caughtUpMs) t.caughtUpMs = atMs;
  }

  /**
   * Continuous mode: `probe` says whether the replication is caught up right
   * now (watches live, nothing queued), so a quiet healthy replication's RPO
   * stays near zero between resyncs. Absent: only passes move it.
   */
  setCaughtUpProbe(replication: string, probe?: () => boolean): void {
    this.#track(replication).caughtUpNow = probe;
  }

  /** Sets the replication's RPO objective (spec.rpoObjective). */
  setRpoObjective(replication: string, seconds: number): void {
    this.#m.rpoObjective.set({ replication }, seconds);
    this.#note(replication, this.#m.rpoObjective, { replication });
  }

  /** Records one sync run; only "success" moves the last-success time. */
  syncFinished(replication: string, result: SyncResult, ms: number): void {
    this.#track(replication);
    const labels = { replication, result };
    this.#m.syncDuration.observe(labels, ms / MS_PER_S);
    this.#note(replication, this.#m.syncDuration, labels);
    if (result === "success") {
      this.seeReplication(replication, this.#now());
      this.caughtUp(replication);
    }
  }

  /** Counts objects written to the DR cluster. */
  objectsWritten(replication: string, operation: WriteOperation, n = 1): void {
    if (n <= 0) return;
    const labels = { replication, operation };
    this.#m.objectsWritten.inc(labels, n);
    this.#note(replication, this.#m.objectsWritten, labels);
  }

  /** Counts failures; reasons outside SYNC_ERROR_REASONS become "Other". */
  syncError(replication: string, reason: string, n = 1): void {
    if (n <= 0) return;
    const labels = { replication, reason: errorReasonLabel(reason) };
    this.#m.syncErrors.inc(labels, n);
    this.#note(replication, this.#m.syncErrors, labels);
  }

  /** Counts the writes and failures of one sync's outcomes. */
  recordOutcomes(replication: string, outcomes: Iterable<ActionOutcome>): void {
    const { writes, errors } = tallyOutcomes(outcomes);
    for (const [op, n] of writes) this.objectsWritten(replication, op, n);
    for (const [reason, n] of errors) this.syncError(replication, reason, n);
  }

  /** Sets whether the mass-prune guard holds back this replication. */
  setPruneBlocked(replication: string, blocked: boolean): void {
    this.#m.pruneBlocked.set({ replication }, blocked ? 1 : 0);
    this.#note(replication, this.#m.pruneBlocked, { replication });
  }

  /** Sets the object counts of the replication's last sync. */
  setReplicationObjects(replication: string, c: ReplicationObjects): void {
    for (const state of ["desired", "inSync", "failed"] as const) {
      const labels = { replication, state };
      this.#m.replicationObjects.set(labels, c[state]);
      this.#note(replication, this.#m.replicationObjects, labels);
    }
  }

  /** Sets the info series; a changed remote or mode replaces the old one. */
  setReplicationInfo(replication: string, remote: string, mode: string): void {
    const old = this.#info.get(replication);
    if (old) this.#m.replicationInfo.remove({ replication, ...old });
    const info = { remote_cluster: remote, mode };
    this.#info.set(replication, info);
    this.#m.replicationInfo.set({ replication, ...info }, 1);
  }

  /** Removes every series of a deleted replication. */
  forget(replication: string): void {
    this.#series.drop(REPLICATION + replication);
    this.#times.delete(replication);
    this.volumes.forget(replication);
    const info = this.#info.get(replication);
    if (info) this.#m.replicationInfo.remove({ replication, ...info });
    this.#info.delete(replication);
  }

  /** Sets whether the remote cluster answered its last probe. */
  setRemoteClusterReady(remoteCluster: string, ready: boolean): void {
    const labels = { remote_cluster: remoteCluster };
    this.#m.remoteReady.set(labels, ready ? 1 : 0);
    this.#series.note(CLUSTER + remoteCluster, this.#m.remoteReady, labels);
  }

  /** Removes every series of a deleted RemoteCluster (readiness, requests, watches). */
  forgetRemoteCluster(remoteCluster: string): void {
    this.#series.drop(CLUSTER + remoteCluster);
  }

  /** Sets leadership directly (a stats source, when set, wins at scrape). */
  setLeader(leading: boolean): void {
    this.#m.leader.set(leading ? 1 : 0);
  }

  /** Counts a watch restart; causes outside WATCH_RESTART_CAUSES become "Error". */
  watchRestarted(cluster: string, resource: string, cause: string): void {
    const labels = { cluster, resource, cause: watchCauseLabel(cause) };
    this.#m.watchRestarts.inc(labels);
    this.#series.note(CLUSTER + cluster, this.#m.watchRestarts, labels);
  }

  /** Counts one HTTP attempt; `status` absent when no answer arrived. */
  apiRequest(cluster: string, method: string, status?: number): void {
    const labels = {
      cluster,
      verb: verbLabel(method),
      code: codeLabel(status),
    };
    this.#m.apiRequests.inc(labels);
    this.#series.note(CLUSTER + cluster, this.#m.apiRequests, labels);
  }

  /** A ClusterHttp `onRequest` hook counting into apiRequest. */
  requestObserver(cluster: string): RequestObserver {
    return (e) => this.apiRequest(cluster, e.method, e.status);
  }

  /** An informer `onRestart` hook counting into watchRestarted. */
  restartObserver(cluster: string): NonNullable<InformerOptions["onRestart"]> {
    return (cause, _delayMs, spec) =>
      this.watchRestarted(cluster, spec.type.resource, cause);
  }

  /**
   * Reads how many NamespaceReplications exist at every scrape: with
   * sharding, the alert compares it with the replicas' owned ones.
   */
  setReplicationCount(count: () => number): void {
    this.#replicationCount = count;
  }

  /** Reads leadership and queues from `source` at every scrape. */
  setStatsSource(source: () => ManagerStats): void {
    this.#statsSource = source;
  }

  /** Applies one manager snapshot: leader, queue depth, adds and retries. */
  observeManager(stats: ManagerStats): void {
    applyManagerStats(this.#m, this.#queueTotals, stats);
  }

  #track(replication: string): ReplicationTimes {
    let t = this.#times.get(replication);
    if (!t) this.#times.set(replication, t = { firstSeenMs: this.#now() });
    return t;
  }

  #note(
    replication: string,
    metric: { remove(labels: Record<string, string>): void },
    labels: Record<string, string>,
  ): void {
    this.#series.note(REPLICATION + replication, metric, labels);
  }
}
