/**
 * The shard Leases in the controller namespace, as plain JSON over the
 * client: one per replica (membership) and one per NamespaceReplication
 * (its owner). A label tells them apart from the leader-election Lease.
 */
import type { ClusterClient } from "../kube/client.ts";
import { microTime } from "../lease-store.ts";
import { hash53 } from "./assignment.ts";
import type { ShardLease } from "./ownership.ts";

export const LABEL_SHARD = "drsyncer.io/shard";
export const ANNOTATION_REPLICATION = "drsyncer.io/replication";
const MAX_NAME = 253;

interface LeaseJson {
  metadata: {
    name: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec?: {
    holderIdentity?: string;
    leaseDurationSeconds?: number;
    renewTime?: string;
    acquireTime?: string;
    leaseTransitions?: number;
  };
}

function lowerName(prefix: string, s: string): string {
  const clean = s.toLowerCase().replace(/[^a-z0-9.-]/g, "-");
  const name = `${prefix}${clean}`.replace(/[.-]+$/, "");
  return name.length <= MAX_NAME && clean === s
    ? name
    : `${prefix}${hash53(s).toString(36)}`;
}

export function memberLeaseName(identity: string): string {
  return lowerName("dr-syncer-member-", identity);
}

export function replicationLeaseName(replication: string): string {
  return lowerName("dr-syncer-nr-", replication);
}

function view(l: LeaseJson): ShardLease {
  const role = l.metadata.labels?.[LABEL_SHARD] === "member"
    ? "member"
    : "replication";
  return {
    name: l.metadata.name,
    role,
    replication: l.metadata.annotations?.[ANNOTATION_REPLICATION],
    holder: l.spec?.holderIdentity ?? "",
    renewTime: l.spec?.renewTime ?? "",
    durationMs: (l.spec?.leaseDurationSeconds ?? 0) * 1000,
    resourceVersion: l.metadata.resourceVersion ?? "",
  };
}

/** Lease reads and writes of one replica. */
export class ShardLeaseApi {
  readonly #base: string;

  constructor(
    readonly client: ClusterClient,
    readonly namespace: string,
    readonly identity: string,
    readonly durationSeconds: number,
  ) {
    this.#base = `/apis/coordination.k8s.io/v1/namespaces/${namespace}/leases`;
  }

  async list(signal: AbortSignal): Promise<ShardLease[]> {
    const r = await this.client.requestJson<{ items?: LeaseJson[] }>(
      `${this.#base}?labelSelector=${encodeURIComponent(LABEL_SHARD)}`,
      { signal },
    );
    return (r.items ?? []).map(view);
  }

  #body(
    name: string,
    role: "member" | "replication",
    holder: string,
    now: number,
    resourceVersion?: string,
    replication?: string,
  ): LeaseJson & { apiVersion: string; kind: string } {
    return {
      apiVersion: "coordination.k8s.io/v1",
      kind: "Lease",
      metadata: {
        name,
        resourceVersion,
        labels: { [LABEL_SHARD]: role },
        annotations: replication
          ? { [ANNOTATION_REPLICATION]: replication }
          : undefined,
      },
      spec: {
        holderIdentity: holder,
        leaseDurationSeconds: this.durationSeconds,
        renewTime: microTime(now),
        acquireTime: microTime(now),
      },
    };
  }

  /** Creates or renews this replica's membership Lease. */
  async renewMember(
    current: ShardLease | undefined,
    now: number,
    signal: AbortSignal,
  ): Promise<void> {
    const name = memberLeaseName(this.identity);
    const body = this.#body(
      name,
      "member",
      this.identity,
      now,
      current?.resourceVersion,
    );
    if (current) {
      await this.client.requestJson(`${this.#base}/${name}`, {
        method: "PUT",
        body,
        signal,
      });
    } else {
      await this.client.requestJson(this.#base, {
        method: "POST",
        body,
        signal,
      });
    }
  }

  /** Takes (create or optimistic replace) or frees a replication Lease. */
  async writeReplication(
    replication: string,
    holder: string,
    current: ShardLease | undefined,
    now: number,
    signal: AbortSignal,
  ): Promise<void> {
    const name = replicationLeaseName(replication);
    const body = this.#body(
      name,
      "replication",
      holder,
      now,
      current?.resourceVersion,
      replication,
    );
    await this.client.requestJson(
      current ? `${this.#base}/${name}` : this.#base,
      { method: current ? "PUT" : "POST", body, signal },
    );
  }

  /**
   * Deletes a replication's Lease, only in the version listed (a Lease taken
   * again meanwhile, e.g. by a replication re-created under that name, stays).
   */
  async deleteReplication(
    lease: ShardLease,
    signal: AbortSignal,
  ): Promise<void> {
    await this.client.requestJson(`${this.#base}/${lease.name}`, {
      method: "DELETE",
      body: {
        kind: "DeleteOptions",
        apiVersion: "v1",
        preconditions: { resourceVersion: lease.resourceVersion },
      },
      signal,
    });
  }

  async deleteMember(signal: AbortSignal): Promise<void> {
    await this.client.requestJson(
      `${this.#base}/${memberLeaseName(this.identity)}`,
      { method: "DELETE", signal },
    );
  }
}
