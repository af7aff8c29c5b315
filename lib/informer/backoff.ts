/**
 * Jittered exponential backoff for list/watch restarts, after client-go's
 * reflector: 0.8 s doubling to 30 s, up to +100 % jitter so many watches
 * failing together do not come back in lockstep, and a reset once no failure
 * was seen for a healthy period.
 */
import { type Clock, systemClock } from "../clock.ts";

/** Options of {@link Backoff}; every field has a client-go-like default. */
export interface BackoffOptions {
  initialMs?: number;
  maxMs?: number;
  factor?: number;
  /** Extra random fraction added to each delay (0..jitter). */
  jitter?: number;
  /** Failure-free time after which the delay starts over. */
  resetAfterMs?: number;
  clock?: Clock;
  random?: () => number;
}

const DEFAULTS = {
  initialMs: 800,
  maxMs: 30_000,
  factor: 2,
  jitter: 1,
  resetAfterMs: 120_000,
};

/** See the module comment. */
export class Backoff {
  readonly #o: typeof DEFAULTS;
  readonly #clock: Clock;
  readonly #random: () => number;
  #current = 0;
  #lastFailure: number | undefined;

  constructor(opts: BackoffOptions = {}) {
    this.#o = {
      initialMs: opts.initialMs ?? DEFAULTS.initialMs,
      maxMs: opts.maxMs ?? DEFAULTS.maxMs,
      factor: opts.factor ?? DEFAULTS.factor,
      jitter: opts.jitter ?? DEFAULTS.jitter,
      resetAfterMs: opts.resetAfterMs ?? DEFAULTS.resetAfterMs,
    };
    this.#clock = opts.clock ?? systemClock;
    this.#random = opts.random ?? Math.random;
  }

  /** Delay before the next attempt, in ms; call once per failure. */
  next(): number {
    const now = this.#clock.now();
    const healthy = this.#lastFailure !== undefined &&
      now - this.#lastFailure >= this.#o.resetAfterMs;
    if (this.#current === 0 || healthy) {
      this.#current = this.#o.initialMs;
    } else {
      this.#current = Math.min(this.#o.maxMs, this.#current * this.#o.factor);
    }
    this.#lastFailure = now;
    const jittered = this.#current * (1 + this.#random() * this.#o.jitter);
    return Math.min(this.#o.maxMs, Math.round(jittered));
  }

  /** Starts over at once (e.g. after a deliberate, non-failure restart). */
  reset(): void {
    this.#current = 0;
    this.#lastFailure = undefined;
  }
}
