/**
 * Keyed work queue with client-go's semantics: a key is never processed twice
 * at once, repeated adds collapse, a key re-added while it is processed runs
 * again once it is done, failures come back after a per-key exponential
 * backoff, and shutdown drains in-flight work within a deadline.
 */
import { type Clock, systemClock, type TimerId } from "./clock.ts";

/** What a handler may ask for after a successful run. */
export interface WorkResult {
  /** Run this key again after so many milliseconds (periodic work). */
  requeueAfterMs?: number;
}

/** Processes one key; `signal` aborts when the queue must stop writing. */
export type WorkHandler = (
  key: string,
  signal: AbortSignal,
) => Promise<WorkResult | void>;

/** Options of {@link WorkQueue}. */
export interface WorkQueueOptions {
  handler: WorkHandler;
  /** Keys processed in parallel (distinct keys only). Default 1. */
  concurrency?: number;
  /** First retry delay after a failure. Default 5 ms. */
  baseDelayMs?: number;
  /** Longest retry delay. Default 1000 s (~16 min), as client-go. */
  maxDelayMs?: number;
  clock?: Clock;
  /** Aborting it stops every handler at once (e.g. leadership lost). */
  signal?: AbortSignal;
  /** Told about each failure, with the key's failure count so far. */
  onError?: (key: string, error: unknown, failures: number) => void;
}

const DEFAULT_BASE_DELAY_MS = 5;
const DEFAULT_MAX_DELAY_MS = 1_000_000;

/** Outcome of {@link WorkQueue.shutdown}. */
export interface ShutdownResult {
  /** True when all in-flight work finished before the deadline. */
  drained: boolean;
  /** Keys still running when the deadline passed (their signal aborted). */
  abandoned: string[];
}

/** See the module comment. */
export class WorkQueue {
  readonly #opts: Required<Omit<WorkQueueOptions, "signal" | "onError">>;
  readonly #onError?: WorkQueueOptions["onError"];
  readonly #abort = new AbortController();
  readonly #ready: string[] = [];
  /** Keys that want a run: queued in #ready or re-added while processing. */
  readonly #dirty = new Set<string>();
  readonly #running = new Map<string, Promise<void>>();
  /** Start time of each running key, for liveness. */
  readonly #startedAt = new Map<string, number>();
  #lastDoneAt: number;
  #lastProgressAt: number | undefined;
  readonly #failures = new Map<string, number>();
  readonly #delayed = new Map<string, { due: number; id: TimerId }>();
  #closed = false;
  #adds = 0;
  #retries = 0;

  constructor(opts: WorkQueueOptions) {
    this.#opts = {
      handler: opts.handler,
      concurrency: Math.max(1, opts.concurrency ?? 1),
      baseDelayMs: opts.baseDelayMs ?? DEFAULT_BASE_DELAY_MS,
      maxDelayMs: opts.maxDelayMs ?? DEFAULT_MAX_DELAY_MS,
      clock: opts.clock ?? systemClock,
    };
    this.#onError = opts.onError;
    this.#lastDoneAt = this.#opts.clock.now();
    opts.signal?.addEventListener(
      "abort",
      () => this.#stop(opts.signal?.reason),
      { once: true },
    );
  }

  /** Keys waiting to run (the depth metric). */
  get depth(): number {
    return this.#ready.length;
  }

  /** Keys being processed now. */
  get inFlight(): number {
    return this.#running.size;
  }

  /** Keys waiting on a timer (backoff or addAfter). */
  get waiting(): number {
    return this.#delayed.size;
  }

  /** Totals since creation, for metrics. */
  get stats(): { adds: number; retries: number } {
    return { adds: this.#adds, retries: this.#retries };
  }

  /**
   * For liveness: when the longest-running handler started (undefined when
   * none runs) and when a handler last finished.
   */
  get progress(): {
    oldestStartedAt?: number;
    lastDoneAt: number;
    lastProgressAt?: number;
  } {
    let oldest: number | undefined;
    for (const t of this.#startedAt.values()) {
      if (oldest === undefined || t < oldest) oldest = t;
    }
    return {
      oldestStartedAt: oldest,
      lastDoneAt: this.#lastDoneAt,
      lastProgressAt: this.#lastProgressAt,
    };
  }

  /**
   * A running handler moved forward (an object written in a long pass):
   * liveness then tells a slow reconcile from a stuck one.
   */
  progressed(): void {
    this.#lastProgressAt = this.#opts.clock.now();
  }

  /** Consecutive failures of `key` (0 after a success). */
  failures(key: string): number {
    return this.#failures.get(key) ?? 0;
  }

  /** True once shutdown began or the signal aborted; adds are ignored. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Asks for `key` to be processed; a no-op if it already waits. */
  add(key: string): void {
    if (this.#closed || this.#dirty.has(key)) return;
    this.#adds++;
    this.#dirty.add(key);
    if (!this.#running.has(key)) {
      this.#ready.push(key);
      this.#pump();
    }
  }

  /** Adds `key` after `ms`; an earlier pending schedule for it wins. */
  addAfter(key: string, ms: number): void {
    if (this.#closed) return;
    if (ms <= 0) return this.add(key);
    const { clock } = this.#opts;
    const due = clock.now() + ms;
    const existing = this.#delayed.get(key);
    if (existing && existing.due <= due) return;
    if (existing) clock.clearTimeout(existing.id);
    const id = clock.setTimeout(() => {
      this.#delayed.delete(key);
      this.add(key);
    }, ms);
    this.#delayed.set(key, { due, id });
  }

  /**
   * Stops intake (queued and scheduled keys are dropped), waits for running
   * handlers up to `deadlineMs`, then aborts the ones still running.
   */
  async shutdown(deadlineMs: number): Promise<ShutdownResult> {
    this.#close();
    const { clock } = this.#opts;
    let timer: TimerId | undefined;
    const deadline = new Promise<"deadline">((resolve) => {
      timer = clock.setTimeout(() => resolve("deadline"), deadlineMs);
    });
    const all = Promise.all(this.#running.values()).then(() => "drained");
    const outcome = await Promise.race([all, deadline]);
    if (timer !== undefined) clock.clearTimeout(timer);
    if (outcome === "drained") return { drained: true, abandoned: [] };
    const abandoned = [...this.#running.keys()];
    this.#abort.abort(new Error("work queue shutdown deadline passed"));
    return { drained: false, abandoned };
  }

  #stop(reason: unknown): void {
    this.#close();
    this.#abort.abort(reason);
  }

  #close(): void {
    this.#closed = true;
    this.#ready.length = 0;
    this.#dirty.clear();
    for (const { id } of this.#delayed.values()) {
      this.#opts.clock.clearTimeout(id);
    }
    this.#delayed.clear();
  }

  #pump(): void {
    while (
      this.#running.size < this.#opts.concurrency && this.#ready.length > 0
    ) {
      const key = this.#ready.shift()!;
      this.#dirty.delete(key);
      this.#startedAt.set(key, this.#opts.clock.now());
      this.#running.set(key, this.#process(key));
    }
  }

  async #process(key: string): Promise<void> {
    try {
      const result = await this.#opts.handler(key, this.#abort.signal);
      this.#failures.delete(key);
      if (result?.requeueAfterMs !== undefined) {
        this.addAfter(key, result.requeueAfterMs);
      }
    } catch (error) {
      this.#retry(key, error);
    } finally {
      this.#running.delete(key);
      this.#startedAt.delete(key);
      this.#lastDoneAt = this.#opts.clock.now();
      if (this.#dirty.has(key) && !this.#closed) this.#ready.push(key);
      this.#pump();
    }
  }

  #retry(key: string, error: unknown): void {
    const failures = (this.#failures.get(key) ?? 0) + 1;
    this.#failures.set(key, failures);
    this.#onError?.(key, error, failures);
    if (this.#closed) return;
    this.#retries++;
    const { baseDelayMs, maxDelayMs } = this.#opts;
    this.addAfter(
      key,
      Math.min(maxDelayMs, baseDelayMs * 2 ** (failures - 1)),
    );
  }
}
