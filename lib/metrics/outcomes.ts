/**
 * Turns the outcomes of one sync into metric increments: one pass, counted
 * per operation and reason, so a sync of thousands of objects costs a few
 * counter updates instead of one per object.
 */
import type { ActionOutcome } from "../engine/outcome.ts";

/** A write to the DR cluster. */
export type WriteOperation = "create" | "update" | "delete" | "recreate";

/** Counts of one sync's outcomes. */
export interface OutcomeTally {
  writes: Map<WriteOperation, number>;
  /** By the outcome's reason ("Failed" when it has none), not yet capped. */
  errors: Map<string, number>;
}

const WRITES: ReadonlySet<string> = new Set<WriteOperation>([
  "create",
  "update",
  "delete",
  "recreate",
]);

/** Writes done (dry-run "planned" is not a write) and failures by reason. */
export function tallyOutcomes(outcomes: Iterable<ActionOutcome>): OutcomeTally {
  const writes = new Map<WriteOperation, number>();
  const errors = new Map<string, number>();
  for (const o of outcomes) {
    if (o.status === "done" && WRITES.has(o.action)) {
      const op = o.action as WriteOperation;
      writes.set(op, (writes.get(op) ?? 0) + 1);
    } else if (o.status === "failed") {
      const reason = o.reason ?? "Failed";
      errors.set(reason, (errors.get(reason) ?? 0) + 1);
    }
  }
  return { writes, errors };
}
