/** Builders for transform tests. Every input is deep-frozen before use. */
import {
  type CopyOptions,
  type CopyResult,
  toDrCopy,
} from "../../../../lib/sync/transform.ts";
import type { KubeObject } from "../../../../lib/sync/types.ts";

export const SRC_NS = "shop-prod";
export const DST_NS = "shop-dr";
export const OWNER = "dr-syncer-system.shop-to-east";

/** Freezes a value and everything under it (writes then throw in tests). */
export function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** Copy options with test defaults (contract defaults, no mappings). */
export function options(over: Partial<CopyOptions> = {}): CopyOptions {
  return {
    destinationNamespace: DST_NS,
    ownerValue: OWNER,
    scaleToZero: true,
    preserveNodePorts: true,
    storageClassMappings: [],
    accessModeMappings: [],
    ingressHostRewrites: [],
    ingressClassMappings: [],
    ...over,
  };
}

/** toDrCopy on a deep-frozen clone of `source`; proves it is never written. */
export function copy(
  source: KubeObject,
  over: Partial<CopyOptions> = {},
): CopyResult {
  return toDrCopy(deepFreeze(structuredClone(source)), options(over));
}

export interface ObjectParts {
  name?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  spec?: Record<string, unknown>;
}

/** Any object with source-cluster metadata noise the copy must drop. */
export function anObject(
  apiVersion: string,
  kind: string,
  parts: ObjectParts = {},
): KubeObject {
  const obj: KubeObject = {
    apiVersion,
    kind,
    metadata: {
      name: parts.name ?? "web",
      namespace: SRC_NS,
      uid: "0b6f-uid",
      resourceVersion: "4711",
      generation: 7,
      creationTimestamp: "2026-01-01T00:00:00Z",
      labels: parts.labels ?? { app: "web" },
      annotations: parts.annotations ?? {},
      managedFields: [{ manager: "kubectl", operation: "Apply" }],
    },
    status: { observedGeneration: 7 },
  };
  if (parts.spec) obj.spec = parts.spec;
  return obj;
}

/** The `spec` of a copy as a loose record, for assertions. */
// deno-lint-ignore no-explicit-any
export function specOf(o: KubeObject): any {
  return o.spec;
}

function podTemplate(extra: Record<string, unknown> = {}) {
  return {
    metadata: { labels: { app: "web" } },
    spec: { containers: [{ name: "web", image: "web:1" }], ...extra },
  };
}

export function aDeployment(
  replicas?: unknown,
  annotations: Record<string, string> = {},
): KubeObject {
  const spec: Record<string, unknown> = {
    selector: { matchLabels: { app: "web" } },
    template: podTemplate(),
  };
  if (replicas !== undefined) spec.replicas = replicas;
  return anObject("apps/v1", "Deployment", { annotations, spec });
}

export function aStatefulSet(replicas: number): KubeObject {
  return anObject("apps/v1", "StatefulSet", {
    spec: { replicas, serviceName: "web", template: podTemplate() },
  });
}

export function aDaemonSet(
  nodeSelector?: Record<string, string>,
  annotations: Record<string, string> = {},
): KubeObject {
  const extra = nodeSelector ? { nodeSelector } : {};
  return anObject("apps/v1", "DaemonSet", {
    annotations,
    spec: { template: podTemplate(extra) },
  });
}

export function aService(spec: Record<string, unknown>): KubeObject {
  return anObject("v1", "Service", { spec });
}

export function aPvc(
  spec: Record<string, unknown>,
  annotations: Record<string, string> = {},
): KubeObject {
  return anObject("v1", "PersistentVolumeClaim", {
    name: "data",
    annotations,
    spec,
  });
}

export function anIngress(
  spec: Record<string, unknown>,
  annotations: Record<string, string> = {},
): KubeObject {
  return anObject("networking.k8s.io/v1", "Ingress", { annotations, spec });
}
