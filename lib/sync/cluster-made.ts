/**
 * Objects a cluster makes by itself in every namespace (contract §3): the
 * `default` ServiceAccount (the pods' tokens hang on it) and the CA bundle
 * ConfigMaps. They are never adopted, labelled as ours or pruned; of the
 * `default` ServiceAccount only `imagePullSecrets` are merged into the DR
 * one, so pods that rely on them can pull at failover.
 */
import {
  ANNOTATION_SOURCE,
  LABEL_ADOPTED,
  LABEL_REPLICATION,
  LABEL_SOURCE_CLUSTER,
} from "../api/v1alpha1.ts";
import type { KubeObject } from "./types.ts";

const CA_BUNDLES: ReadonlySet<string> = new Set([
  "kube-root-ca.crt",
  "openshift-service-ca.crt",
]);

function isCore(o: KubeObject, kind: string): boolean {
  return o.kind === kind && !String(o.apiVersion ?? "").includes("/");
}

/** The namespace's `default` ServiceAccount. */
export function isDefaultServiceAccount(o: KubeObject): boolean {
  return isCore(o, "ServiceAccount") && o.metadata?.name === "default";
}

/** A CA bundle ConfigMap published into every namespace. */
export function isCaBundle(o: KubeObject): boolean {
  return isCore(o, "ConfigMap") && CA_BUNDLES.has(o.metadata?.name);
}

/** Made by the cluster in every namespace: never ours. */
export function isClusterMade(o: KubeObject): boolean {
  return isDefaultServiceAccount(o) || isCaBundle(o);
}

/** Taken over under conflictPolicy Adopt: updated, never deleted or recreated. */
export function isAdopted(o: KubeObject): boolean {
  return o.metadata?.labels?.[LABEL_ADOPTED] === "true";
}

type PullSecretRef = { name?: unknown };

function pullSecrets(o: KubeObject | undefined): PullSecretRef[] {
  const list = o?.imagePullSecrets;
  return Array.isArray(list) ? list as PullSecretRef[] : [];
}

/**
 * The DR `default` ServiceAccount with the source's imagePullSecrets added
 * (existing entries and order kept) and no mark of ours on it (an older
 * version labelled it; the label is taken off). `current` undefined: the
 * body to create if the cluster has not made it yet. Undefined when
 * nothing changes.
 */
export function mergeDefaultServiceAccount(
  desired: KubeObject,
  current: KubeObject | undefined,
): KubeObject | undefined {
  const have = pullSecrets(current);
  const names = new Set(have.map((r) => r.name));
  const added = pullSecrets(desired).filter((r) =>
    typeof r.name === "string" && !names.has(r.name)
  );
  const meta = current?.metadata ?? {
    name: desired.metadata.name,
    namespace: desired.metadata.namespace,
  };
  const labels = { ...(meta.labels ?? {}) };
  const annotations = { ...(meta.annotations ?? {}) };
  const marked = LABEL_REPLICATION in labels ||
    LABEL_SOURCE_CLUSTER in labels || ANNOTATION_SOURCE in annotations;
  if (current && added.length === 0 && !marked) return undefined;
  if (!current && added.length === 0) return undefined;
  delete labels[LABEL_REPLICATION];
  delete labels[LABEL_SOURCE_CLUSTER];
  delete annotations[ANNOTATION_SOURCE];
  const body: KubeObject = {
    ...(current ?? { apiVersion: "v1", kind: "ServiceAccount" }),
    metadata: { ...meta, labels, annotations },
  };
  const all = [...have, ...added];
  if (all.length > 0) body.imagePullSecrets = all;
  return body;
}
