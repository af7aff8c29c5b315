/**
 * The pure half of sharding: which members are alive and what to do with
 * the per-replication Leases, from one listing of the shard Leases and the
 * local clock. Liveness is timed the way client-go times leader leases: by
 * when *this* replica first saw a (holder, renewTime) pair, never by the
 * holder's own clock, so clock skew between pods does not matter.
 */

/** One shard Lease as listed. */
export interface ShardLease {
  name: string;
  role: "member" | "replication";
  /** For role "replication": the NamespaceReplication it guards. */
  replication?: string;
  holder: string;
  renewTime: string;
  durationMs: number;
  resourceVersion: string;
}

/** When this replica first saw a Lease's current (holder, renewTime). */
export interface Seen {
  key: string;
  at: number;
}

/** Updates the observations with a new listing (drops vanished Leases). */
export function observe(
  previous: ReadonlyMap<string, Seen>,
  leases: readonly ShardLease[],
  now: number,
): Map<string, Seen> {
  const next = new Map<string, Seen>();
  for (const l of leases) {
    const key = `${l.holder}|${l.renewTime}`;
    const before = previous.get(l.name);
    next.set(l.name, before?.key === key ? before : { key, at: now });
  }
  return next;
}

/**
 * Members whose Lease changed within its duration. `self` counts while its
 * own renewal is fresh, whatever the listing says.
 */
export function liveMembers(
  leases: readonly ShardLease[],
  seen: ReadonlyMap<string, Seen>,
  now: number,
  self?: string,
): string[] {
  const out = new Set<string>();
  for (const l of leases) {
    if (l.role !== "member" || l.holder === "") continue;
    const at = seen.get(l.name)?.at ?? now;
    if (now - at < l.durationMs) out.add(l.holder);
  }
  if (self) out.add(self);
  return [...out].sort();
}

/** A write to one replication Lease. */
export type LeaseStep =
  | { op: "create"; replication: string }
  | { op: "acquire"; replication: string; lease: ShardLease }
  | { op: "release"; replication: string; lease: ShardLease }
  | { op: "delete"; replication: string; lease: ShardLease };

export interface PlanInput {
  self: string;
  /** Replications the assignment gives to `self`. */
  mine: ReadonlySet<string>;
  /** Replication Leases by replication name. */
  leases: ReadonlyMap<string, ShardLease>;
  live: ReadonlySet<string>;
  /** Replications `self` gave up, with the time their Lease may be freed. */
  releaseAt: ReadonlyMap<string, number>;
  now: number;
  /**
   * Every NamespaceReplication that exists (absent: not known yet, nothing
   * is deleted). A Lease of a replication not among them is deleted.
   */
  known?: ReadonlySet<string>;
}

/**
 * Lease writes for this round: take what is assigned to us and free (no
 * Lease, no holder, or a holder that is no longer a live member); free what
 * we hold but gave up, once its release time has come. A Lease held by a
 * live member is never taken: that member frees it when it sees the new
 * assignment, so two replicas never hold one replication.
 */
export function planLeaseSteps(p: PlanInput): LeaseStep[] {
  const steps: LeaseStep[] = [];
  for (const replication of [...p.mine].sort()) {
    const lease = p.leases.get(replication);
    if (!lease) {
      steps.push({ op: "create", replication });
    } else if (
      lease.holder !== p.self &&
      (lease.holder === "" || !p.live.has(lease.holder))
    ) {
      steps.push({ op: "acquire", replication, lease });
    }
  }
  for (const [replication, lease] of p.leases) {
    const gone = p.known !== undefined && !p.known.has(replication);
    if (gone && orphanDeleter(lease, p)) {
      steps.push({ op: "delete", replication, lease });
    }
    if (lease.holder !== p.self || p.mine.has(replication)) continue;
    const due = p.releaseAt.get(replication);
    if (due !== undefined && p.now >= due) {
      steps.push({ op: gone ? "delete" : "release", replication, lease });
    }
  }
  return steps;
}

/**
 * Who deletes the Lease of a deleted replication that its holder will not
 * delete itself (no holder, or a holder that is no longer a live member):
 * the first live member by name, so one replica does it. A live holder
 * deletes its own, after the same gap as a release.
 */
function orphanDeleter(lease: ShardLease, p: PlanInput): boolean {
  if (lease.holder !== "" && p.live.has(lease.holder)) return false;
  return [...p.live].sort()[0] === p.self;
}
