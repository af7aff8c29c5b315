/**
 * Turns a source object into its DR copy (contract §3–§4). Pure: the source
 * is never written, odd input yields warnings, never exceptions.
 *
 * Standby ("parked") shape under `scaleToZero`, undone by promote from the
 * annotations it leaves: Deployments/StatefulSets get replicas 0
 * (`original-replicas`), DaemonSets a nodeSelector no node has
 * (`original-node-selector`), Jobs/CronJobs `suspend: true`
 * (`original-suspend`). `drsyncer.io/scale-override` applies to all of them.
 *
 * Copying a copy with the same options gives the same copy (parked
 * workloads remember their source state in annotations and are unparked
 * first), so a copy can be fed back for failback or re-checked cheaply. The
 * one field that legitimately differs when namespaces differ is
 * `drsyncer.io/source`, which always names the object actually read.
 */
import {
  ANNOTATION_ORIGINAL_REPLICAS,
  ANNOTATION_SOURCE,
  LABEL_REPLICATION,
} from "../api/v1alpha1.ts";
import type { KubeObject } from "./types.ts";
import {
  ANNOTATION_ORIGINAL_NODE_SELECTOR,
  ANNOTATION_ORIGINAL_SUSPEND,
  cloneJson,
  type CopyOptions,
  type CopyResult,
  groupOf,
  isRecord,
  type KindTransform,
} from "./transforms/common.ts";
import { transformIngress } from "./transforms/ingresses.ts";
import { suspendWhenParked, transformJob } from "./transforms/jobs.ts";
import { sanitizeMetadata } from "./transforms/metadata.ts";
import { transformNamespace } from "./transforms/namespaces.ts";
import { mapClaimTemplates, transformPvc } from "./transforms/pvcs.ts";
import {
  sanitizeSecret,
  sanitizeServiceAccount,
} from "./transforms/serviceaccounts.ts";
import { sanitizeService } from "./transforms/services.ts";
import { parkDaemonSet } from "./transforms/daemonsets.ts";
import { scaleReplicas } from "./transforms/workloads.ts";

export type { CopyOptions, CopyResult } from "./transforms/common.ts";
export { unparkCopy } from "./transforms/unpark.ts";
export { isParkable, parkCopy, type ParkOptions } from "./transforms/park.ts";
export {
  ANNOTATION_ORIGINAL_NODE_SELECTOR,
  ANNOTATION_ORIGINAL_SUSPEND,
  STANDBY_NODE_SELECTOR_KEY,
  STANDBY_NODE_SELECTOR_VALUE,
} from "./transforms/common.ts";
export {
  CONTROLLER_OWNED_ANNOTATIONS,
  DR_MANAGED_LABELS,
} from "./transforms/metadata.ts";
export { JOB_CONTROLLER_LABELS } from "./transforms/jobs.ts";

/** Annotations drsyncer writes on copies (and promote reads back). */
export const DR_MANAGED_ANNOTATIONS: readonly string[] = [
  ANNOTATION_SOURCE,
  ANNOTATION_ORIGINAL_REPLICAS,
  ANNOTATION_ORIGINAL_NODE_SELECTOR,
  ANNOTATION_ORIGINAL_SUSPEND,
];

/** Runs several rules in order. */
function chain(...rules: KindTransform[]): KindTransform {
  return (copy, ctx) => rules.forEach((rule) => rule(copy, ctx));
}

/** Per-kind rules by `<group>/<kind>`; other kinds get metadata rules only. */
const KIND_RULES: ReadonlyMap<string, KindTransform> = new Map([
  ["apps/Deployment", scaleReplicas],
  ["apps/StatefulSet", chain(scaleReplicas, mapClaimTemplates)],
  ["apps/DaemonSet", parkDaemonSet],
  ["/Service", sanitizeService],
  ["/PersistentVolumeClaim", transformPvc],
  ["networking.k8s.io/Ingress", transformIngress],
  ["extensions/Ingress", transformIngress],
  ["batch/Job", transformJob],
  ["batch/CronJob", suspendWhenParked],
  ["/ServiceAccount", sanitizeServiceAccount],
  ["/Secret", sanitizeSecret],
  ["/Namespace", transformNamespace],
]);

/**
 * The DR copy of `source` for one replication. Top-level `status` is
 * dropped; the rest of the body is deep-copied before the per-kind rules
 * edit it, and bulky metadata (managedFields) is never copied at all. The
 * result shares nothing with `source`, so callers may edit it freely.
 */
export function toDrCopy(source: KubeObject, opts: CopyOptions): CopyResult {
  const warnings: string[] = [];
  const src: KubeObject = isRecord(source)
    ? source
    : { apiVersion: "", kind: "", metadata: { name: "" } };
  const { apiVersion, kind, metadata: _meta, status: _status, ...body } = src;
  const copy: KubeObject = {
    apiVersion,
    kind,
    metadata: sanitizeMetadata(src, opts, warnings),
    ...cloneJson(body),
  };
  const rule = KIND_RULES.get(`${groupOf(apiVersion)}/${kind}`);
  rule?.(copy, { source: src, opts, warnings });
  return { object: copy, warnings };
}

/**
 * True when `obj` carries this replication's ownership label: only such
 * objects may be updated, pruned or scaled by it (contract §3).
 */
export function isOwnedCopy(obj: KubeObject, ownerValue: string): boolean {
  const labels = isRecord(obj) && isRecord(obj.metadata)
    ? obj.metadata.labels
    : undefined;
  return isRecord(labels) && labels[LABEL_REPLICATION] === ownerValue;
}
