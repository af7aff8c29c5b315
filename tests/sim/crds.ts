/**
 * CustomResourceDefinitions: creating or updating one serves its versions
 * (scope, status/scale subresources, schema); deleting it removes its
 * objects, ends their watches and stops serving them. Also the namespace
 * side effects (default ServiceAccount, kube-root-ca.crt ConfigMap).
 */
import { DEFAULTERS } from "./defaults.ts";
import type { Engine } from "./engine.ts";
import { type ResourceType, type ScaleSpec, storeKey } from "./registry.ts";
import type { JsonSchema } from "./schema.ts";
import type { PrinterColumn } from "./tables.ts";
import type { KObj } from "./store.ts";
import { timestamp } from "./util.ts";
import type { WatchHub } from "./watch.ts";

const CRD_KEY = "customresourcedefinitions.apiextensions.k8s.io";

interface CrdVersion {
  name: string;
  served?: boolean;
  storage?: boolean;
  schema?: { openAPIV3Schema?: JsonSchema };
  subresources?: { status?: unknown; scale?: ScaleSpec };
  additionalPrinterColumns?: PrinterColumn[];
}

interface CrdSpec {
  group: string;
  scope: "Namespaced" | "Cluster";
  names: {
    plural: string;
    singular?: string;
    kind: string;
    shortNames?: string[];
    listKind?: string;
    categories?: string[];
  };
  versions: CrdVersion[];
}

/** Served types described by a CRD object. */
export function typesOfCrd(crd: KObj): ResourceType[] {
  const spec = crd.spec as CrdSpec;
  return (spec.versions ?? []).filter((v) => v.served !== false).map((v) => ({
    group: spec.group,
    version: v.name,
    resource: spec.names.plural,
    kind: spec.names.kind,
    singular: spec.names.singular ?? spec.names.kind.toLowerCase(),
    namespaced: spec.scope !== "Cluster",
    shortNames: spec.names.shortNames ?? [],
    categories: spec.names.categories,
    status: v.subresources?.status !== undefined,
    scale: v.subresources?.scale,
    generation: true,
    defaultPropagation: "Background",
    schema: v.schema?.openAPIV3Schema,
    printerColumns: v.additionalPrinterColumns,
    crd: crd.metadata.name,
  }));
}

function defaultCrdStatus(crd: KObj): void {
  if (crd.status) return;
  const spec = crd.spec as CrdSpec;
  const now = timestamp();
  const cond = (type: string, reason: string, message: string) => ({
    type,
    status: "True",
    lastTransitionTime: now,
    reason,
    message,
  });
  crd.status = {
    conditions: [
      cond("NamesAccepted", "NoConflicts", "no conflicts found"),
      cond(
        "Established",
        "InitialNamesAccepted",
        "the initial names have been accepted",
      ),
    ],
    acceptedNames: spec.names,
    storedVersions: (spec.versions ?? []).filter((v) => v.storage).map((v) =>
      v.name
    ),
  };
}

/** Wires CRD and namespace lifecycle into an engine. */
export function installLifecycle(
  engine: Engine,
  hub: WatchHub,
  caPem: string,
): void {
  DEFAULTERS[CRD_KEY] = defaultCrdStatus;
  engine.hooks.afterPut.push((t, obj, old) => {
    const key = storeKey(t);
    if (key === CRD_KEY) serveCrd(engine, obj, old);
    if (key === "namespaces" && !old) {
      seedNamespace(engine, obj.metadata.name, caPem);
    }
  });
  engine.hooks.beforeRemove.push((t, obj) => {
    if (storeKey(t) === CRD_KEY) unserveCrd(engine, hub, obj);
  });
}

function serveCrd(engine: Engine, crd: KObj, old?: KObj): void {
  if (old) engine.registry.removeCrd(crd.metadata.name);
  for (const t of typesOfCrd(crd)) engine.registry.add(t);
}

function unserveCrd(engine: Engine, hub: WatchHub, crd: KObj): void {
  const types = typesOfCrd(crd);
  if (types.length === 0) return;
  const key = storeKey(types[0]);
  for (const s of engine.store.list(key)) engine.finalize(types[0], s);
  hub.closeKey(key);
  engine.registry.removeCrd(crd.metadata.name);
}

function seedNamespace(engine: Engine, ns: string, caPem: string): void {
  const sa = engine.registry.find("", "v1", "serviceaccounts")!;
  const cm = engine.registry.find("", "v1", "configmaps")!;
  engine.create(sa, ns, { metadata: { name: "default" } });
  engine.create(cm, ns, {
    metadata: {
      name: "kube-root-ca.crt",
      annotations: {
        "kubernetes.io/description":
          "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.",
      },
    },
    data: { "ca.crt": caPem },
  });
}
