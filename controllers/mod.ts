/**
 * Builds the three controllers over one shared context (dr-syncer run).
 */
import { type Clock, systemClock } from "../lib/clock.ts";
import type { Controller, RuntimeLog } from "../lib/controller.ts";
import { EventRecorder } from "../lib/events.ts";
import type { RunContext } from "../lib/run-controller.ts";
import type { Metrics } from "../lib/metrics/mod.ts";
import {
  type ControllerContext,
  NAMESPACES,
  ownKindSpec,
  SECRETS,
} from "./context.ts";
import { namespaceMappingController } from "./namespace-mapping.ts";
import {
  namespaceReplicationController,
  type ReplicationControllerOptions,
} from "./namespace-replication/reconciler.ts";
import { remoteClusterController } from "./remote-cluster.ts";

export interface ControllerOptions {
  log: RuntimeLog;
  metrics: Metrics;
  clock?: Clock;
  replication?: ReplicationControllerOptions;
}

/** The controllers of dr-syncer, sharing caches, remote state and a bus. */
export function buildControllers(
  run: RunContext,
  opts: ControllerOptions,
): Controller[] {
  const { informers, source, namespace } = run;
  const leases = [
    informers.acquire(source, ownKindSpec("RemoteCluster", namespace)),
    informers.acquire(source, ownKindSpec("NamespaceMapping", namespace)),
    informers.acquire(source, ownKindSpec("NamespaceReplication", namespace)),
    informers.acquire(source, { type: SECRETS, namespace }),
    informers.acquire(source, { type: NAMESPACES }),
  ];
  const [remoteClusters, mappings, replications, secrets, namespaces] = leases
    .map((l) => l.informer);
  const ctx: ControllerContext = {
    source,
    namespace,
    remotes: run.remotes,
    informers,
    caches: { remoteClusters, mappings, replications, secrets, namespaces },
    events: new EventRecorder(source, { clock: opts.clock, log: opts.log }),
    clock: opts.clock ?? systemClock,
    log: opts.log,
    metrics: opts.metrics,
    bus: {},
    remoteStates: new Map(),
    shard: run.shard,
  };
  opts.metrics.setReplicationCount(() => replications.list().length);
  run.shard?.attach({
    replications: () =>
      replications.hasSynced
        ? replications.list().map((o) => o.metadata.name)
        : undefined,
    changed: (name) => ctx.bus.wakeReplication?.(name),
  });
  const replication = namespaceReplicationController(ctx, opts.replication);
  const detachReplication = replication.detach;
  replication.detach = async () => {
    await detachReplication?.();
    await ctx.events.flush();
    await Promise.all(leases.map((l) => l.release()));
  };
  return [
    remoteClusterController(ctx),
    namespaceMappingController(ctx),
    replication,
  ];
}
