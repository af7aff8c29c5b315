/**
 * Builds the three controllers over one shared context (dr-syncer run).
 */
import { type Clock, systemClock } from "../lib/clock.ts";
import type { Controller, RuntimeLog } from "../lib/controller.ts";
import { EventChannel } from "../lib/event-channel.ts";
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
import { MappingResolutions } from "./mapping-resolutions.ts";
import { remoteClusterController } from "./remote-cluster.ts";
import { RemoteRegistry } from "./remote-states.ts";

export interface ControllerOptions {
  log: RuntimeLog;
  metrics: Metrics;
  clock?: Clock;
  replication?: ReplicationControllerOptions;
}

/**
 * The controllers of dr-syncer, sharing caches, the resolved mappings and
 * the remote registry (which only the RemoteCluster reconciler writes).
 */
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
  const remoteStates = new RemoteRegistry();
  const shardChanges = run.shard ? new EventChannel() : undefined;
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
    remoteStates,
    mappingResolutions: new MappingResolutions(namespaces, namespace),
    shard: run.shard,
    shardChanges,
  };
  opts.metrics.setReplicationCount(() => replications.list().length);
  run.shard?.attach({
    replications: () =>
      replications.hasSynced
        ? replications.list().map((o) => o.metadata.name)
        : undefined,
    changed: (name) => shardChanges?.emit(name),
  });
  const replication = namespaceReplicationController(ctx, opts.replication);
  const detachReplication = replication.detach;
  replication.detach = async () => {
    await detachReplication?.();
    await ctx.events.flush();
    ctx.mappingResolutions.close();
    await Promise.all(leases.map((l) => l.release()));
  };
  return [
    remoteClusterController(ctx, remoteStates),
    namespaceMappingController(ctx),
    replication,
  ];
}
