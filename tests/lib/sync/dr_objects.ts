/** Builders for DR-side objects used by the compare/plan/prune tests. */
import { LABEL_REPLICATION } from "../../../lib/api/v1alpha1.ts";
import type { KubeObject } from "../../../lib/sync/types.ts";

export const OWNER = "dr-syncer-system.shop-to-east";
export const NS = "shop-dr";

type Extra = Record<string, unknown>;

/** Any object; `labels`/`annotations` go to metadata, the rest top level. */
export function anObject(
  apiVersion: string,
  kind: string,
  name: string,
  extra: Extra & {
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    meta?: Extra;
  } = {},
): KubeObject {
  const { labels, annotations, meta, ...rest } = extra;
  const metadata: KubeObject["metadata"] = { name, namespace: NS, ...meta };
  if (labels) metadata.labels = labels;
  if (annotations) metadata.annotations = annotations;
  return { apiVersion, kind, metadata, ...rest };
}

/** Adds the ownership label of `owner` (default: ours). */
export function owned(o: KubeObject, owner = OWNER): KubeObject {
  return {
    ...o,
    metadata: {
      ...o.metadata,
      labels: { ...o.metadata.labels, [LABEL_REPLICATION]: owner },
    },
  };
}

/** Deep copy with metadata the server adds to anything it stores. */
export function asStored(o: KubeObject, rv = "100"): KubeObject {
  const c = structuredClone(o);
  c.metadata.resourceVersion = rv;
  c.metadata.uid = `uid-${o.metadata.name}`;
  c.metadata.creationTimestamp = "2026-01-01T00:00:00Z";
  return c;
}

export function aConfigMap(
  name: string,
  data: Record<string, string> = {},
  extra: Extra = {},
): KubeObject {
  return anObject("v1", "ConfigMap", name, { data, ...extra });
}

export function aSecret(
  name: string,
  data: Record<string, string> = {},
  extra: Extra = {},
): KubeObject {
  return anObject("v1", "Secret", name, { type: "Opaque", data, ...extra });
}

export function aService(
  name: string,
  spec: Extra = {},
  extra: Extra = {},
): KubeObject {
  return anObject("v1", "Service", name, {
    spec: {
      type: "ClusterIP",
      selector: { app: name },
      ports: [{ name: "http", port: 80, protocol: "TCP", targetPort: 8080 }],
      ...spec,
    },
    ...extra,
  });
}

export function aDeployment(
  name: string,
  spec: Extra = {},
  extra: Extra = {},
): KubeObject {
  return anObject("apps/v1", "Deployment", name, {
    spec: {
      replicas: 0,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: "app", image: "shop/app:1" }] },
      },
      ...spec,
    },
    ...extra,
  });
}

export function aPVC(
  name: string,
  spec: Extra = {},
  extra: Extra = {},
): KubeObject {
  return anObject("v1", "PersistentVolumeClaim", name, {
    spec: {
      accessModes: ["ReadWriteOnce"],
      storageClassName: "dr-ssd",
      resources: { requests: { storage: "10Gi" } },
      ...spec,
    },
    ...extra,
  });
}

export function aJob(name: string, spec: Extra = {}): KubeObject {
  return anObject("batch/v1", "Job", name, {
    spec: {
      template: {
        metadata: { labels: { app: name } },
        spec: {
          restartPolicy: "Never",
          containers: [{ name: "job", image: "shop/job:1" }],
        },
      },
      ...spec,
    },
  });
}

export function aStatefulSet(name: string, spec: Extra = {}): KubeObject {
  return anObject("apps/v1", "StatefulSet", name, {
    spec: {
      replicas: 0,
      serviceName: name,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: "db", image: "db:1" }] },
      },
      ...spec,
    },
  });
}

/** Applies `edit` to a deep copy: "the DR side changed it". */
export function edited(
  o: KubeObject,
  edit: (c: KubeObject) => void,
): KubeObject {
  const c = structuredClone(o);
  edit(c);
  return c;
}

/** spec as a loose record, for edits in tests. */
// deno-lint-ignore no-explicit-any
export function spec(o: KubeObject | undefined): any {
  return o?.spec;
}
