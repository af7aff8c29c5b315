/**
 * Token-bucket rate limiter (qps sustained, burst at once), one per cluster
 * client, so a busy replication cannot flood a DR API server. Reservations
 * may drive the bucket negative; each caller then waits its turn, which keeps
 * the long-run rate exact without polling.
 */
import { type Clock, sleep, systemClock } from "../clock.ts";

/** Options of {@link TokenBucket}. */
export interface RateLimitOptions {
  /** Sustained requests per second; 0 or less disables limiting. */
  qps: number;
  /** Requests allowed at once after an idle period. */
  burst: number;
  clock?: Clock;
}

/** See the module comment. */
export class TokenBucket {
  readonly #qps: number;
  readonly #burst: number;
  readonly #clock: Clock;
  #tokens: number;
  #last: number;

  constructor(opts: RateLimitOptions) {
    this.#qps = opts.qps;
    this.#burst = Math.max(1, opts.burst);
    this.#clock = opts.clock ?? systemClock;
    this.#tokens = this.#burst;
    this.#last = this.#clock.now();
  }

  /** Takes one token; returns how long the caller must wait first (ms). */
  reserve(): number {
    if (this.#qps <= 0) return 0;
    const now = this.#clock.now();
    const refill = ((now - this.#last) / 1000) * this.#qps;
    this.#tokens = Math.min(this.#burst, this.#tokens + refill);
    this.#last = now;
    this.#tokens -= 1;
    return this.#tokens >= 0 ? 0 : (-this.#tokens / this.#qps) * 1000;
  }

  /** Waits for a token; an abort gives the token back. */
  async take(signal?: AbortSignal): Promise<void> {
    const wait = this.reserve();
    if (wait <= 0) return;
    try {
      await sleep(this.#clock, wait, signal);
    } catch (e) {
      this.#tokens += 1;
      throw e;
    }
  }
}
