/**
 * How a sync result is printed: a table (ACTION KIND NAME REASON, plus
 * RESULT for a real run) and a summary line, or one JSON document.
 *
 * JSON schema (`-o json`), stable; absent values are null, never missing:
 *   { source: string, destination: string, owner: string, dryRun: boolean,
 *     state: "Synced" | "SourceNamespaceMissing" | "DestinationPromoted"
 *            | "DestinationUnavailable",
 *     message: string | null,
 *     counts: { desired, inSync, created, updated, deleted, skipped, failed },
 *             (in a dry run: what would be created, updated...)
 *     actions: [{ action: "create" | "update" | "recreate" | "delete"
 *                         | "unchanged" | "skip" | "conflict",
 *                 kind, namespace, name: string,
 *                 status: "planned" | "done" | "unchanged" | "skipped"
 *                         | "failed" | "blocked",
 *                 reason: string | null, message: string | null }],
 *     warnings: string[] }
 * Actions come in write order (namespace first, prunes last); prunes held
 * back by the mass-deletion guard are `delete` with status `blocked`.
 */
import type { NamespaceSyncResult } from "../engine/namespace-sync.ts";
import {
  type ActionOutcome,
  countOutcome,
  emptyCounts,
} from "../engine/outcome.ts";
import type { SyncCounts } from "../api/v1alpha1.ts";
import { formatTable } from "./report.ts";

/** One printed row. */
export interface SyncRow {
  action: string;
  kind: string;
  namespace: string;
  name: string;
  status: ActionOutcome["status"] | "blocked";
  reason: string | null;
  message: string | null;
}

function rowOf(o: ActionOutcome): SyncRow {
  return {
    action: o.action,
    kind: o.kind,
    namespace: o.namespace,
    name: o.name,
    status: o.status,
    reason: o.reason ?? null,
    message: o.message ?? null,
  };
}

/** Every row of a result, in write order. */
export function syncRows(r: NamespaceSyncResult): SyncRow[] {
  const rows: SyncRow[] = [];
  if (r.namespaceOutcome) rows.push(rowOf(r.namespaceOutcome));
  rows.push(...r.outcomes.map(rowOf));
  for (const b of r.prune?.blocked?.objects ?? []) {
    rows.push({
      action: "delete",
      kind: b.kind,
      namespace: b.namespace,
      name: b.name,
      status: "blocked",
      reason: "MassDeletion",
      message: r.prune?.blocked?.message ?? null,
    });
  }
  return rows;
}

/**
 * The counts of a result; in a dry run, planned actions count as what they
 * would do (the engine counts only what was done).
 */
export function resultCounts(r: NamespaceSyncResult): SyncCounts {
  const counts = emptyCounts();
  counts.desired = r.counts.desired;
  for (const o of r.outcomes) {
    countOutcome(counts, o.status === "planned" ? { ...o, status: "done" } : o);
  }
  return counts;
}

/** The `-o json` document. */
export function syncJson(
  r: NamespaceSyncResult,
  meta: { owner: string; dryRun: boolean },
): string {
  return JSON.stringify(
    {
      source: r.pair.source,
      destination: r.pair.destination,
      owner: meta.owner,
      dryRun: meta.dryRun,
      state: r.state,
      message: r.message ?? null,
      counts: resultCounts(r),
      actions: syncRows(r),
      warnings: r.warnings,
    },
    null,
    2,
  );
}

function reasonText(row: SyncRow): string {
  if (row.status === "failed" && row.message) {
    return `${row.reason ?? "Failed"}: ${row.message}`;
  }
  return row.reason ?? "";
}

/** The table: every row for a dry run, only what happened otherwise. */
export function syncTable(r: NamespaceSyncResult, dryRun: boolean): string {
  const rows = syncRows(r).filter((row) =>
    dryRun || row.status !== "unchanged"
  );
  if (rows.length === 0) return "";
  if (dryRun) {
    return formatTable(
      ["ACTION", "KIND", "NAME", "REASON"],
      rows.map((row) => [row.action, row.kind, row.name, reasonText(row)]),
    );
  }
  return formatTable(
    ["ACTION", "KIND", "NAME", "RESULT", "REASON"],
    rows.map((row) => [
      row.action,
      row.kind,
      row.name,
      row.status,
      reasonText(row),
    ]),
  );
}

/** "shop → shop-dr: 2 created, ..." */
export function syncSummary(
  r: NamespaceSyncResult,
  meta: { owner: string; dryRun: boolean },
): string {
  const c = resultCounts(r);
  const verb = meta.dryRun ? "would be " : "";
  const parts = [
    `${c.created} ${verb}created`,
    `${c.updated} ${verb}updated`,
    `${c.deleted} ${verb}deleted`,
    `${c.inSync} unchanged`,
    `${c.skipped} skipped`,
    `${c.failed} failed`,
  ];
  const blocked = r.prune?.blocked?.objects.length ?? 0;
  if (blocked > 0) parts.push(`${blocked} prunes blocked`);
  const tail = meta.dryRun ? " (dry run: nothing written)" : "";
  return `${r.pair.source} → ${r.pair.destination} (owner ${meta.owner}): ` +
    `${parts.join(", ")}${tail}`;
}
