/** Inputs for the pure data-replication modules. */
import type { KubeObject } from "../../../lib/sync/types.ts";
import type { ObservedPair } from "../../../lib/volsync/status.ts";
import type { VolumePlanInput } from "../../../lib/volsync/plan.ts";

export const NOW = new Date("2026-12-04T12:00:00Z");
export const OWNER = "dr-syncer-system.shop-to-dr";

export function pvc(
  name: string,
  spec: Record<string, unknown> = {},
  labels?: Record<string, string>,
): KubeObject {
  return {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: { name, namespace: "shop", labels },
    spec: {
      accessModes: ["ReadWriteOncePod", "ReadWriteOnce"],
      storageClassName: "fast-ssd",
      resources: { requests: { storage: "5Gi" } },
      ...spec,
    },
  };
}

export function pair(extra: Partial<ObservedPair> = {}): ObservedPair {
  return {
    source: "shop",
    destination: "shop-dr",
    promoted: false,
    sourceMissing: false,
    pvcs: [],
    sources: [],
    keySecrets: [],
    destinations: [],
    drKeys: new Map(),
    ...extra,
  };
}

export function input(
  pairs: ObservedPair[],
  extra: Partial<VolumePlanInput> = {},
): VolumePlanInput {
  return {
    ownerValue: OWNER,
    spec: { schedule: "*/10 * * * *", copyMethod: "Clone" },
    storageClassMappings: [{ from: "fast-ssd", to: "dr-ssd" }],
    accessModeMappings: [{ from: "ReadWriteOncePod", to: "ReadWriteOnce" }],
    prune: true,
    pairs,
    now: NOW,
    handshakeTimeoutMs: 300_000,
    rpoThresholdMs: 3_600_000,
    ...extra,
  };
}

/** A stored object: resourceVersion, uid, creation time, optional status. */
export function stored(
  o: KubeObject,
  status?: Record<string, unknown>,
  created = "2026-12-04T11:59:00Z",
): KubeObject {
  return {
    ...o,
    metadata: {
      ...o.metadata,
      resourceVersion: "7",
      uid: `uid-${o.metadata.name}`,
      creationTimestamp: created,
    },
    ...(status ? { status } : {}),
  };
}

export function drKey(name: string): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name, namespace: "shop-dr" },
    data: { "psk.txt": "c2VjcmV0" },
  };
}

export const ANSWERED = {
  rsyncTLS: {
    address: "10.96.7.1",
    keySecret: "volsync-rsync-tls-drs-data",
    port: 8000,
  },
};
