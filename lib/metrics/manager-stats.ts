/**
 * Copies a Manager snapshot into the leader, queue-depth and queue-counter
 * instruments. The manager keeps cumulative totals per queue; counters only
 * go up, so each scrape adds what grew since the last one.
 */
import type { ManagerStats } from "../controller.ts";
import type { Instruments } from "./instruments.ts";

type Totals = Map<string, { adds: number; retries: number }>;

/** Applies `stats`; `totals` remembers the last totals seen per queue. */
export function applyManagerStats(
  m: Instruments,
  totals: Totals,
  stats: ManagerStats,
): void {
  m.leader.set(stats.leading ? 1 : 0);
  // Queues exist only while leading: a standby reports no depth at all.
  m.queueDepth.reset();
  for (const q of stats.queues) {
    const queue = q.reconciler;
    m.queueDepth.set({ queue }, q.depth);
    const last = totals.get(queue) ?? { adds: 0, retries: 0 };
    m.queueAdds.inc({ queue }, growth(last.adds, q.adds));
    m.queueRetries.inc({ queue }, growth(last.retries, q.retries));
    totals.set(queue, { adds: q.adds, retries: q.retries });
  }
  const cached = new Map<string, number>();
  for (const i of stats.informers) {
    cached.set(i.resource, (cached.get(i.resource) ?? 0) + i.cached);
  }
  m.cachedObjects.reset();
  for (const [resource, n] of cached) m.cachedObjects.set({ resource }, n);
}

/** What a total added since `last`; all of it when the queue was made anew. */
function growth(last: number, current: number): number {
  return current >= last ? current - last : current;
}
