/**
 * The demo's side-by-side view: one row per object, source on the left and
 * its DR copy on the right, then the replication's status and RPO. Pure:
 * snapshot in, lines out.
 */
import type { Obj } from "./api.ts";

/** One object as the view shows it. */
export interface Row {
  kind: string;
  name: string;
  detail: string;
}

/** Everything one frame shows. */
export interface Snapshot {
  title: string;
  sourceNs: string;
  drNs: string;
  source: Row[];
  dr: Row[];
  phase: string;
  lastSync: string;
  counts: string;
  /** Seconds since the last successful sync, from /metrics. */
  rpoSeconds?: number;
  promoted?: string;
}

const COLUMN = 50;
const SHORT: Record<string, string> = { PersistentVolumeClaim: "PVC" };
const MISSING = "-";

/** Short description of an object for its row. */
export function describe(o: Obj): Row {
  const kind = String(o.kind);
  const name = String(o.metadata?.name);
  return { kind, name, detail: detailOf(kind, o) };
}

function detailOf(kind: string, o: Obj): string {
  const spec = o.spec ?? {};
  switch (kind) {
    case "Deployment": {
      const original = o.metadata?.annotations
        ?.["drsyncer.io/original-replicas"];
      const parked = original !== undefined && spec.replicas === 0;
      return `replicas ${spec.replicas}${
        parked ? ` (parked, was ${original})` : ""
      }`;
    }
    case "Service":
      return `${spec.type ?? "ClusterIP"} :${spec.ports?.[0]?.port}`;
    case "Ingress":
      return `${spec.rules?.[0]?.host} (${spec.ingressClassName})`;
    case "ConfigMap":
      return Object.entries(o.data ?? {}).map(([k, v]) => `${k}="${v}"`).join(
        " ",
      );
    case "Secret":
      return `${Object.keys(o.data ?? {}).length} key(s), values hidden`;
    case "PersistentVolumeClaim":
      return `class ${spec.storageClassName}`;
    default:
      return "";
  }
}

function cell(r: Row | undefined): string {
  const text = r
    ? `${SHORT[r.kind] ?? r.kind}/${r.name}  ${r.detail}`
    : MISSING;
  return text.length > COLUMN - 2 ? `${text.slice(0, COLUMN - 3)}…` : text;
}

/** The frame as lines of text. */
export function render(s: Snapshot): string[] {
  const keys = [
    ...new Set([...s.source, ...s.dr].map((r) => `${r.kind}/${r.name}`)),
  ];
  const find = (rows: Row[], key: string) =>
    rows.find((r) => `${r.kind}/${r.name}` === key);
  const rule = "-".repeat(COLUMN * 2);
  const rpo = s.rpoSeconds === undefined
    ? "n/a"
    : `${s.rpoSeconds.toFixed(1)}s`;
  return [
    `== ${s.title}`,
    `${
      `source cluster, namespace ${s.sourceNs}`.padEnd(COLUMN)
    }DR cluster, namespace ${s.drNs}`,
    rule,
    ...keys.map((k) =>
      `${cell(find(s.source, k)).padEnd(COLUMN)}${cell(find(s.dr, k))}`
    ),
    rule,
    `replication: phase ${s.phase}, last sync ${s.lastSync}, ${s.counts}`,
    `RPO (drsyncer_seconds_since_last_successful_sync): ${rpo}` +
    (s.promoted ? `   DR namespace promoted at ${s.promoted}` : ""),
  ];
}
