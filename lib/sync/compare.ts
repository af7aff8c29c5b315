/**
 * Is the DR copy already what it should be? A semantic "desired ⊆ current"
 * comparison: the server adds defaults (imagePullPolicy, terminationMessagePath,
 * clusterIP...) that the desired copy never carries, so a field present only
 * on the current side is not drift. Maps where the server adds nothing are
 * compared exactly instead, so extra keys added on the DR side are drift:
 * metadata.labels and metadata.annotations (minus the controller-owned keys
 * below), and ConfigMap/Secret data and binaryData.
 *
 * Known limit: a field added on the DR side inside spec (e.g. a nodeSelector
 * nobody asked for) is indistinguishable from a server default and is kept.
 * Quantities are compared as the API server prints them; both clusters print
 * them canonically ("1000m" becomes "1"), so only number-vs-string is folded.
 */
import { CONTROLLER_OWNED_ANNOTATIONS } from "./transforms/metadata.ts";
import type { KubeObject } from "./types.ts";

/**
 * Label/annotation keys that DR-side controllers write; never drift. Every annotation a copy
 * never carries (the DR cluster's own API server sets deprecated.daemonset.template.generation
 * on each DaemonSet) is among them, or such a copy would be rewritten on every sync.
 */
export const CONTROLLER_METADATA_KEYS: ReadonlySet<string> = new Set([
  ...CONTROLLER_OWNED_ANNOTATIONS,
  "kubernetes.io/metadata.name", // set on every Namespace by the API server
  "volume.kubernetes.io/selected-node",
  "volume.kubernetes.io/storage-provisioner",
  "volume.beta.kubernetes.io/storage-provisioner",
  // Written by promote on a DR PVC restored from a replicated image.
  "drsyncer.io/restored-from",
  "drsyncer.io/prune-history", // our own memory on the DR namespace (prune-budget.ts)
]);
/** Prefixes of controller-owned keys (PV binder: bind-completed, ...). */
export const CONTROLLER_METADATA_PREFIXES: readonly string[] = [
  "pv.kubernetes.io/",
];

/** Diff paths kept for logs and dry-run output. */
export const MAX_DIFF_PATHS = 10;

/** Outcome of a comparison; `paths` is capped, `omitted` counts the rest. */
export interface Comparison {
  equal: boolean;
  paths: string[];
  omitted: number;
}

/** True for a label/annotation key that the DR cluster's controllers own. */
export function isControllerKey(key: string): boolean {
  return CONTROLLER_METADATA_KEYS.has(key) ||
    CONTROLLER_METADATA_PREFIXES.some((p) => key.startsWith(p));
}

/** Path segments: object keys and array indexes, from the root. */
type Path = (string | number)[];

/** Paths are formatted only for reported differences: equal is the hot case. */
class DiffCollector {
  paths: string[] = [];
  count = 0;
  add(path: Path): void {
    this.count++;
    if (this.paths.length < MAX_DIFF_PATHS) this.paths.push(formatPath(path));
  }
}

type Json = unknown;
type JsonMap = Record<string, Json>;

function isMap(v: Json): v is JsonMap {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** null, {} and [] are what the server omits, so they equal "absent". */
function isEmpty(v: Json): boolean {
  return v === null || v === undefined ||
    (Array.isArray(v) && v.length === 0) ||
    (isMap(v) && Object.keys(v).length === 0);
}

/** spec.ports[0].name, metadata.labels["app.kubernetes.io/name"] */
function formatPath(path: Path): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

function scalarEqual(d: Json, c: Json): boolean {
  if (d === c) return true;
  // replicas: 1 vs "1" and similar int-or-string fields.
  if (typeof d === "number" && typeof c === "string") return String(d) === c;
  if (typeof d === "string" && typeof c === "number") return d === String(c);
  return false;
}

/** Walks `d`, pushing and popping `path` in place to avoid allocations. */
function subsetDiff(d: Json, c: Json, path: Path, out: DiffCollector): void {
  if (c === undefined && isEmpty(d)) return;
  if (isMap(d)) {
    if (!isMap(c)) return out.add(path);
    for (const k in d) {
      if (d[k] === undefined) continue;
      path.push(k);
      subsetDiff(d[k], c[k], path, out);
      path.pop();
    }
    return;
  }
  if (Array.isArray(d)) {
    if (!Array.isArray(c) || c.length !== d.length) return out.add(path);
    for (let i = 0; i < d.length; i++) {
      path.push(i);
      subsetDiff(d[i], c[i], path, out);
      path.pop();
    }
    return;
  }
  if (!scalarEqual(d, c)) out.add(path);
}

function exactMapDiff(
  d: Json,
  c: Json,
  path: Path,
  out: DiffCollector,
  skip: (key: string) => boolean = () => false,
): void {
  const dm = isMap(d) ? d : {};
  const cm = isMap(c) ? c : {};
  const keys = new Set([...Object.keys(dm), ...Object.keys(cm)]);
  for (const k of [...keys].sort()) {
    if (!skip(k) && !scalarEqual(dm[k], cm[k])) out.add([...path, k]);
  }
}

// apiVersion/kind: identity is matched by key, and list items may lack them.
const NOT_COMPARED = new Set(["apiVersion", "kind", "metadata", "status"]);

function hasExactData(o: KubeObject): boolean {
  return o.apiVersion === "v1" &&
    (o.kind === "ConfigMap" || o.kind === "Secret");
}

/**
 * Compares a desired DR object with the live one (after allocated fields
 * were merged in, see mergeAllocated) and lists where they differ.
 */
export function compareObjects(
  desired: KubeObject,
  current: KubeObject,
): Comparison {
  const out = new DiffCollector();
  for (const field of ["labels", "annotations"] as const) {
    exactMapDiff(
      desired.metadata[field],
      current.metadata[field],
      ["metadata", field],
      out,
      isControllerKey,
    );
  }
  const exact = hasExactData(desired) ? ["data", "binaryData"] : [];
  for (const [k, v] of Object.entries(desired)) {
    if (NOT_COMPARED.has(k) || exact.includes(k)) continue;
    subsetDiff(v, current[k], [k], out);
  }
  for (const k of exact) exactMapDiff(desired[k], current[k], [k], out);
  return {
    equal: out.count === 0,
    paths: out.paths,
    omitted: out.count - out.paths.length,
  };
}

/** desired ⊆ current, ignoring server-added fields (see module doc). */
export function isSubset(desired: unknown, current: unknown): boolean {
  const out = new DiffCollector();
  subsetDiff(desired, current, [], out);
  return out.count === 0;
}

/** Same content both ways: for fields the server never defaults. */
export function semanticEqual(a: unknown, b: unknown): boolean {
  return isSubset(a, b) && isSubset(b, a);
}
