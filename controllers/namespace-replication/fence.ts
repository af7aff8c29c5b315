/**
 * The controller's answers to the write fence's three questions:
 *
 * - promoted: in Continuous mode from the DR namespace watch, which the API
 *   server pushes on commit, so it lags by less than a round trip while the
 *   watch is healthy (a stalled watch is restarted by the watchdog); this
 *   keeps one source change at one DR request. Otherwise (Scheduled,
 *   Manual, the watch not synced yet, or no watch open: between a cut
 *   watch and its re-watch the cache is stale for the backoff, a second or
 *   more) a fresh GET per write rank.
 * - lease: the reconcile's signal, which the work queue aborts when
 *   leadership is lost.
 * - ownership: with sharding, the replica's shard fence (its per-replication
 *   Lease); without, this replica owns every replication. The shard fence's
 *   write observer (a test hook) hears of every write that passed.
 */
import type { Informer } from "../../lib/informer/informer.ts";
import type { ClusterWriter } from "../../lib/engine/ports.ts";
import { NAMESPACES } from "../../lib/engine/ports.ts";
import { WriteFence } from "../../lib/engine/write-fence.ts";
import type { ShardFence } from "../../lib/sharding/coordinator.ts";

/** See the module comment. */
export function replicationFence(
  dr: Pick<ClusterWriter, "get">,
  replication: string,
  leading: AbortSignal,
  drNamespaces?: Informer,
  shard?: ShardFence,
): WriteFence {
  return new WriteFence({
    readNamespace: (name) =>
      drNamespaces?.live
        ? Promise.resolve(drNamespaces.get(name))
        : dr.get(NAMESPACES, undefined, name),
    holdsLease: () => !leading.aborted,
    ownsReplication: () => shard?.owns(replication) ?? true,
    observeWrite: (startedAt, endedAt) =>
      shard?.onWrite?.(replication, startedAt, endedAt),
  });
}
