/**
 * Read/create/replace of one coordination.k8s.io/v1 Lease as plain JSON, so
 * MicroTime fields stay strings both ways (client-node returns renewTime as a
 * string anyway, and a millisecond `Date` may be refused by the apiserver).
 */
import type { ClusterClient } from "./kube/client.ts";
import { isNotFound } from "./kube/errors.ts";

/** The Lease fields leader election uses. */
export interface LeaseRecord {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

/** A Lease as stored: its record plus the version to replace it. */
export interface StoredLease {
  spec: LeaseRecord;
  resourceVersion: string;
}

/** Storage of the lease; a stale `resourceVersion` must make replace throw. */
export interface LeaseStore {
  get(signal: AbortSignal): Promise<StoredLease | undefined>;
  create(spec: LeaseRecord, signal: AbortSignal): Promise<StoredLease>;
  replace(
    spec: LeaseRecord,
    resourceVersion: string,
    signal: AbortSignal,
  ): Promise<StoredLease>;
}

/** Kubernetes MicroTime: RFC 3339 with exactly six fractional digits. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}

interface LeaseJson {
  metadata?: { resourceVersion?: string };
  spec?: LeaseRecord;
}

function stored(l: LeaseJson): StoredLease {
  return {
    spec: l.spec ?? {},
    resourceVersion: l.metadata?.resourceVersion ?? "",
  };
}

/** A LeaseStore backed by the API server. */
export function apiLeaseStore(
  client: ClusterClient,
  namespace: string,
  name: string,
): LeaseStore {
  const base = `/apis/coordination.k8s.io/v1/namespaces/${namespace}/leases`;
  const body = (spec: LeaseRecord, resourceVersion?: string) => ({
    apiVersion: "coordination.k8s.io/v1",
    kind: "Lease",
    metadata: { name, namespace, resourceVersion },
    spec,
  });
  return {
    async get(signal) {
      try {
        return stored(await client.requestJson(`${base}/${name}`, { signal }));
      } catch (e) {
        if (isNotFound(e)) return undefined;
        throw e;
      }
    },
    async create(spec, signal) {
      const r = await client.requestJson<LeaseJson>(base, {
        method: "POST",
        body: body(spec),
        signal,
      });
      return stored(r);
    },
    async replace(spec, resourceVersion, signal) {
      const r = await client.requestJson<LeaseJson>(`${base}/${name}`, {
        method: "PUT",
        body: body(spec, resourceVersion),
        signal,
      });
      return stored(r);
    },
  };
}
