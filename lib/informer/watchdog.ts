/**
 * Notices a silent watch: the connection is open but neither an event nor a
 * bookmark arrived for `timeoutMs` (a stalled proxy, a half-dead TCP peer).
 * client-node's byte-level timer misses streams that trickle keep-alive
 * bytes, so the informer feeds this on each parsed event instead.
 */
import type { Clock, TimerId } from "../clock.ts";

/** See the module comment. */
export class Watchdog {
  readonly #clock: Clock;
  readonly #timeoutMs: number;
  readonly #onExpire: () => void;
  #timer: TimerId | undefined;
  #lastFeed = 0;

  constructor(clock: Clock, timeoutMs: number, onExpire: () => void) {
    this.#clock = clock;
    this.#timeoutMs = timeoutMs;
    this.#onExpire = onExpire;
  }

  /** Starts (or restarts) the countdown. */
  start(): void {
    this.#lastFeed = this.#clock.now();
    this.#arm(this.#timeoutMs);
  }

  /** Records life; cheap enough to call on every event. */
  feed(): void {
    this.#lastFeed = this.#clock.now();
  }

  stop(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  // One timer per period instead of one per event: on expiry, re-arm for
  // the time left since the last feed, or fire.
  #arm(ms: number): void {
    this.#timer = this.#clock.setTimeout(() => {
      const idle = this.#clock.now() - this.#lastFeed;
      if (idle >= this.#timeoutMs) {
        this.#timer = undefined;
        this.#onExpire();
      } else this.#arm(this.#timeoutMs - idle);
    }, ms);
  }
}
