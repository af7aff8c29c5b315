/** Shapes shared by the pure sync modules. No I/O lives in lib/sync/. */

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
}

export interface KubeMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  [key: string]: unknown;
}

/** Any Kubernetes object as plain JSON (never a client-node class instance). */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: KubeMeta;
  [key: string]: unknown;
}

/** One entry of API discovery: a listable resource type. */
export interface ApiResource {
  /** "" for the core group. */
  group: string;
  version: string;
  /** Plural resource name, e.g. "deployments". */
  resource: string;
  kind: string;
  namespaced: boolean;
  verbs: string[];
}

/** Stable identity of a resource type: "deployments.apps", "configmaps". */
export function groupResource(
  r: Pick<ApiResource, "group" | "resource">,
): string {
  return r.group === "" ? r.resource : `${r.resource}.${r.group}`;
}

/** apiVersion string of a resource: "v1", "apps/v1". */
export function apiVersionOf(
  r: Pick<ApiResource, "group" | "version">,
): string {
  return r.group === "" ? r.version : `${r.group}/${r.version}`;
}

/** Identity of an object within one cluster. */
export function objectKey(o: KubeObject): string {
  const [group] = o.apiVersion.includes("/") ? o.apiVersion.split("/") : [""];
  return `${group}/${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}`;
}
