/**
 * The scale subresource (autoscaling/v1 Scale) of workloads and of CRDs that
 * declare one: read from and written to the paths the type names.
 */
import { conflict, invalid } from "./errors.ts";
import type { ResourceType } from "./registry.ts";
import { type KObj, type Stored, thaw } from "./store.ts";
import { getPath, setPath } from "./util.ts";

function selectorString(t: ResourceType, o: KObj): string | undefined {
  const path = t.scale?.labelSelectorPath;
  const v = path ? getPath(o, path) : undefined;
  if (typeof v === "string") return v;
  const sel = getPath(o, ".spec.selector") as {
    matchLabels?: Record<string, string>;
  } | undefined;
  if (!sel?.matchLabels) return undefined;
  return Object.entries(sel.matchLabels).map(([k, val]) => `${k}=${val}`).join(
    ",",
  );
}

/** The Scale view of an object. */
export function readScale(t: ResourceType, o: KObj): Record<string, unknown> {
  const m = o.metadata;
  const status: Record<string, unknown> = {
    replicas: Number(getPath(o, t.scale!.statusReplicasPath) ?? 0),
  };
  const sel = selectorString(t, o);
  if (sel) status.selector = sel;
  return {
    kind: "Scale",
    apiVersion: "autoscaling/v1",
    metadata: {
      name: m.name,
      namespace: m.namespace,
      uid: m.uid,
      resourceVersion: m.resourceVersion,
      creationTimestamp: m.creationTimestamp,
    },
    spec: { replicas: Number(getPath(o, t.scale!.specReplicasPath) ?? 0) },
    status,
  };
}

/** The object after applying a desired Scale (RV precondition honoured). */
export function writeScale(
  t: ResourceType,
  cur: Stored,
  desired: unknown,
): KObj {
  const d = (desired ?? {}) as {
    metadata?: { resourceVersion?: string };
    spec?: { replicas?: unknown };
  };
  const name = cur.obj.metadata.name;
  const rv = d.metadata?.resourceVersion;
  if (rv && rv !== cur.obj.metadata.resourceVersion) {
    throw conflict({ group: t.group, kind: t.resource, name });
  }
  const replicas = d.spec?.replicas ?? 0;
  if (!Number.isInteger(replicas) || (replicas as number) < 0) {
    throw invalid({ group: "autoscaling", kind: "Scale", name }, [{
      reason: "FieldValueInvalid",
      message: `Invalid value: ${
        JSON.stringify(replicas)
      }: must be greater than or equal to 0`,
      field: "spec.replicas",
    }]);
  }
  const next = thaw(cur);
  setPath(next, t.scale!.specReplicasPath, replicas);
  return next;
}
