/**
 * Metadata of every copy (contract §4 "Dropped from every copy").
 *
 * Built from an allowlist rather than by deleting known fields: only name,
 * labels and annotations are user intent in ObjectMeta. Everything else
 * (uid, resourceVersion, generation, timestamps, selfLink, managedFields,
 * ownerReferences, finalizers) is assigned by the source cluster and is
 * wrong or meaningless in the DR cluster. `generateName` is dropped too: the
 * copy always has the source's concrete name, so it has no effect on create
 * and would only show up as a difference.
 */
import {
  ANNOTATION_SOURCE,
  LABEL_REPLICATION,
  LABEL_SOURCE_CLUSTER,
} from "../../api/v1alpha1.ts";
import type { KubeMeta, KubeObject } from "../types.ts";
import { type CopyOptions, isRecord } from "./common.ts";

/**
 * Annotations written by controllers or tools of the source cluster. Copied,
 * they would be stale at best; where the DR cluster's own controllers set
 * them again they would flip on every sync (endless drift).
 */
export const CONTROLLER_OWNED_ANNOTATIONS: readonly string[] = [
  // Whole previous manifest; can hold Secret data in clear text.
  "kubectl.kubernetes.io/last-applied-configuration",
  // Deployment controller's rollout counters; the DR controller keeps its own.
  "deployment.kubernetes.io/revision",
  "deployment.kubernetes.io/revision-history",
  // ReplicaSet bookkeeping of the Deployment controller.
  "deployment.kubernetes.io/desired-replicas",
  "deployment.kubernetes.io/max-replicas",
  // Rewritten by the API server on every DaemonSet create/update.
  "deprecated.daemonset.template.generation",
  // Leader-election record of ConfigMap/Endpoints locks: renewed every few
  // seconds by a source pod, so copying it would rewrite the copy each sync.
  "control-plane.alpha.kubernetes.io/leader",
];

const CONTROLLER_OWNED = new Set(CONTROLLER_OWNED_ANNOTATIONS);

/** Labels and annotations drsyncer itself writes on copies. */
export const DR_MANAGED_LABELS: readonly string[] = [LABEL_REPLICATION];

/** Copy of a string map, keeping only string values (odd input is dropped). */
function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isRecord(v)) return out;
  for (const [k, val] of Object.entries(v)) {
    if (typeof val === "string") out[k] = val;
  }
  return out;
}

/**
 * Sanitized metadata of the copy of `source`.
 *
 * The ownership label is overwritten, not merged: a source that is itself a
 * copy (chained DR, failback) names its old owner, but this copy belongs to
 * the replication that writes it, and ownership decides what we may prune.
 */
export function sanitizeMetadata(
  source: KubeObject,
  opts: CopyOptions,
  warnings: string[],
): KubeMeta {
  const meta = isRecord(source.metadata) ? source.metadata : undefined;
  const name = typeof meta?.name === "string" ? meta.name : "";
  const namespace = typeof meta?.namespace === "string" ? meta.namespace : "";
  if (name === "") warnings.push("source object has no metadata.name");

  const labels = stringMap(meta?.labels);
  labels[LABEL_REPLICATION] = opts.ownerValue;
  // Overwritten like the owner: a copy belongs to the cluster it came from.
  if (opts.sourceCluster) labels[LABEL_SOURCE_CLUSTER] = opts.sourceCluster;
  else delete labels[LABEL_SOURCE_CLUSTER];

  const annotations = stringMap(meta?.annotations);
  for (const key of CONTROLLER_OWNED) delete annotations[key];
  annotations[ANNOTATION_SOURCE] = `${namespace}/${name}`;

  return {
    name,
    namespace: opts.destinationNamespace,
    labels,
    annotations,
  };
}
