/**
 * After a pass: Events (bounded: one per kind of news, aggregated by the
 * recorder) and metrics. Never per object, so a thousand failures make one
 * Event and one series per reason.
 */
import type { NamespaceReplication } from "../../lib/api/v1alpha1.ts";
import type { ActionOutcome } from "../../lib/engine/outcome.ts";
import type { PassReport } from "../../lib/engine/status.ts";
import { type ControllerContext, subjectOf } from "../context.ts";
import { specOf } from "./spec.ts";

const NAMES_IN_MESSAGE = 5;

function names(outcomes: ActionOutcome[]): string {
  const shown = outcomes.slice(0, NAMES_IN_MESSAGE).map((o) =>
    `${o.kind}/${o.name}`
  );
  const more = outcomes.length > NAMES_IN_MESSAGE
    ? ` and ${outcomes.length - NAMES_IN_MESSAGE} more`
    : "";
  return shown.join(", ") + more;
}

/** Emits the pass's Events. */
export function recordEvents(
  ctx: ControllerContext,
  nr: NamespaceReplication,
  r: PassReport,
): void {
  const subject = subjectOf(nr as never);
  const warn = (reason: string, message: string) =>
    ctx.events.record(subject, "Warning", reason, message);
  if (r.blocker) return warn(r.blocker.reason, r.blocker.message);
  const outcomes = r.results.flatMap((x) => x.outcomes);
  const conflicts = outcomes.filter((o) =>
    o.reason === "NotOwned" || o.reason === "OwnedByOtherReplication"
  );
  const failed = outcomes.filter((o) =>
    o.status === "failed" && !conflicts.includes(o)
  );
  const recreated = outcomes.filter((o) =>
    o.action === "recreate" && o.status === "done"
  );
  if (failed.length) {
    const first = failed[0];
    warn(
      "SyncFailed",
      `${failed.length} object(s) failed (${
        names(failed)
      }); first: ${first.reason}: ${first.message}`,
    );
  }
  if (conflicts.length) {
    // Named where they are: in the DR namespace, not the source one.
    warn(
      "Conflict",
      `${conflicts.length} DR object(s) exist but are not ours: ${
        names(
          conflicts.map((o) => ({ ...o, name: `${o.namespace}/${o.name}` })),
        )
      }`,
    );
  }
  for (const x of r.results) {
    if (x.prune?.blocked) {
      warn("PruneBlocked", `${x.pair.destination}: ${x.prune.blocked.message}`);
    }
    if (x.state === "DestinationPromoted") {
      warn("DestinationPromoted", x.message ?? "");
    }
    if (x.state === "SourceNamespaceMissing") {
      warn(
        "SourceNamespaceMissing",
        `source namespace ${x.pair.source} is missing; its DR copy is kept`,
      );
    }
  }
  if (recreated.length) {
    ctx.events.record(
      subject,
      "Normal",
      "Recreated",
      `recreated after an immutable change: ${names(recreated)}`,
    );
  }
  for (const note of r.notes) warn(note.reason, note.message);
  // Odd input (an unreadable scale-override) and types the source would not
  // list: nothing failed, but the user must hear of it.
  const warnings = r.results.flatMap((x) => x.warnings);
  if (warnings.length) warn("SyncWarning", warningsMessage(warnings));
}

function warningsMessage(warnings: string[]): string {
  const more = warnings.length > NAMES_IN_MESSAGE
    ? ` and ${warnings.length - NAMES_IN_MESSAGE} more`
    : "";
  return warnings.slice(0, NAMES_IN_MESSAGE).join("; ") + more;
}

/**
 * The Events of one object written by the fast path: its transform
 * warnings, as a full pass reports them, and a recreate. Its failures are
 * not reported here: they make a full pass, whose Events and status say it.
 */
export function recordObjectEvent(
  ctx: ControllerContext,
  nr: NamespaceReplication,
  o: ActionOutcome,
  warnings: string[] = [],
): void {
  if (warnings.length) {
    ctx.events.record(
      subjectOf(nr as never),
      "Warning",
      "SyncWarning",
      warningsMessage(warnings),
    );
  }
  if (o.action !== "recreate" || o.status !== "done") return;
  ctx.events.record(
    subjectOf(nr as never),
    "Normal",
    "Recreated",
    `recreated after an immutable change: ${names([o])}`,
  );
}

/**
 * Contract §2 and §6: a pass succeeded when it left everything copied: not
 * blocked, no failures, no promoted or missing namespace, no held prunes.
 */
export function passSucceeded(
  r:
    & Pick<PassReport, "results" | "notes" | "loadingCaches">
    & { blocker?: unknown },
): boolean {
  if (r.blocker || r.notes.length > 0) return false;
  if (r.loadingCaches?.length) return false;
  return r.results.every((x) =>
    x.state === "Synced" && !x.prune?.blocked &&
    x.namespaceOutcome?.status !== "failed" &&
    x.outcomes.every((o) => o.status !== "failed")
  );
}

/** Feeds the pass into the metrics. */
export function recordMetrics(
  ctx: ControllerContext,
  nr: NamespaceReplication,
  r: PassReport,
): void {
  const m = ctx.metrics;
  const name = nr.metadata.name;
  const outcomes = r.results.flatMap((x) => [
    ...x.outcomes,
    ...(x.namespaceOutcome ? [x.namespaceOutcome] : []),
  ]);
  const result = r.blocker
    ? "failure"
    : passSucceeded(r)
    ? "success"
    : "partial";
  const ms = r.finishedAt.getTime() - r.startedAt.getTime();
  m.syncFinished(name, result, ms);
  logPass(ctx, name, result, ms, r);
  m.recordOutcomes(name, outcomes);
  if (r.blocker) m.syncError(name, r.blocker.reason);
  m.setPruneBlocked(name, r.results.some((x) => x.prune?.blocked));
  const counts = { desired: 0, inSync: 0, failed: 0 };
  for (const x of r.results) {
    counts.desired += x.counts.desired;
    counts.inSync += x.counts.inSync;
    counts.failed += x.counts.failed;
  }
  m.setReplicationObjects(name, counts);
  m.setReplicationInfo(
    name,
    specOf(nr).spec.remoteClusterName,
    specOf(nr).spec.mode,
  );
}

const REASONS_SHOWN = 3;

function shortList(items: string[]): string {
  const more = items.length > REASONS_SHOWN
    ? ` and ${items.length - REASONS_SHOWN} more`
    : "";
  return items.slice(0, REASONS_SHOWN).join(", ") + more;
}

/**
 * Why a pass that ran did not leave everything copied, for its log line: a
 * "partial" result every pass with no reason beside it sends the operator
 * to the status to find out.
 */
export function unsyncedReasons(
  r: Pick<PassReport, "results" | "notes" | "loadingCaches">,
): string[] {
  const why: string[] = [];
  if (r.notes.length) {
    why.push(
      `mappings: ${shortList(r.notes.map((n) => `${n.reason} ${n.name}`))}`,
    );
  }
  if (r.loadingCaches?.length) {
    why.push(`caches loading: ${shortList(r.loadingCaches)}`);
  }
  const odd = r.results.filter((x) => x.state !== "Synced");
  if (odd.length) {
    why.push(
      `namespaces not synced: ${
        shortList(odd.map((x) => `${x.pair.source} (${x.state})`))
      }`,
    );
  }
  const held = r.results.filter((x) => x.prune?.blocked);
  if (held.length) {
    why.push(
      `prune held: ${shortList(held.map((x) => x.pair.source))}`,
    );
  }
  const failed = r.results.flatMap((x) => [
    ...x.outcomes,
    ...(x.namespaceOutcome ? [x.namespaceOutcome] : []),
  ]).filter((o) => o.status === "failed");
  if (failed.length) {
    why.push(
      `failed: ${shortList(failed.map((o) => `${o.kind}/${o.name}`))}`,
    );
  }
  return why;
}

/** One line per pass: the result, its size, and why when it failed. */
function logPass(
  ctx: ControllerContext,
  replication: string,
  result: string,
  ms: number,
  r: PassReport,
): void {
  const counts = { desired: 0, created: 0, updated: 0, deleted: 0, failed: 0 };
  for (const x of r.results) {
    for (const k of Object.keys(counts) as (keyof typeof counts)[]) {
      counts[k] += x.counts[k];
    }
  }
  const props = {
    replication,
    result,
    durationMs: Math.round(ms),
    ...counts,
    ...(r.blocker
      ? { reason: r.blocker.reason, error: r.blocker.message }
      : {}),
    ...(result === "partial" ? { why: unsyncedReasons(r).join("; ") } : {}),
  };
  if (result === "success") ctx.log.info("sync finished", props);
  else ctx.log.warn("sync finished", props);
}

/** The RemoteClusterReady condition of a replication, from the remote state. */
export function remoteCondition(
  ctx: ControllerContext,
  nr: NamespaceReplication,
): PassReport["remoteReady"] {
  const name = specOf(nr).spec.remoteClusterName;
  const state = ctx.remoteStates.get(name);
  return state?.ready
    ? {
      type: "RemoteClusterReady",
      status: "True",
      reason: "Connected",
      message: state.message,
    }
    : {
      type: "RemoteClusterReady",
      status: "False",
      reason: state?.reason ?? "NotFound",
      message: state?.message ??
        `RemoteCluster ${name} not found or not probed yet`,
    };
}
