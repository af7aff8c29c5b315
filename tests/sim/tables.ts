/**
 * meta.k8s.io/v1 Table answers for `kubectl get` (Accept `as=Table`): the
 * everyday columns of the common built-in types, a CRD's
 * additionalPrinterColumns (simple JSONPath), and NAME/AGE otherwise.
 */
import type { ResourceType } from "./registry.ts";
import type { KObj } from "./store.ts";

/** Whether the Accept header asks for a Table. */
export function wantsTable(accept: string | null): boolean {
  return !!accept && /as=Table/.test(accept);
}

/** A printer column of a CRD version (subset of the CRD field). */
export interface PrinterColumn {
  name: string;
  type: string;
  jsonPath: string;
  description?: string;
  priority?: number;
}

type Cell = string | number | boolean;
type Column = [
  name: string,
  type: string,
  cell: (o: KObj, now: number) => Cell,
  /** Columns above 0 are shown by `kubectl get -o wide` only. */
  priority?: number,
];
type Obj = Record<string, unknown>;

const SECOND = 1000;
const MINUTE = 60;
const HOUR = 3600;
const DAY = 86400;

/** Kubernetes' HumanDuration ("45s", "3m20s", "5h", "12d"). */
export function humanAge(since: string | undefined, now: number): string {
  if (!since) return "<unknown>";
  const s = Math.max(0, Math.floor((now - Date.parse(since)) / SECOND));
  if (s < MINUTE * 2) return `${s}s`;
  const m = Math.floor(s / MINUTE);
  if (m < 10) return s % MINUTE === 0 ? `${m}m` : `${m}m${s % MINUTE}s`;
  if (m < 3 * MINUTE) return `${m}m`;
  const h = Math.floor(s / HOUR);
  if (h < 8) return m % MINUTE === 0 ? `${h}h` : `${h}h${m % MINUTE}m`;
  if (h < 48) return `${h}h`;
  const d = Math.floor(s / DAY);
  if (h < 24 * 8) return h % 24 === 0 ? `${d}d` : `${d}d${h % 24}h`;
  return d < 365 * 2 ? `${d}d` : `${Math.floor(d / 365)}y`;
}

function at(o: unknown, path: string): unknown {
  let cur = o;
  for (const p of path.split(".").filter(Boolean)) {
    cur = (cur as Obj | undefined)?.[p];
  }
  return cur;
}

const AGE: Column = [
  "Age",
  "string",
  (o, now) => humanAge(o.metadata.creationTimestamp, now),
];
const NAME: Column = ["Name", "string", (o) => o.metadata.name];

function num(o: KObj, path: string): number {
  return Number(at(o, path) ?? 0);
}

function ports(o: KObj): string {
  const ps = (at(o, ".spec.ports") ?? []) as Obj[];
  if (ps.length === 0) return "<none>";
  return ps.map((p) =>
    `${p.port}${p.nodePort ? `:${p.nodePort}` : ""}/${p.protocol ?? "TCP"}`
  ).join(",");
}

/** core/v1 fields of an Event of either API (events.k8s.io/v1 renames some). */
function coreEvent(o: KObj): Obj {
  if (o.apiVersion !== "events.k8s.io/v1") return o as unknown as Obj;
  const e = o as unknown as Obj;
  return {
    involvedObject: e.regarding,
    message: e.note,
    firstTimestamp: e.deprecatedFirstTimestamp,
    lastTimestamp: e.deprecatedLastTimestamp,
    count: e.deprecatedCount,
    source: e.deprecatedSource,
    reportingComponent: e.reportingController,
    reportingInstance: e.reportingInstance,
    eventTime: e.eventTime,
    series: e.series,
    type: e.type,
    reason: e.reason,
  };
}

/** printEvent of kube-apiserver's printers: the columns `kubectl get events` shows. */
function eventCells(o: KObj, now: number): Cell[] {
  const e = coreEvent(o);
  const str = (path: string) => String(at(e, path) ?? "");
  const first = humanAge(str(".firstTimestamp") || str(".eventTime"), now);
  let last = str(".lastTimestamp")
    ? humanAge(str(".lastTimestamp"), now)
    : first;
  let count = Number(e.count ?? 0);
  if (e.series) {
    last = humanAge(str(".series.lastObservedTime") || undefined, now);
    count = Number(at(e, ".series.count") ?? 0);
  } else if (count === 0) count = 1;
  const kind = str(".involvedObject.kind").toLowerCase();
  const name = str(".involvedObject.name");
  const component = str(".source.component") || str(".reportingComponent");
  const instance = str(".source.host") || str(".reportingInstance");
  return [
    last,
    str(".type"),
    str(".reason"),
    name ? `${kind}/${name}` : kind,
    str(".involvedObject.fieldPath"),
    instance ? `${component}, ${instance}` : component,
    str(".message").trim(),
    first,
    count,
    o.metadata.name,
  ];
}

const EVENT_COLUMNS: Column[] = (
  [
    ["Last Seen", 0],
    ["Type", 0],
    ["Reason", 0],
    ["Object", 0],
    ["Subobject", 1],
    ["Source", 1],
    ["Message", 0],
    ["First Seen", 1],
    ["Count", 1],
    ["Name", 1],
  ] as const
).map(([name, priority], i): Column => [
  name,
  "string",
  (o, now) => eventCells(o, now)[i],
  priority,
]);

const BUILTIN_COLUMNS: Record<string, Column[]> = {
  events: EVENT_COLUMNS,
  "events.events.k8s.io": EVENT_COLUMNS,
  namespaces: [NAME, [
    "Status",
    "string",
    (o) => String(at(o, ".status.phase") ?? ""),
  ], AGE],
  configmaps: [NAME, [
    "Data",
    "integer",
    (o) => Object.keys((o.data ?? {}) as Obj).length,
  ], AGE],
  secrets: [NAME, ["Type", "string", (o) => String(o.type ?? "")], [
    "Data",
    "integer",
    (o) => Object.keys((o.data ?? {}) as Obj).length,
  ], AGE],
  services: [
    NAME,
    ["Type", "string", (o) => String(at(o, ".spec.type") ?? "")],
    ["Cluster-IP", "string", (o) => String(at(o, ".spec.clusterIP") ?? "")],
    ["External-IP", "string", () => "<none>"],
    ["Port(s)", "string", ports],
    AGE,
  ],
  "deployments.apps": [
    NAME,
    [
      "Ready",
      "string",
      (o) => `${num(o, ".status.readyReplicas")}/${num(o, ".spec.replicas")}`,
    ],
    ["Up-to-date", "integer", (o) => num(o, ".status.updatedReplicas")],
    ["Available", "integer", (o) => num(o, ".status.availableReplicas")],
    AGE,
  ],
  "statefulsets.apps": [NAME, [
    "Ready",
    "string",
    (o) => `${num(o, ".status.readyReplicas")}/${num(o, ".spec.replicas")}`,
  ], AGE],
  pods: [NAME, [
    "Status",
    "string",
    (o) => String(at(o, ".status.phase") ?? ""),
  ], AGE],
  persistentvolumeclaims: [
    NAME,
    ["Status", "string", (o) => String(at(o, ".status.phase") ?? "")],
    [
      "Capacity",
      "string",
      (o) => String(at(o, ".spec.resources.requests.storage") ?? ""),
    ],
    [
      "StorageClass",
      "string",
      (o) => String(at(o, ".spec.storageClassName") ?? ""),
    ],
    AGE,
  ],
};

/** Evaluates the JSONPath subset CRD printer columns use: .a.b, [n], [?(@.k=="v")]. */
export function jsonPath(o: unknown, path: string): unknown {
  let cur: unknown[] = [o];
  const re =
    /\.([A-Za-z0-9_-]+)|\[(\d+)\]|\[\?\(@\.([A-Za-z0-9_.-]+)\s*==\s*["']([^"']*)["']\)\]/g;
  for (const m of path.matchAll(re)) {
    cur = cur.flatMap((v) => {
      const one = (x: unknown) => (x === undefined ? [] : [x]);
      if (m[1] !== undefined) return one((v as Obj | undefined)?.[m[1]]);
      if (m[2] !== undefined) {
        return Array.isArray(v) ? one(v[Number(m[2])]) : [];
      }
      return Array.isArray(v)
        ? v.filter((x) => String(at(x, m[3])) === m[4])
        : [];
    });
  }
  return cur[0];
}

function crdColumns(cols: PrinterColumn[]): Column[] {
  return [
    NAME,
    ...cols.map((c): Column => [c.name, c.type, (o, now) => {
      const v = jsonPath(o, c.jsonPath);
      if (v === undefined || v === null) return "";
      return c.type === "date"
        ? humanAge(String(v), now)
        : typeof v === "object"
        ? JSON.stringify(v)
        : v as Cell;
    }]),
  ];
}

function columnsFor(t: ResourceType, key: string): Column[] {
  if (t.printerColumns?.length) return crdColumns(t.printerColumns);
  return BUILTIN_COLUMNS[key] ?? [NAME, AGE];
}

/** The Table document for a list (or a single object) of one type. */
export function toTable(
  t: ResourceType,
  key: string,
  objs: KObj[],
  resourceVersion: string,
): string {
  const cols = columnsFor(t, key);
  const now = Date.now();
  const columnDefinitions = cols.map(([name, type, , priority = 0]) => ({
    name,
    type,
    format: name === "Name" ? "name" : "",
    description: "",
    priority,
  }));
  const rows = objs.map((o) => ({
    cells: cols.map(([, , cell]) => cell(o, now)),
    object: {
      kind: "PartialObjectMetadata",
      apiVersion: "meta.k8s.io/v1",
      metadata: o.metadata,
    },
  }));
  return JSON.stringify({
    kind: "Table",
    apiVersion: "meta.k8s.io/v1",
    metadata: { resourceVersion },
    columnDefinitions,
    rows,
  });
}
