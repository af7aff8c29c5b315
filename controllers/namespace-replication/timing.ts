/**
 * When a NamespaceReplication's next full pass is due: its mode's cadence
 * (resync interval, schedule, none), pending prunes, and a growing retry
 * delay after transient failures.
 */
import type { NamespaceReplication } from "../../lib/api/v1alpha1.ts";
import type { PassReport } from "../../lib/engine/status.ts";
import { nextRunTime } from "../../lib/sync/schedule.ts";
import type { WorkResult } from "../../lib/workqueue.ts";
import type { ReplicationRuntime } from "./runtime.ts";
import { specOf } from "./spec.ts";

export const RETRY_BASE_MS = 5_000;
const RETRY_MAX_MS = 5 * 60_000;
/**
 * Longest retry while watch caches are loading: the pass after them is the
 * first real sync, so it should not wait minutes (a refused type is not
 * loading, so this never makes a hot loop of a refusal).
 */
export const LOADING_RETRY_MAX_MS = 20_000;

/**
 * After a restart, a Scheduled replication resumes its schedule from
 * status: the generation and due time to restore, if any.
 */
export function restoredSchedule(
  nr: NamespaceReplication,
  rt: Pick<ReplicationRuntime, "passGeneration">,
): { generation?: number; dueAt: number } | undefined {
  if (
    rt.passGeneration !== undefined ||
    specOf(nr).spec.mode !== "Scheduled"
  ) return undefined;
  const st = nr.status;
  if (st?.observedGeneration !== nr.metadata.generation || !st?.nextSyncTime) {
    return undefined;
  }
  return {
    generation: nr.metadata.generation,
    dueAt: Date.parse(st.nextSyncTime),
  };
}

/** The next regular pass after one that finished at `now`. */
export function nextDue(
  nr: NamespaceReplication,
  rt: Pick<ReplicationRuntime, "live">,
  now: number,
  pruneAt?: number,
): number | undefined {
  const { spec } = specOf(nr);
  if (spec.mode === "Manual") return undefined;
  if (spec.mode === "Scheduled") {
    const next = nextRunTime(spec.schedule, new Date(now));
    return next.ok ? next.next.getTime() : undefined;
  }
  const due = now + spec.resyncMs;
  return pruneAt !== undefined && rt.live ? Math.min(due, pruneAt) : due;
}

/** Consecutive transient failures per replication, and the retry they earn. */
export class RetryTracker {
  readonly #failures = new Map<string, number>();

  /**
   * After a pass: when to retry it (transient failures, growing delay), or
   * undefined when it needs no retry.
   */
  afterPass(
    name: string,
    r: Pick<PassReport, "blocker" | "results" | "loadingCaches">,
    now: number,
    incomplete: boolean,
  ): number | undefined {
    const transient = incomplete ||
      r.blocker?.reason === "RemoteClusterUnreachable" ||
      r.results.some((x) =>
        [...x.outcomes, x.namespaceOutcome].some((o) =>
          o?.status === "failed" && o.transient
        )
      );
    if (!transient) return void this.#failures.delete(name);
    const n = (this.#failures.get(name) ?? 0) + 1;
    this.#failures.set(name, n);
    const max = r.loadingCaches?.length ? LOADING_RETRY_MAX_MS : RETRY_MAX_MS;
    return now + Math.min(max, RETRY_BASE_MS * 2 ** (n - 1));
  }

  forget(name: string): void {
    this.#failures.delete(name);
  }
}

/** The work-queue answer: come back when the next pass is due. */
export function requeue(
  rt: Pick<ReplicationRuntime, "dueAt">,
  now: number,
): WorkResult | void {
  if (rt.dueAt === undefined) return;
  return { requeueAfterMs: Math.max(0, rt.dueAt - now) };
}
