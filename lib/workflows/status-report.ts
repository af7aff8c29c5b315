/**
 * `dr-syncer status`'s pure half: one row per NamespaceReplication, its
 * health verdict, and the text table / JSON document printed from it.
 *
 * RPO is now minus the last successful sync (or, never synced, minus the
 * object's creation: a replication that has not succeeded since it was
 * made is as stale as its age). It is compared with `spec.rpoObjective`
 * (default 15m). Exit 1 (a cron check's alarm) when any replication is
 * Failed or past its objective; suspended ones included, their copy ages
 * all the same.
 *
 * JSON schema (`-o json`), stable; absent values are null, never missing:
 *   { namespace: string, healthy: boolean,
 *     replications: [{ name, remote, mode, phase: string,
 *       ready: boolean, remoteReady: boolean | null,
 *       lastSuccessfulSyncTime: string | null,
 *       rpoSeconds: number | null, rpoObjectiveSeconds: number,
 *       pastObjective: boolean,
 *       counts: { desired, inSync, created, updated, deleted, skipped,
 *                 failed },
 *       promoted: string[],
 *       volumes: { count: number, maxLagSeconds: number | null,
 *                  notSynced: number } | null,
 *       controller: string | null,   (with sharding: the replica handling it)
 *       problems: string[] }] }
 */
import type {
  Condition,
  NamespaceReplication,
  SyncCounts,
} from "../api/v1alpha1.ts";
import { formatDuration, parseDuration } from "../sync/duration.ts";
import { formatTable } from "./report.ts";

/** Default of spec.rpoObjective (contract §6). */
export const DEFAULT_RPO_OBJECTIVE = "15m";
const MS_PER_SECOND = 1000;

/** One entry of status.volumes, as far as status reads it. */
interface VolumeEntry {
  phase?: string;
  lastSyncTime?: string;
}

/**
 * The fields status reads beyond the typed API: `spec.rpoObjective` and
 * `status.volumes` (data replication) may be absent on older objects.
 */
export type ReplicationObject = NamespaceReplication & {
  spec: { rpoObjective?: string };
  status?: { volumes?: VolumeEntry[] };
};

/** One replication's line in the status report. */
export interface StatusRow {
  name: string;
  remote: string;
  mode: string;
  phase: string;
  ready: boolean;
  remoteReady: boolean | null;
  lastSuccessfulSyncTime: string | null;
  rpoSeconds: number | null;
  rpoObjectiveSeconds: number;
  pastObjective: boolean;
  counts: SyncCounts;
  promoted: string[];
  volumes: { count: number; maxLagSeconds: number | null; notSynced: number };
  controller: string | null;
  problems: string[];
}

const ZERO_COUNTS: SyncCounts = {
  desired: 0,
  inSync: 0,
  created: 0,
  updated: 0,
  deleted: 0,
  skipped: 0,
  failed: 0,
};

function condition(
  conditions: Condition[] | undefined,
  type: string,
): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

function secondsSince(now: Date, time: string | undefined): number | null {
  const t = time ? Date.parse(time) : NaN;
  if (Number.isNaN(t)) return null;
  return Math.max(0, Math.floor((now.getTime() - t) / MS_PER_SECOND));
}

function objectiveSeconds(text: string | undefined): number {
  const parsed = parseDuration(text ?? DEFAULT_RPO_OBJECTIVE);
  const fallback = parseDuration(DEFAULT_RPO_OBJECTIVE);
  const ms = parsed.ok ? parsed.ms : fallback.ok ? fallback.ms : 0;
  return Math.round(ms / MS_PER_SECOND);
}

function promotedOf(conditions: Condition[] | undefined): string[] {
  const c = condition(conditions, "DestinationPromoted");
  if (c?.status !== "True" || !c.message) return [];
  return c.message.split(",").map((s) => s.trim()).filter(Boolean);
}

function volumesOf(now: Date, volumes: VolumeEntry[] | undefined) {
  const list = volumes ?? [];
  const lags = list.map((v) => secondsSince(now, v.lastSyncTime));
  const known = lags.filter((l): l is number => l !== null);
  return {
    count: list.length,
    maxLagSeconds: known.length > 0 ? Math.max(...known) : null,
    notSynced: lags.filter((l) => l === null).length,
  };
}

/** The row of one replication at `now`. */
export function statusRow(nr: ReplicationObject, now: Date): StatusRow {
  const status = nr.status ?? {};
  const conditions = status.conditions;
  const phase = status.phase ?? "Pending";
  const remote = condition(conditions, "RemoteClusterReady");
  const since = status.lastSuccessfulSyncTime ??
    nr.metadata.creationTimestamp;
  const rpoSeconds = secondsSince(now, since);
  const rpoObjectiveSeconds = objectiveSeconds(nr.spec.rpoObjective);
  const pastObjective = rpoSeconds !== null &&
    rpoSeconds > rpoObjectiveSeconds;
  const problems: string[] = [];
  if (phase === "Failed") {
    const ready = condition(conditions, "Ready");
    problems.push(
      `phase Failed${ready?.message ? `: ${ready.message}` : ""}`,
    );
  }
  if (pastObjective) {
    problems.push(
      `RPO ${formatSeconds(rpoSeconds)} is past its objective ` +
        formatSeconds(rpoObjectiveSeconds),
    );
  }
  return {
    name: nr.metadata.name,
    remote: nr.spec.remoteClusterRef?.name ?? "",
    mode: nr.spec.mode ?? "Continuous",
    phase,
    ready: condition(conditions, "Ready")?.status === "True",
    remoteReady: remote ? remote.status === "True" : null,
    lastSuccessfulSyncTime: status.lastSuccessfulSyncTime ?? null,
    rpoSeconds,
    rpoObjectiveSeconds,
    pastObjective,
    counts: { ...ZERO_COUNTS, ...status.counts },
    promoted: promotedOf(conditions),
    volumes: volumesOf(now, status.volumes),
    controller: status.controller ?? null,
    problems,
  };
}

/** Rows sorted by name, for a stable table. */
export function statusRows(
  items: readonly ReplicationObject[],
  now: Date,
): StatusRow[] {
  return items.map((nr) => statusRow(nr, now)).sort((a, b) =>
    a.name.localeCompare(b.name)
  );
}

/** True when no replication is Failed or past its RPO objective. */
export function allHealthy(rows: readonly StatusRow[]): boolean {
  return rows.every((r) => r.problems.length === 0);
}

/** "42s", "3m5s", "2h0m0s" (whole seconds); "-" when unknown. */
export function formatSeconds(seconds: number | null): string {
  return seconds === null ? "-" : formatDuration(seconds * MS_PER_SECOND);
}

function remoteCell(r: StatusRow): string {
  return r.remoteReady === false ? `${r.remote} (not ready)` : r.remote;
}

function dataLagCell(r: StatusRow): string {
  const v = r.volumes;
  if (v.count === 0) return "-";
  const parts = [`${v.count} PVC${v.count === 1 ? "" : "s"}`];
  if (v.notSynced > 0) parts.push(`${v.notSynced} never synced`);
  return `${formatSeconds(v.maxLagSeconds)} (${parts.join(", ")})`;
}

/** The terminal table: one line per replication. */
export function statusTable(rows: readonly StatusRow[]): string {
  return formatTable(
    [
      "NAME",
      "REMOTE",
      "MODE",
      "PHASE",
      "RPO",
      "OBJECTIVE",
      "IN SYNC",
      "FAILED",
      "SKIPPED",
      "PROMOTED",
      "DATA LAG",
    ],
    rows.map((r) => [
      r.name,
      remoteCell(r),
      r.mode,
      r.phase,
      formatSeconds(r.rpoSeconds),
      formatSeconds(r.rpoObjectiveSeconds),
      `${r.counts.inSync}/${r.counts.desired}`,
      String(r.counts.failed),
      String(r.counts.skipped),
      r.promoted.length > 0 ? r.promoted.join(",") : "-",
      dataLagCell(r),
    ]),
  );
}

/** The `-o json` document. */
export function statusJson(namespace: string, rows: StatusRow[]): string {
  return JSON.stringify(
    {
      namespace,
      healthy: allHealthy(rows),
      replications: rows.map((r) => ({
        ...r,
        volumes: r.volumes.count > 0 ? r.volumes : null,
      })),
    },
    null,
    2,
  );
}
