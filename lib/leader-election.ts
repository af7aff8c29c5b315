/**
 * Leader election on a Lease, after client-go: a candidate takes the lease
 * when it is free, released, or not renewed for its duration as observed on
 * the local clock (so clock skew between pods does not matter); the leader
 * renews every retry period and gives up when no renewal succeeded within
 * the renew deadline. Losing it aborts `leading`, which every writer gets, so
 * all writes stop at once; `release()` hands the lease over immediately.
 *
 *   standby ──acquire──► leading ──renew fails for renewDeadline──► lost
 *      ▲                    │
 *      └──── release() ◄────┘ (clean shutdown: holder cleared)
 */
import { type Clock, sleep, systemClock } from "./clock.ts";
import {
  type LeaseRecord,
  type LeaseStore,
  microTime,
  type StoredLease,
} from "./lease-store.ts";

/** Timings (controller-runtime defaults) and identity. */
export interface LeaderElectionOptions {
  store: LeaseStore;
  /** Unique per process, e.g. pod name + random suffix. */
  identity: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  clock?: Clock;
  random?: () => number;
  /** Told when the observed holder changes. */
  onNewLeader?: (identity: string) => void;
}

const RETRY_JITTER = 0.2;

/** See the module comment. */
export class LeaderElector {
  readonly identity: string;
  readonly #store: LeaseStore;
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #t: { lease: number; renewDeadline: number; retry: number };
  readonly #onNewLeader?: (identity: string) => void;
  readonly #leading = new AbortController();
  readonly #stopRenew = new AbortController();
  #observed = { key: "", at: 0, holder: "" };
  #lastContact = Number.NEGATIVE_INFINITY;
  #renewLoop: Promise<void> | undefined;
  #lost!: () => void;
  /** Resolves when leadership is lost (never after a clean release). */
  readonly lost: Promise<void>;

  constructor(o: LeaderElectionOptions) {
    this.identity = o.identity;
    this.#store = o.store;
    this.#clock = o.clock ?? systemClock;
    this.#random = o.random ?? Math.random;
    this.#onNewLeader = o.onNewLeader;
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
    this.lost = new Promise((resolve) => this.#lost = resolve);
  }

  /** Aborted when leadership is lost or released: writers must stop. */
  get leading(): AbortSignal {
    return this.#leading.signal;
  }

  get isLeader(): boolean {
    return this.#renewLoop !== undefined && !this.#leading.signal.aborted;
  }

  /** The holder last seen on the lease ("" when free). */
  get observedLeader(): string {
    return this.#observed.holder;
  }

  /** True while the lease could be read or written recently. */
  get healthy(): boolean {
    return this.#clock.now() - this.#lastContact <= this.#t.lease;
  }

  /** Waits until this candidate leads (true) or `signal` aborts (false). */
  async acquire(signal: AbortSignal): Promise<boolean> {
    while (!signal.aborted) {
      if (await this.#bounded(this.#t.renewDeadline, signal)) {
        this.#renewLoop = this.#renew();
        return true;
      }
      const wait = this.#t.retry * (1 + this.#random() * RETRY_JITTER);
      await sleep(this.#clock, wait, signal).catch(() => {});
    }
    return false;
  }

  /** Stops renewing and, if still leading, frees the lease for a standby. */
  async release(): Promise<void> {
    this.#stopRenew.abort();
    await this.#renewLoop;
    if (!this.isLeader) return;
    this.#leading.abort(new Error("leader election released"));
    const ctl = new AbortController();
    const timer = this.#clock.setTimeout(() => ctl.abort(), this.#t.retry);
    try {
      const cur = await this.#store.get(ctl.signal);
      if (cur?.spec.holderIdentity !== this.identity) return;
      const spec: LeaseRecord = {
        ...cur.spec,
        holderIdentity: "",
        leaseDurationSeconds: 1,
        renewTime: microTime(this.#clock.now()),
      };
      await this.#store.replace(spec, cur.resourceVersion, ctl.signal);
    } catch {
      // Best effort: the lease then simply expires.
    } finally {
      this.#clock.clearTimeout(timer);
    }
  }

  async #renew(): Promise<void> {
    const stop = this.#stopRenew.signal;
    let lastRenew = this.#clock.now();
    while (!stop.aborted) {
      await sleep(this.#clock, this.#t.retry, stop).catch(() => {});
      if (stop.aborted) return;
      const left = this.#t.renewDeadline - (this.#clock.now() - lastRenew);
      if (await this.#bounded(Math.max(1, left), stop)) {
        lastRenew = this.#clock.now();
      } else if (this.#clock.now() - lastRenew >= this.#t.renewDeadline) {
        this.#leading.abort(new Error("leader election lost"));
        this.#lost();
        return;
      }
    }
  }

  /** One attempt, cut off after `ms` or when `outer` aborts. */
  async #bounded(ms: number, outer: AbortSignal): Promise<boolean> {
    const ctl = new AbortController();
    const timer = this.#clock.setTimeout(() => ctl.abort(), ms);
    try {
      return await this.#tryAcquireOrRenew(
        AbortSignal.any([outer, ctl.signal]),
      );
    } finally {
      this.#clock.clearTimeout(timer);
    }
  }

  async #tryAcquireOrRenew(signal: AbortSignal): Promise<boolean> {
    try {
      const now = this.#clock.now();
      const cur = await this.#store.get(signal);
      this.#lastContact = this.#clock.now();
      if (!cur) {
        await this.#store.create(this.#record(now, undefined), signal);
        this.#observe({ holderIdentity: this.identity }, now);
        return true;
      }
      this.#observe(cur.spec, now);
      if (this.#heldByOther(cur, now)) return false;
      await this.#store.replace(
        this.#record(now, cur),
        cur.resourceVersion,
        signal,
      );
      this.#observe({ holderIdentity: this.identity }, now);
      return true;
    } catch {
      return false;
    }
  }

  #heldByOther(cur: StoredLease, now: number): boolean {
    const holder = cur.spec.holderIdentity ?? "";
    if (holder === "" || holder === this.identity) return false;
    const durationMs = (cur.spec.leaseDurationSeconds ?? 0) * 1000 ||
      this.#t.lease;
    return this.#observed.at + durationMs > now;
  }

  #record(now: number, cur: StoredLease | undefined): LeaseRecord {
    const transition = cur?.spec.holderIdentity !== this.identity;
    return {
      holderIdentity: this.identity,
      leaseDurationSeconds: Math.ceil(this.#t.lease / 1000),
      acquireTime: transition || !cur?.spec.acquireTime
        ? microTime(now)
        : cur.spec.acquireTime,
      renewTime: microTime(now),
      leaseTransitions: (cur?.spec.leaseTransitions ?? 0) +
        (cur && transition ? 1 : 0),
    };
  }

  // client-go's trick: time a record by when *we* first saw it, not by the
  // renewTime written with the holder's clock.
  #observe(spec: LeaseRecord, now: number): void {
    const holder = spec.holderIdentity ?? "";
    const key = `${holder}|${spec.renewTime ?? ""}`;
    if (key === this.#observed.key) return;
    const changedHolder = holder !== this.#observed.holder;
    this.#observed = { key, at: now, holder };
    if (changedHolder && holder) this.#onNewLeader?.(holder);
  }
}
