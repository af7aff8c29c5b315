/**
 * The memory behind pruneSafety.maxDeletesPerHour: how many copies were
 * pruned from one DR namespace in the last hour.
 *
 * It lives in an annotation on the DR namespace itself
 * (drsyncer.io/prune-history), written before the deletes it counts:
 * - durable: survives a controller restart, a leader change, and a
 *   NamespaceReplication deleted and created again (its status would not);
 * - per DR namespace, as the budget is, whichever replication prunes there;
 * - written first, so a crash between the record and the deletes can only
 *   over-count (a prune that did not happen still spends budget), never
 *   let more through than the budget.
 * Entries are "<unix seconds>=<count>", space-separated, oldest first;
 * entries older than the window are dropped on every write, so the value
 * stays small (at most one entry per pass in the last hour).
 */

/** The annotation holding the history. */
export const ANNOTATION_PRUNE_HISTORY = "drsyncer.io/prune-history";
/** The budget's window. */
export const PRUNE_BUDGET_WINDOW_MS = 60 * 60_000;

/** One recorded batch of prunes. */
export interface PruneBatch {
  atMs: number;
  count: number;
}

/** Reads the annotation; anything unreadable counts as nothing. */
export function parsePruneHistory(text: string | undefined): PruneBatch[] {
  if (!text) return [];
  const out: PruneBatch[] = [];
  for (const part of text.trim().split(/\s+/)) {
    const m = /^(\d{1,12})=(\d{1,9})$/.exec(part);
    if (m) out.push({ atMs: Number(m[1]) * 1000, count: Number(m[2]) });
  }
  return out;
}

/** Prunes recorded within the window before `nowMs`. */
export function prunedInWindow(
  history: readonly PruneBatch[],
  nowMs: number,
  windowMs = PRUNE_BUDGET_WINDOW_MS,
): number {
  return history
    .filter((b) => b.atMs > nowMs - windowMs && b.atMs <= nowMs)
    .reduce((n, b) => n + b.count, 0);
}

/** The annotation value after recording `count` prunes at `nowMs`. */
export function recordPrunes(
  history: readonly PruneBatch[],
  nowMs: number,
  count: number,
  windowMs = PRUNE_BUDGET_WINDOW_MS,
): string {
  const kept = history.filter((b) => b.atMs > nowMs - windowMs);
  if (count > 0) kept.push({ atMs: nowMs, count });
  return kept
    .map((b) => `${Math.floor(b.atMs / 1000)}=${b.count}`)
    .join(" ");
}
