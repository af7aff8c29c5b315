/**
 * Liveness: is this process still doing its job? A wedged process answers
 * neither probes nor work, but a half-wedged one (an event loop blocked for
 * seconds at a time, a reconcile that never returns) can still answer
 * /healthz. These checks catch the second kind so the kubelet restarts it.
 * They never look at a cluster: a DR outage must not restart the controller.
 */

/** Bounds past which the process counts as wedged. */
export interface LivenessLimits {
  /** Longest acceptable event-loop delay. Default 30 s. */
  maxLoopLagMs: number;
  /**
   * Longest a single reconcile may run without reporting progress. One that
   * reports progress (a large first sync writing at the rate limit) may run
   * longer, as long as its last progress is within maxStallMs. Default 15 min.
   */
  maxReconcileMs: number;
  /** Longest a non-empty queue may go without finishing a key. Default 15 min. */
  maxStallMs: number;
}

/** Defaults: generous, so only a real hang restarts the pod. */
export const DEFAULT_LIVENESS: LivenessLimits = {
  maxLoopLagMs: 30_000,
  maxReconcileMs: 15 * 60_000,
  maxStallMs: 15 * 60_000,
};

/** What a work queue tells liveness about its progress. */
export interface QueueProgress {
  name: string;
  /** Keys waiting to run. */
  depth: number;
  /** Start time of the longest-running handler, if any runs. */
  oldestStartedAt?: number;
  /** When a handler last finished (or the queue was created). */
  lastDoneAt: number;
  /** When a running handler last reported progress, if ever. */
  lastProgressAt?: number;
}

/** Reasons the queues look stuck at `now`; empty when they are fine. */
export function queueProblems(
  queues: readonly QueueProgress[],
  now: number,
  limits: LivenessLimits,
): string[] {
  const reasons: string[] = [];
  for (const q of queues) {
    const running = q.oldestStartedAt === undefined
      ? 0
      : now - q.oldestStartedAt;
    const quiet = now - Math.max(q.lastProgressAt ?? 0, q.oldestStartedAt ?? 0);
    if (running > limits.maxReconcileMs && quiet > limits.maxStallMs) {
      reasons.push(
        `${q.name}: a reconcile has run for ${
          seconds(running)
        }, with no progress for ${seconds(quiet)}`,
      );
    } else if (
      q.depth > 0 &&
      now - Math.max(q.lastDoneAt, q.lastProgressAt ?? 0) > limits.maxStallMs
    ) {
      reasons.push(
        `${q.name}: ${q.depth} queued, none finished for ${
          seconds(now - q.lastDoneAt)
        }`,
      );
    }
  }
  return reasons;
}

function seconds(ms: number): string {
  return `${Math.round(ms / 1000)}s`;
}

const DEFAULT_TICK_MS = 1000;

/**
 * Measures event-loop delay: a timer that should fire every `tickMs`
 * records how late it fired. `lagMs` is the latest delay, so a loop that
 * recovered reads healthy again while one that keeps stalling does not.
 */
export class LoopLagMonitor {
  readonly #tickMs: number;
  #timer: ReturnType<typeof setInterval> | undefined;
  #expected = 0;
  #lag = 0;

  constructor(tickMs = DEFAULT_TICK_MS) {
    this.#tickMs = tickMs;
  }

  /** The delay of the last tick, or of the pending one if it is overdue. */
  get lagMs(): number {
    if (this.#timer === undefined) return 0;
    return Math.max(this.#lag, performance.now() - this.#expected);
  }

  /** Starts measuring; call `stop` to end it. */
  start(): void {
    if (this.#timer !== undefined) return;
    this.#expected = performance.now() + this.#tickMs;
    const timer = setInterval(() => {
      const now = performance.now();
      this.#lag = Math.max(0, now - this.#expected);
      this.#expected = now + this.#tickMs;
    }, this.#tickMs);
    // Measuring must never keep the process alive on its own.
    Deno.unrefTimer(timer);
    this.#timer = timer;
  }

  /** Stops the timer. */
  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#lag = 0;
  }
}
