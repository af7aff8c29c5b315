/**
 * `run --sharding`: every replica is active and handles the
 * NamespaceReplications the assignment gives it. Each round (every retry
 * period) a replica renews its membership Lease, lists the shard Leases,
 * computes the assignment over the live members, and takes or frees
 * per-replication Leases (see ownership.ts).
 *
 * The fence: `owns(name)` is true only while this replica holds the
 * replication's Lease, the assignment still gives it the replication, and
 * its own membership was renewed less than renewDeadline ago. Another
 * replica takes a Lease over only after the holder's membership has not
 * changed for a whole lease duration on its own clock, so a partitioned
 * replica has stopped writing (renewDeadline) before anyone can take over
 * (leaseDuration); the gap covers writes already in flight. A replication
 * given up after a rebalance is freed only after that same gap.
 */
import { type Clock, sleep, systemClock } from "../clock.ts";
import type { ClusterClient } from "../kube/client.ts";
import { assign } from "./assignment.ts";
import { memberLeaseName, ShardLeaseApi } from "./leases.ts";
import {
  liveMembers,
  observe,
  planLeaseSteps,
  type Seen,
  type ShardLease,
} from "./ownership.ts";

/** Test hook: a write for `replication` that passed the write fence. */
export type WriteObserver = (
  replication: string,
  startedAt: number,
  endedAt: number,
) => void;

/** What the replication controller's write fence asks before it writes. */
export interface ShardFence {
  /** This replica's identity (shown in status.controller). */
  readonly identity: string;
  /** May this replica write for `replication` right now? */
  owns(replication: string): boolean;
  /** Test hook: told of every write that passed the fence. */
  onWrite?: WriteObserver;
}

export interface ShardOptions {
  client: ClusterClient;
  namespace: string;
  identity: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  clock?: Clock;
  log?: {
    info(message: string, props?: Record<string, unknown>): void;
    warn(message: string, props?: Record<string, unknown>): void;
  };
}

/** Where the coordinator learns the replications and reports changes. */
export interface ShardSubject {
  /** Names of every NamespaceReplication; undefined until the cache synced. */
  replications(): string[] | undefined;
  /** Ownership of `replication` was gained or lost. */
  changed(replication: string): void;
}

/** See the module comment. */
export class ShardCoordinator implements ShardFence {
  readonly identity: string;
  onWrite?: WriteObserver;
  readonly #api: ShardLeaseApi;
  readonly #clock: Clock;
  readonly #t: { lease: number; renewDeadline: number; retry: number };
  readonly #log?: ShardOptions["log"];
  readonly #stop = new AbortController();
  #subject?: ShardSubject;
  #seen = new Map<string, Seen>();
  #memberValidUntil = Number.NEGATIVE_INFINITY;
  #members: string[] = [];
  #mine = new Set<string>();
  #held = new Set<string>();
  #releaseAt = new Map<string, number>();
  #unowned = 0;
  #loop?: Promise<void>;

  constructor(o: ShardOptions) {
    this.identity = o.identity;
    this.#clock = o.clock ?? systemClock;
    this.#log = o.log;
    this.#t = {
      lease: o.leaseDurationMs ?? 15_000,
      renewDeadline: o.renewDeadlineMs ?? 10_000,
      retry: o.retryPeriodMs ?? 2_000,
    };
    if (
      !(this.#t.lease > this.#t.renewDeadline &&
        this.#t.renewDeadline > this.#t.retry)
    ) {
      throw new Error("need leaseDuration > renewDeadline > retryPeriod");
    }
    this.#api = new ShardLeaseApi(
      o.client,
      o.namespace,
      o.identity,
      Math.ceil(this.#t.lease / 1000),
    );
  }

  /** Connects the replication controller (before `start`). */
  attach(subject: ShardSubject): void {
    this.#subject = subject;
  }

  owns(replication: string): boolean {
    return this.#clock.now() < this.#memberValidUntil &&
      this.#held.has(replication) && this.#mine.has(replication) &&
      !this.#releaseAt.has(replication);
  }

  /** Live members as last listed (this replica included while fresh). */
  get members(): readonly string[] {
    return this.#members;
  }

  /** Replications this replica may write for now. */
  get owned(): number {
    return [...this.#held].filter((r) => this.owns(r)).length;
  }

  /** Replications with no live owner, as this replica last saw them. */
  get unowned(): number {
    return this.#unowned;
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  /** Ends the rounds, frees held Leases and leaves the membership. */
  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#loop;
    const before = new Set(this.#held);
    this.#memberValidUntil = Number.NEGATIVE_INFINITY;
    const signal = this.#timeout(this.#t.retry);
    try {
      const leases = await this.#api.list(signal.signal);
      for (const l of leases) {
        if (l.role !== "replication" || l.holder !== this.identity) continue;
        await this.#api.writeReplication(
          l.replication ?? "",
          "",
          l,
          this.#clock.now(),
          signal.signal,
        ).catch(() => {});
      }
      await this.#api.deleteMember(signal.signal).catch(() => {});
    } catch {
      // Best effort: the Leases then expire.
    } finally {
      signal.dispose();
      this.#held.clear();
      for (const r of before) this.#subject?.changed(r);
    }
  }

  async #run(): Promise<void> {
    const stop = this.#stop.signal;
    while (!stop.aborted) {
      const t = this.#timeout(this.#t.renewDeadline);
      try {
        await this.round(AbortSignal.any([stop, t.signal]));
      } catch (e) {
        if (!stop.aborted) {
          this.#log?.warn("shard round failed", { error: String(e) });
        }
      } finally {
        t.dispose();
      }
      await sleep(this.#clock, this.#t.retry, stop).catch(() => {});
    }
  }

  #timeout(ms: number): { signal: AbortSignal; dispose(): void } {
    const ctl = new AbortController();
    const id = this.#clock.setTimeout(() => ctl.abort(), ms);
    return { signal: ctl.signal, dispose: () => this.#clock.clearTimeout(id) };
  }

  /** One round (exported for tests that step it by hand). */
  async round(signal: AbortSignal): Promise<void> {
    const started = this.#clock.now();
    const before = new Set([...this.#held].filter((r) => this.owns(r)));
    try {
      const leases = await this.#api.list(signal);
      const now = this.#clock.now();
      this.#seen = observe(this.#seen, leases, now);
      const own = leases.find((l) => l.name === memberLeaseName(this.identity));
      await this.#api.renewMember(own, started, signal);
      this.#memberValidUntil = started + this.#t.renewDeadline;
      await this.#balance(leases, signal);
    } finally {
      for (const r of new Set([...before, ...this.#held])) {
        const owned = this.owns(r);
        if (before.has(r) === owned) continue;
        this.#log?.info(owned ? "replication taken" : "replication left", {
          replication: r,
          members: this.#members.length,
        });
        this.#subject?.changed(r);
      }
    }
  }

  /** Deletes the Lease of a deleted replication; a lost race is harmless. */
  async #deleteLease(lease: ShardLease, signal: AbortSignal): Promise<void> {
    try {
      await this.#api.deleteReplication(lease, signal);
      this.#log?.info("lease of a deleted replication removed", {
        replication: lease.replication,
      });
    } catch {
      // Gone already, taken again (409) or the API is away: next round.
    }
    this.#held.delete(lease.replication!);
    this.#releaseAt.delete(lease.replication!);
  }

  async #balance(leases: ShardLease[], signal: AbortSignal): Promise<void> {
    const now = this.#clock.now();
    const live = liveMembers(leases, this.#seen, now, this.identity);
    this.#members = live;
    const byReplication = new Map<string, ShardLease>();
    for (const l of leases) {
      if (l.role === "replication" && l.replication) {
        byReplication.set(l.replication, l);
      }
    }
    this.#held = new Set(
      [...byReplication.values()]
        .filter((l) => l.holder === this.identity)
        .map((l) => l.replication!),
    );
    const names = this.#subject?.replications();
    if (names === undefined) return;
    const liveSet = new Set(live);
    this.#unowned = names.filter((n) => {
      const h = byReplication.get(n)?.holder ?? "";
      return h === "" || !liveSet.has(h);
    }).length;
    const assignment = assign(names, live);
    this.#mine = new Set(
      names.filter((n) => assignment.get(n) === this.identity),
    );
    for (const r of [...this.#releaseAt.keys()]) {
      if (this.#mine.has(r) || !this.#held.has(r)) this.#releaseAt.delete(r);
    }
    for (const r of this.#held) {
      if (!this.#mine.has(r) && !this.#releaseAt.has(r)) {
        this.#releaseAt.set(r, now + this.#t.lease - this.#t.renewDeadline);
      }
    }
    const steps = planLeaseSteps({
      self: this.identity,
      mine: this.#mine,
      leases: byReplication,
      live: liveSet,
      releaseAt: this.#releaseAt,
      now,
      known: new Set(names),
    });
    for (const s of steps) {
      if (s.op === "delete") {
        await this.#deleteLease(s.lease, signal);
        continue;
      }
      const current = s.op === "create" ? undefined : s.lease;
      const holder = s.op === "release" ? "" : this.identity;
      try {
        await this.#api.writeReplication(
          s.replication,
          holder,
          current,
          this.#clock.now(),
          signal,
        );
        if (s.op === "release") {
          this.#held.delete(s.replication);
          this.#releaseAt.delete(s.replication);
        } else {
          this.#held.add(s.replication);
        }
      } catch {
        // Lost a race (409) or the API is away: the next round retries.
      }
    }
  }
}
