/**
 * The drsyncer_ instruments, created into one registry. Names and labels are
 * part of the product (alert rules and dashboards use them); docs/metrics.md
 * describes each one.
 */
import { Counter, Gauge, Histogram, type Registry } from "prom-client";

/**
 * Sync durations from a few ms (nothing changed) to 10 min (large
 * namespaces), in steps of about 2.5x: 12 buckets keep a histogram per
 * replication and result affordable (15 series each).
 */
export const SYNC_DURATION_BUCKETS: readonly number[] = [
  0.005,
  0.025,
  0.1,
  0.25,
  1,
  2.5,
  10,
  30,
  60,
  120,
  300,
  600,
];

/** Called when a scrape reads a gauge or counter fed at collect time. */
export interface CollectHooks {
  secondsSinceSuccess(g: Gauge<"replication">): void;
  replications(g: Gauge): void;
  managerStats(): void;
}

/** Every instrument the Metrics class writes. */
export interface Instruments {
  secondsSince: Gauge<"replication">;
  lastSuccess: Gauge<"replication">;
  rpoObjective: Gauge<"replication">;
  replications: Gauge;
  syncDuration: Histogram<"replication" | "result">;
  objectsWritten: Counter<"replication" | "operation">;
  syncErrors: Counter<"replication" | "reason">;
  pruneBlocked: Gauge<"replication">;
  replicationObjects: Gauge<"replication" | "state">;
  replicationInfo: Gauge<"replication" | "remote_cluster" | "mode">;
  remoteReady: Gauge<"remote_cluster">;
  leader: Gauge;
  cachedObjects: Gauge<"resource">;
  queueDepth: Gauge<"queue">;
  queueAdds: Counter<"queue">;
  queueRetries: Counter<"queue">;
  watchRestarts: Counter<"cluster" | "resource" | "cause">;
  apiRequests: Counter<"cluster" | "verb" | "code">;
}

/** Creates all instruments in `registry`. */
export function createInstruments(
  registry: Registry,
  hooks: CollectHooks,
): Instruments {
  const registers = [registry];
  const gauge = <L extends string>(name: string, help: string, labels: L[]) =>
    new Gauge<L>({ name, help, labelNames: labels, registers });
  const counter = <L extends string>(name: string, help: string, labels: L[]) =>
    new Counter<L>({ name, help, labelNames: labels, registers });
  const secondsSince: Gauge<"replication"> = new Gauge({
    name: "drsyncer_seconds_since_last_successful_sync",
    help:
      "The RPO: seconds since the replication was last known caught up (since first seen if never)",
    labelNames: ["replication"],
    registers,
    collect: () => hooks.secondsSinceSuccess(secondsSince),
  });
  return {
    secondsSince,
    lastSuccess: gauge(
      "drsyncer_last_successful_sync_timestamp_seconds",
      "Unix time of the end of the last successful sync",
      ["replication"],
    ),
    replications: new Gauge({
      name: "drsyncer_replications",
      help:
        "NamespaceReplications in the controller namespace, as this replica sees them",
      registers,
      collect(this: Gauge) {
        hooks.replications(this);
      },
    }),
    rpoObjective: gauge(
      "drsyncer_rpo_objective_seconds",
      "The replication's spec.rpoObjective in seconds",
      ["replication"],
    ),
    syncDuration: new Histogram({
      name: "drsyncer_sync_duration_seconds",
      help: "Duration of sync runs by result (success, failure, partial)",
      labelNames: ["replication", "result"],
      buckets: [...SYNC_DURATION_BUCKETS],
      registers,
    }),
    objectsWritten: counter(
      "drsyncer_objects_written_total",
      "Objects written to the DR cluster by operation",
      ["replication", "operation"],
    ),
    syncErrors: counter(
      "drsyncer_sync_errors_total",
      "Failed object writes and failed syncs by reason (unknown: Other)",
      ["replication", "reason"],
    ),
    pruneBlocked: gauge(
      "drsyncer_prune_blocked",
      "1 while the mass-prune guard holds back deletions",
      ["replication"],
    ),
    replicationObjects: gauge(
      "drsyncer_replication_objects",
      "Objects of the last sync by state (desired, inSync, failed)",
      ["replication", "state"],
    ),
    replicationInfo: gauge(
      "drsyncer_replication_info",
      "Always 1; carries the replication's remote cluster and mode",
      ["replication", "remote_cluster", "mode"],
    ),
    remoteReady: gauge(
      "drsyncer_remote_cluster_ready",
      "1 when the remote cluster answered its last probe",
      ["remote_cluster"],
    ),
    ...managerInstruments(registers, hooks),
    ...clientInstruments(registers),
  };
}

function managerInstruments(registers: Registry[], hooks: CollectHooks) {
  const collect = () => hooks.managerStats();
  return {
    leader: new Gauge({
      name: "drsyncer_leader",
      help: "1 while this replica holds the lease and runs reconcilers",
      registers,
      collect,
    }),
    cachedObjects: new Gauge({
      name: "drsyncer_cached_objects",
      help:
        "Source objects held in watch caches, by resource (memory grows with it)",
      labelNames: ["resource"],
      registers,
      collect,
    }),
    queueDepth: new Gauge({
      name: "drsyncer_workqueue_depth",
      help: "Keys waiting in the work queue",
      labelNames: ["queue"],
      registers,
      collect,
    }),
    queueAdds: new Counter({
      name: "drsyncer_workqueue_adds_total",
      help: "Keys added to the work queue",
      labelNames: ["queue"],
      registers,
      collect,
    }),
    queueRetries: new Counter({
      name: "drsyncer_workqueue_retries_total",
      help: "Keys requeued with backoff after a failed reconcile",
      labelNames: ["queue"],
      registers,
      collect,
    }),
  };
}

function clientInstruments(registers: Registry[]) {
  return {
    watchRestarts: new Counter({
      name: "drsyncer_watch_restarts_total",
      help: "Watch restarts by cluster, resource and cause",
      labelNames: ["cluster", "resource", "cause"],
      registers,
    }),
    apiRequests: new Counter({
      name: "drsyncer_api_requests_total",
      help: "HTTP requests to Kubernetes API servers (each retry counts)",
      labelNames: ["cluster", "verb", "code"],
      registers,
    }),
  };
}
