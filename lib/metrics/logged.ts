/**
 * Metrics that also log: every sync outcome and remote-cluster readiness
 * change the controllers report as a metric becomes one log line too, so
 * the log tells the same story as /metrics without the controllers carrying
 * a second set of calls. Lines carry `replication` / `remoteCluster` fields.
 */
import type { RuntimeLog } from "../controller.ts";
import { Metrics, type MetricsOptions, type SyncResult } from "../metrics.ts";

/** See the module comment. */
export class LoggedMetrics extends Metrics {
  readonly #log: RuntimeLog;
  readonly #ready = new Map<string, boolean>();

  constructor(log: RuntimeLog, o: MetricsOptions = {}) {
    super(o);
    this.#log = log;
  }

  /** Records the sync and logs its result and duration. */
  override syncFinished(
    replication: string,
    result: SyncResult,
    ms: number,
  ): void {
    super.syncFinished(replication, result, ms);
    const props = { replication, result, durationMs: Math.round(ms) };
    if (result === "success") this.#log.info("sync finished", props);
    else this.#log.warn("sync finished", props);
  }

  /** Counts the errors and logs them by reason. */
  override syncError(replication: string, reason: string, n = 1): void {
    super.syncError(replication, reason, n);
    if (n > 0) this.#log.warn("sync errors", { replication, reason, count: n });
  }

  /** Sets readiness; logs only changes, not every probe. */
  override setRemoteClusterReady(remoteCluster: string, ready: boolean): void {
    super.setRemoteClusterReady(remoteCluster, ready);
    if (this.#ready.get(remoteCluster) === ready) return;
    this.#ready.set(remoteCluster, ready);
    if (ready) this.#log.info("remote cluster ready", { remoteCluster });
    else this.#log.warn("remote cluster not ready", { remoteCluster });
  }

  /** Forgets the cluster's series and its remembered readiness. */
  override forgetRemoteCluster(remoteCluster: string): void {
    super.forgetRemoteCluster(remoteCluster);
    this.#ready.delete(remoteCluster);
  }
}
