/**
 * The served resource types: built-ins from a table, CRD types added and
 * removed at run time. Storage is keyed by group+resource (`storeKey`), so
 * one object is visible through every served version of its type.
 */
import type { JsonSchema } from "./schema.ts";
import type { PrinterColumn } from "./tables.ts";

/** Paths of the scale subresource inside an object (CRD spec shape). */
export interface ScaleSpec {
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath?: string;
}

/** One served group/version/resource. */
export interface ResourceType {
  group: string;
  version: string;
  resource: string;
  kind: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  /** Has a /status subresource: main writes keep status, /status keeps the rest. */
  status: boolean;
  scale?: ScaleSpec;
  /** metadata.generation is maintained (bumped on non-metadata/status changes). */
  generation: boolean;
  /** Default propagationPolicy when a delete names none. */
  defaultPropagation: "Background" | "Orphan";
  /** Validation schema (CRDs only). */
  schema?: JsonSchema;
  /** Set for CRD-defined types: the CRD's name. */
  crd?: string;
  /** Discovery categories ("all" makes `kubectl get all` include the type). */
  categories?: string[];
  /** CRD additionalPrinterColumns, for Table answers. */
  printerColumns?: PrinterColumn[];
  /** Verbs, when not the full CRUD set (review APIs are create-only). */
  verbs?: string[];
}

/** Every verb a main resource serves. */
export const RESOURCE_VERBS = [
  "create",
  "delete",
  "deletecollection",
  "get",
  "list",
  "patch",
  "update",
  "watch",
];

const WORKLOAD_SCALE: ScaleSpec = {
  specReplicasPath: ".spec.replicas",
  statusReplicasPath: ".status.replicas",
  labelSelectorPath: ".status.selector",
};

type Row = [string, string, string, string, boolean, string, string?];

// group, version, resource, kind, namespaced, flags, shortNames
// flags: s = status subresource, g = generation, c = scale, o = orphan default,
// a = in the "all" category
const BUILTINS: Row[] = [
  ["", "v1", "namespaces", "Namespace", false, "s", "ns"],
  ["", "v1", "configmaps", "ConfigMap", true, "", "cm"],
  ["", "v1", "secrets", "Secret", true, ""],
  ["", "v1", "services", "Service", true, "sa", "svc"],
  ["", "v1", "serviceaccounts", "ServiceAccount", true, "", "sa"],
  [
    "",
    "v1",
    "persistentvolumeclaims",
    "PersistentVolumeClaim",
    true,
    "s",
    "pvc",
  ],
  ["", "v1", "pods", "Pod", true, "sa", "po"],
  ["", "v1", "events", "Event", true, "", "ev"],
  ["", "v1", "endpoints", "Endpoints", true, "", "ep"],
  ["apps", "v1", "deployments", "Deployment", true, "sgca", "deploy"],
  ["apps", "v1", "statefulsets", "StatefulSet", true, "sgca", "sts"],
  ["apps", "v1", "daemonsets", "DaemonSet", true, "sga", "ds"],
  ["apps", "v1", "replicasets", "ReplicaSet", true, "sgca", "rs"],
  ["batch", "v1", "jobs", "Job", true, "sgoa"],
  ["batch", "v1", "cronjobs", "CronJob", true, "sga", "cj"],
  ["networking.k8s.io", "v1", "ingresses", "Ingress", true, "sg", "ing"],
  [
    "networking.k8s.io",
    "v1",
    "networkpolicies",
    "NetworkPolicy",
    true,
    "g",
    "netpol",
  ],
  [
    "policy",
    "v1",
    "poddisruptionbudgets",
    "PodDisruptionBudget",
    true,
    "sg",
    "pdb",
  ],
  [
    "autoscaling",
    "v2",
    "horizontalpodautoscalers",
    "HorizontalPodAutoscaler",
    true,
    "sa",
    "hpa",
  ],
  ["rbac.authorization.k8s.io", "v1", "roles", "Role", true, ""],
  ["rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", true, ""],
  ["rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", false, ""],
  [
    "rbac.authorization.k8s.io",
    "v1",
    "clusterrolebindings",
    "ClusterRoleBinding",
    false,
    "",
  ],
  ["coordination.k8s.io", "v1", "leases", "Lease", true, ""],
  ["events.k8s.io", "v1", "events", "Event", true, "", "ev"],
  [
    "apiextensions.k8s.io",
    "v1",
    "customresourcedefinitions",
    "CustomResourceDefinition",
    false,
    "sg",
    "crd,crds",
  ],
];

/** Create-only review types answered by the authorizer (auth.ts). */
const REVIEWS: ResourceType[] = [{
  group: "authorization.k8s.io",
  version: "v1",
  resource: "selfsubjectaccessreviews",
  kind: "SelfSubjectAccessReview",
  singular: "selfsubjectaccessreview",
  namespaced: false,
  shortNames: [],
  status: false,
  generation: false,
  defaultPropagation: "Background",
  verbs: ["create"],
}];

function fromRow(r: Row): ResourceType {
  const [group, version, resource, kind, namespaced, flags, short] = r;
  return {
    group,
    version,
    resource,
    kind,
    singular: kind.toLowerCase(),
    namespaced,
    shortNames: short ? short.split(",") : [],
    status: flags.includes("s"),
    scale: flags.includes("c") ? WORKLOAD_SCALE : undefined,
    generation: flags.includes("g"),
    defaultPropagation: flags.includes("o") ? "Orphan" : "Background",
    categories: flags.includes("a") ? ["all"] : undefined,
  };
}

/** Storage identity of a type: "configmaps", "deployments.apps". */
export function storeKey(t: Pick<ResourceType, "group" | "resource">): string {
  return t.group ? `${t.resource}.${t.group}` : t.resource;
}

/** "v1" or "apps/v1". */
export function groupVersion(
  t: Pick<ResourceType, "group" | "version">,
): string {
  return t.group ? `${t.group}/${t.version}` : t.version;
}

/** The served types of one cluster; listeners hear about CRD-driven changes. */
export class Registry {
  #byPath = new Map<string, ResourceType>();
  #listeners = new Set<() => void>();

  constructor() {
    for (const r of BUILTINS) this.add(fromRow(r));
    for (const t of REVIEWS) this.add(t);
  }

  /** Adds or replaces a type. */
  add(t: ResourceType): void {
    this.#byPath.set(`${groupVersion(t)}/${t.resource}`, t);
    this.#changed();
  }

  /** Removes every version of the types a CRD defined. */
  removeCrd(crdName: string): void {
    for (const [k, t] of this.#byPath) {
      if (t.crd === crdName) this.#byPath.delete(k);
    }
    this.#changed();
  }

  /** Looks a type up by its URL parts. */
  find(
    group: string,
    version: string,
    resource: string,
  ): ResourceType | undefined {
    return this.#byPath.get(
      `${group ? group + "/" : ""}${version}/${resource}`,
    );
  }

  /** The served type for a storage key, preferring the given version. */
  byStoreKey(key: string, version?: string): ResourceType | undefined {
    let found: ResourceType | undefined;
    for (const t of this.#byPath.values()) {
      if (storeKey(t) !== key) continue;
      if (!found || t.version === version) found = t;
    }
    return found;
  }

  /** Types of a kind in an apiVersion (for ownerReferences). */
  byKind(apiVersion: string, kind: string): ResourceType | undefined {
    for (const t of this.#byPath.values()) {
      if (t.kind === kind && groupVersion(t) === apiVersion) return t;
    }
    return undefined;
  }

  /** All served types, in insertion order. */
  all(): ResourceType[] {
    return [...this.#byPath.values()];
  }

  /** Subscribes to type changes; returns the unsubscribe function. */
  onChange(fn: () => void): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  #changed(): void {
    for (const fn of this.#listeners) fn();
  }
}
