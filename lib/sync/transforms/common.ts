/**
 * Shared shapes and helpers of the per-kind copy rules (contract §3–§4).
 * Every rule works on a private deep copy made by `toDrCopy`, never on the
 * source, so rules may edit the copy in place.
 */
import type { ValueMapping } from "../../api/v1alpha1.ts";
import { GROUP } from "../../api/v1alpha1.ts";
import type { KubeObject } from "../types.ts";

/** How one NamespaceReplication wants its copies shaped. */
export interface CopyOptions {
  /** Namespace the copy is written to in the DR cluster. */
  destinationNamespace: string;
  /** Value of the `drsyncer.io/replication` label: `<namespace>.<name>`. */
  ownerValue: string;
  /** Value of `drsyncer.io/source-cluster` (absent: not labelled). */
  sourceCluster?: string;
  /** Park workloads on DR (replicas 0, DaemonSets unscheduled, jobs suspended). */
  scaleToZero: boolean;
  /** Keep `spec.ports[].nodePort` of Services. */
  preserveNodePorts: boolean;
  storageClassMappings: readonly ValueMapping[];
  accessModeMappings: readonly ValueMapping[];
  /** Suffix rewrites of Ingress hosts. */
  ingressHostRewrites: readonly ValueMapping[];
  ingressClassMappings: readonly ValueMapping[];
}

/** The copy, and what was odd about the source (for status/events). */
export interface CopyResult {
  object: KubeObject;
  warnings: string[];
}

/** What a per-kind rule gets besides the copy it edits. */
export interface TransformContext {
  /** The untouched source object (frozen or not, it is never written). */
  readonly source: KubeObject;
  readonly opts: CopyOptions;
  /** Problems with the source worth telling the user; never thrown. */
  readonly warnings: string[];
}

/** A per-kind rule: edits the private copy in place. */
export type KindTransform = (copy: KubeObject, ctx: TransformContext) => void;

/** Records on DaemonSet copies the nodeSelector replaced while parked (JSON). */
export const ANNOTATION_ORIGINAL_NODE_SELECTOR =
  `${GROUP}/original-node-selector`;
/** Records on Job/CronJob copies the source's `spec.suspend` ("true"/"false"). */
export const ANNOTATION_ORIGINAL_SUSPEND = `${GROUP}/original-suspend`;
/** nodeSelector key no node carries: parks a DaemonSet without deleting it. */
export const STANDBY_NODE_SELECTOR_KEY = `${GROUP}/standby`;
export const STANDBY_NODE_SELECTOR_VALUE = "true";

/** A plain JSON object (not an array, not null). */
export type JsonRecord = Record<string, unknown>;

export function isRecord(v: unknown): v is JsonRecord {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** `obj[key]` when it is a JSON object, else undefined. */
export function recordAt(obj: unknown, key: string): JsonRecord | undefined {
  if (!isRecord(obj)) return undefined;
  const v = obj[key];
  return isRecord(v) ? v : undefined;
}

/** Walks a path of object keys; undefined as soon as one step is missing. */
export function recordPath(
  obj: unknown,
  ...keys: string[]
): JsonRecord | undefined {
  let cur: unknown = obj;
  for (const k of keys) cur = recordAt(cur, k);
  return isRecord(cur) ? cur : undefined;
}

/** The copy's spec, created when absent so rules can always set fields. */
export function specOf(copy: KubeObject): JsonRecord {
  if (!isRecord(copy.spec)) copy.spec = {};
  return copy.spec as JsonRecord;
}

/**
 * Value a mapping list sends `value` to; unmapped values stay as they are.
 * The first entry for a `from` wins, like the CRD's list order suggests.
 */
export function mapValue(
  mappings: readonly ValueMapping[],
  value: string,
): string {
  return mappings.find((m) => m.from === value)?.to ?? value;
}

/** The copy's annotations map (sanitizing always creates one). */
export function annotationsOf(copy: KubeObject): Record<string, string> {
  copy.metadata.annotations ??= {};
  return copy.metadata.annotations;
}

/** Group part of an apiVersion: "" for core ("v1"), "apps" for "apps/v1". */
export function groupOf(apiVersion: unknown): string {
  if (typeof apiVersion !== "string") return "";
  const slash = apiVersion.indexOf("/");
  return slash < 0 ? "" : apiVersion.slice(0, slash);
}

/**
 * A deep copy of a JSON value (what an API server or the caches hold):
 * ~10× cheaper than structuredClone, which serializes and deserializes. A
 * value that is not plain JSON (a Date, a Map, a class instance) is handed
 * to structuredClone, so the result is the same as structuredClone's.
 */
export function cloneJson<T>(v: T): T {
  if (typeof v !== "object" || v === null) return v;
  if (Array.isArray(v)) {
    const out = new Array(v.length);
    for (let i = 0; i < v.length; i++) out[i] = cloneJson(v[i]);
    return out as T;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return structuredClone(v);
  const out: JsonRecord = {};
  for (const k of Object.keys(v)) out[k] = cloneJson((v as JsonRecord)[k]);
  return out as T;
}
