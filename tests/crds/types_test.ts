/**
 * Keeps lib/api/v1alpha1.ts and the CRD schemas in step. Each sample below is
 * typed DeepRequired<TS type>, so the compiler demands every field the TS
 * type names; validating it with unknown fields as errors proves the schema
 * has them, and walking the schema proves the TS type has every schema field.
 */
import "../../lib/preload.ts";
import { assertEquals } from "../assert.ts";
import type {
  Condition,
  LabelSelector,
  NamespaceMapping,
  NamespaceReplication,
  RemoteCluster,
} from "../../lib/api/v1alpha1.ts";
import { crdFor, rootSchema, type SchemaNode, validatorFor } from "./schema.ts";

type DeepRequired<T> = T extends (infer U)[] ? DeepRequired<U>[]
  : T extends object ? { [K in keyof T]-?: DeepRequired<T[K]> }
  : T;

const TIME = "2026-11-26T08:00:00Z";
const META = { name: "x", namespace: "dr-syncer-system" };

const condition: DeepRequired<Condition> = {
  type: "Ready",
  status: "True",
  reason: "Connected",
  message: "ok",
  lastTransitionTime: TIME,
  observedGeneration: 2,
};

const selector: DeepRequired<LabelSelector> = {
  matchLabels: { dr: "enabled" },
  matchExpressions: [{ key: "tier", operator: "In", values: ["web"] }],
};

const remoteCluster: DeepRequired<Omit<RemoteCluster, "metadata">> = {
  apiVersion: "drsyncer.io/v1alpha1",
  kind: "RemoteCluster",
  spec: {
    kubeconfigSecretRef: { name: "kc", key: "config" },
    context: "east",
    rateLimit: { qps: 5.5, burst: 10 },
    allowInsecureTLS: true,
    allowExecAuth: true,
    allowPlainHTTP: true,
    probeInterval: "1m30s",
  },
  status: {
    observedGeneration: 2,
    conditions: [condition],
    server: "https://dr.example.com:6443",
    serverVersion: "v1.31.2",
    lastProbeTime: TIME,
  },
};

const namespaceMapping: DeepRequired<Omit<NamespaceMapping, "metadata">> = {
  apiVersion: "drsyncer.io/v1alpha1",
  kind: "NamespaceMapping",
  // Every field at once breaks the CEL rules, so they are not applied here;
  // the samples tests check them.
  spec: {
    sourceNamespace: "shop",
    destinationNamespace: "shop-dr",
    namespaceSelector: selector,
    destinationNameTemplate: "{name}-dr",
    copyNamespaceMetadata: false,
    allowProtectedNamespaces: true,
  },
  status: {
    observedGeneration: 1,
    conditions: [condition],
    namespaces: [{ source: "shop", destination: "shop-dr" }],
  },
};

const pair = { from: "a", to: "b" };
const objectRef = { kind: "Service", namespace: "shop", name: "api" };

const namespaceReplication: DeepRequired<
  Omit<NamespaceReplication, "metadata">
> = {
  apiVersion: "drsyncer.io/v1alpha1",
  kind: "NamespaceReplication",
  spec: {
    remoteClusterRef: { name: "east" },
    namespaceMappingRefs: [{ name: "shop" }],
    mode: "Scheduled",
    schedule: "@hourly",
    resyncInterval: "5m",
    rpoObjective: "30m",
    suspend: true,
    resourceTypes: { include: ["deployments.apps"], exclude: ["secrets"] },
    selector,
    scaleToZero: false,
    services: { preserveNodePorts: false },
    storageClassMappings: [pair],
    accessModeMappings: [{ from: "ReadWriteOncePod", to: "ReadWriteOnce" }],
    ingress: { hostRewrites: [pair], classMappings: [pair] },
    immutableFieldPolicy: "Skip",
    conflictPolicy: "Adopt",
    prune: false,
    pruneSafety: {
      delay: "2m",
      maxDeleteFraction: 0.5,
      minObjects: 0,
      maxDeletesPerHour: 10,
    },
    dataReplication: {
      mover: "VolSync",
      method: "RsyncTLS",
      schedule: "*/5 * * * *",
      copyMethod: "Clone",
      volumeSnapshotClassName: "csi-snap",
      selector,
      serviceType: "LoadBalancer",
      rpoThreshold: "30m",
    },
  },
  status: {
    phase: "Degraded",
    conditions: [condition],
    observedGeneration: 3,
    lastSyncTime: TIME,
    lastSuccessfulSyncTime: TIME,
    lastSyncDuration: "1.2s",
    nextSyncTime: TIME,
    lastManualTrigger: "token-42",
    lastMassPruneApproval: "ok-1",
    controller: "dr-syncer-7d9c-x2x",
    counts: {
      desired: 1,
      inSync: 1,
      created: 0,
      updated: 0,
      deleted: 0,
      skipped: 0,
      failed: 1,
    },
    namespaces: [{
      source: "shop",
      destination: "shop",
      objects: 1,
      failed: 1,
    }],
    failures: [{ ...objectRef, reason: "Invalid", message: "bad port" }],
    blockedPrunes: [objectRef],
    volumes: [{
      namespace: "shop",
      pvc: "data",
      destination: "shop-dr",
      phase: "Synced",
      reason: "Replicated",
      message: "ok",
      lastSyncTime: TIME,
      lastSyncDuration: "41s",
      latestImage: "volsync-data-dst-20261204",
    }],
  },
};

const cases = [remoteCluster, namespaceMapping, namespaceReplication];

for (const sample of cases) {
  Deno.test(`${sample.kind}: every TS field exists in the schema`, () => {
    const validate = validatorFor(crdFor(sample.kind), { rules: false });
    assertEquals(validate({ ...sample, metadata: META }).errors, []);
  });

  Deno.test(`${sample.kind}: every schema field exists in the TS type`, () => {
    const missing: string[] = [];
    const root = rootSchema(crdFor(sample.kind));
    for (const part of ["spec", "status"] as const) {
      const node = root.properties?.[part];
      if (node) missingFields(node, sample[part], `/${part}`, missing);
    }
    assertEquals(missing, []);
  });
}

function missingFields(
  node: SchemaNode,
  value: unknown,
  path: string,
  out: string[],
): void {
  if (Array.isArray(value) && node.items) {
    return missingFields(node.items, value[0], `${path}/0`, out);
  }
  if (!node.properties || typeof value !== "object" || value === null) return;
  for (const [k, child] of Object.entries(node.properties)) {
    const v = (value as Record<string, unknown>)[k];
    if (v === undefined) out.push(`${path}/${k}`);
    else missingFields(child, v, `${path}/${k}`, out);
  }
}
