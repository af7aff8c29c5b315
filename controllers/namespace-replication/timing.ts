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

/** After a restart, a Scheduled replication resumes its schedule from status. */
export function restoreSchedule(
  nr: NamespaceReplication,
  rt: ReplicationRuntime,
): void {
  if (
    rt.passGeneration !== undefined ||
    specOf(nr).spec.mode !== "Scheduled"
  ) return;
  const st = nr.status;
  if (st?.observedGeneration !== nr.metadata.generation || !st?.nextSyncTime) {
    return;
  }
  rt.passGeneration = nr.metadata.generation;
  rt.dueAt = Date.parse(st.nextSyncTime);
  rt.dirty = false;
}

/** The next regular pass after one that finished at `now`. */
export function nextDue(
  nr: NamespaceReplication,
  rt: ReplicationRuntime,
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

  /** Brings `rt.dueAt` forward after a pass with transient failures. */
  afterPass(
    rt: ReplicationRuntime,
    r: PassReport,
    now: number,
    incomplete: boolean,
  ): void {
    const transient = incomplete ||
      r.blocker?.reason === "RemoteClusterUnreachable" ||
      r.results.some((x) =>
        [...x.outcomes, x.namespaceOutcome].some((o) =>
          o?.status === "failed" && o.transient
        )
      );
    if (!transient) return void this.#failures.delete(rt.name);
    const n = (this.#failures.get(rt.name) ?? 0) + 1;
    this.#failures.set(rt.name, n);
    const retryAt = now + Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** (n - 1));
    rt.dirty = true;
    rt.dueAt = rt.dueAt === undefined ? retryAt : Math.min(rt.dueAt, retryAt);
  }

  forget(name: string): void {
    this.#failures.delete(name);
  }
}

/** The work-queue answer: come back when the next pass is due. */
export function requeue(
  rt: ReplicationRuntime,
  now: number,
): WorkResult | void {
  if (rt.dueAt === undefined) return;
  return { requeueAfterMs: Math.max(0, rt.dueAt - now) };
}
