/**
 * Executes a namespace plan against the DR cluster: ranks in the contract's
 * write order, objects within a rank concurrently. One object's failure is
 * recorded and never stops the others.
 */
import { classifyError, type KubeError } from "../kube/errors.ts";
import type { PlannedAction } from "../sync/plan.ts";
import type { PruneCandidate } from "../sync/prune.ts";
import { writeRank } from "../sync/order.ts";
import type { ApiResource, KubeObject } from "../sync/types.ts";
import { type ActionOutcome, failed, type OutcomeSubject } from "./outcome.ts";
import { runPool } from "./pool.ts";
import type { ClusterWriter } from "./ports.ts";
import { FenceClosedError, type WriteFence } from "./write-fence.ts";
import type { WritePool } from "./write-pool.ts";

export interface ApplyContext {
  /** Writes go through `fence.guard(...)` of the same fence. */
  writer: ClusterWriter;
  /** Asked before each rank: a closed fence ends the apply there. */
  fence?: WriteFence;
  /** The resource type of a planned object. */
  typeOf(object: Pick<KubeObject, "apiVersion" | "kind">): ApiResource;
  /** Current DR object by key (needed for recreate's uid precondition). */
  current: ReadonlyMap<string, KubeObject>;
  /** Re-plans one object against a fresh read (after a 409 on create or update). */
  replan(desired: KubeObject, fresh: KubeObject): PlannedAction;
  namespace: string;
  concurrency: number;
  dryRun: boolean;
  /** Whether the DR cluster serves a type (absent: assume it does). */
  served?(type: ApiResource): boolean;
  /** The DR cluster's write pool shared with other namespaces (else `concurrency` per namespace). */
  pool?: WritePool;
  /** Called once per finished action (progress display). */
  onApplied?: () => void;
}

function outcome(
  a: PlannedAction,
  ns: string,
  rest: Omit<ActionOutcome, keyof OutcomeSubject>,
): ActionOutcome {
  return { ...subjectOf(a, ns), ...rest };
}

/** Our reason for an API failure, with the 404 cases told apart. */
export function failureOf(e: unknown): KubeError {
  const err = classifyError(e);
  if (err.code === 404 && !/namespaces? .*not found/i.test(err.message)) {
    return {
      ...err,
      reason: "ResourceTypeMissing",
      message:
        `the DR cluster does not serve this type (CRD missing?): ${err.message}`,
      transient: false,
    };
  }
  return err;
}

/** The outcome of a write that threw: refused by the fence, or failed. */
export function outcomeOfError(
  subject: OutcomeSubject,
  e: unknown,
): ActionOutcome {
  if (e instanceof FenceClosedError) {
    const { reason, message } = e.verdict;
    return { ...subject, status: "skipped", reason, message, transient: true };
  }
  return failed(subject, failureOf(e));
}

function subjectOf(a: PlannedAction, ns: string): OutcomeSubject {
  return {
    action: a.action,
    key: a.key,
    kind: a.kind,
    namespace: ns,
    name: a.name,
  };
}

async function createOrReplan(
  a: PlannedAction,
  ctx: ApplyContext,
): Promise<ActionOutcome> {
  const type = ctx.typeOf(a.object!);
  try {
    await ctx.writer.create(type, a.object!);
    return outcome(a, ctx.namespace, { status: "done" });
  } catch (e) {
    if (classifyError(e).reason !== "AlreadyExists") throw e;
  }
  // Our view was stale: decide again on what is really there, once.
  const fresh = await ctx.writer.get(type, ctx.namespace, a.name);
  if (!fresh) {
    throw new Error(`${a.kind} ${a.name} vanished while being created`);
  }
  const again = ctx.replan(a.object!, fresh);
  if (again.action === "create") {
    return failed(subjectOf(a, ctx.namespace), {
      reason: "Conflict",
      message: "object appeared while being created; retrying later",
      transient: true,
    });
  }
  return await applyOne(again, ctx, false);
}

/**
 * A 409 on update means our read was stale (the copy changed since: our
 * own fast path, a DR-side edit). Decide again on a fresh read, once,
 * rather than failing until the next resync.
 */
async function updateOrReplan(
  a: PlannedAction,
  ctx: ApplyContext,
  mayReplan: boolean,
): Promise<ActionOutcome> {
  const type = ctx.typeOf(a.object!);
  try {
    await ctx.writer.replace(type, a.object!);
    return outcome(a, ctx.namespace, {
      status: "done",
      reason: a.reason,
      message: a.message,
    });
  } catch (e) {
    if (!mayReplan || classifyError(e).reason !== "Conflict") throw e;
  }
  const fresh = await ctx.writer.get(type, ctx.namespace, a.name);
  if (!fresh) {
    // Deleted meanwhile: the next pass creates it again.
    return failed(subjectOf(a, ctx.namespace), {
      reason: "Conflict",
      message: "object vanished while being updated; retrying later",
      transient: true,
    });
  }
  return await applyOne(ctx.replan(a.object!, fresh), ctx, false);
}

async function recreate(
  a: PlannedAction,
  ctx: ApplyContext,
): Promise<ActionOutcome> {
  const type = ctx.typeOf(a.object!);
  const uid = ctx.current.get(a.key)?.metadata.uid;
  await ctx.writer.remove(type, ctx.namespace, a.name, { uid });
  try {
    await ctx.writer.create(type, a.object!);
  } catch (e) {
    if (classifyError(e).reason !== "AlreadyExists") throw e;
    // Finalizers keep the old object around; the next pass creates it.
    return failed(subjectOf(a, ctx.namespace), {
      reason: "RecreatePending",
      message:
        "old copy is still being deleted; it is created on the next pass",
      transient: true,
    });
  }
  return outcome(a, ctx.namespace, {
    status: "done",
    reason: a.reason,
    message: a.message,
  });
}

async function applyOne(
  a: PlannedAction,
  ctx: ApplyContext,
  mayReplan = true,
): Promise<ActionOutcome> {
  const ns = ctx.namespace;
  switch (a.action) {
    case "unchanged":
      return outcome(a, ns, { status: "unchanged" });
    case "skip":
    case "conflict":
      return outcome(a, ns, {
        status: a.action === "skip" ? "skipped" : "failed",
        reason: a.reason,
        message: a.message,
        transient: false,
      });
  }
  if (ctx.dryRun) {
    return outcome(a, ns, {
      status: "planned",
      reason: a.reason,
      message: a.message,
    });
  }
  try {
    switch (a.action) {
      case "create":
        if (!mayReplan) {
          await ctx.writer.create(ctx.typeOf(a.object!), a.object!);
          return outcome(a, ns, { status: "done" });
        }
        return await createOrReplan(a, ctx);
      case "update":
        return await updateOrReplan(a, ctx, mayReplan);
      case "recreate":
        return await recreate(a, ctx);
    }
  } catch (e) {
    return outcomeOfError(subjectOf(a, ns), e);
  }
}

const WRITES = new Set(["create", "update", "recreate"]);

/** Whether the fence stops writes into `ctx.namespace` before a batch. */
async function fenceClosed(
  writes: boolean,
  ctx: Pick<ApplyContext, "fence" | "namespace" | "dryRun">,
): Promise<boolean> {
  if (!writes || !ctx.fence || ctx.dryRun) return false;
  return !(await ctx.fence.check(ctx.namespace)).open;
}

/**
 * Applies `actions` (already in write order); outcomes in the same order,
 * ending where a closed fence stopped the apply (see `fence.closedFor`).
 */
export async function applyActions(
  actions: readonly PlannedAction[],
  ctx: ApplyContext,
): Promise<ActionOutcome[]> {
  const results = new Map<PlannedAction, ActionOutcome>();
  for (const rank of groupByRank(actions)) {
    if (await fenceClosed(rank.some((a) => WRITES.has(a.action)), ctx)) break;
    // A rank is handed over whole and waited for: the next rank's writes
    // start only after every write of this one ended (contract §4 order).
    await inPool(rank, ctx, async (a) => {
      results.set(a, await applyOne(a, ctx));
      ctx.onApplied?.();
    });
  }
  return actions.filter((a) => results.has(a)).map((a) => results.get(a)!);
}

/**
 * Runs `fn` over `items` through the shared pool (in this namespace's lane)
 * or, without one, with `concurrency` in flight.
 */
async function inPool<T>(
  items: readonly T[],
  ctx: Pick<ApplyContext, "pool" | "namespace" | "concurrency">,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  const pool = ctx.pool;
  if (!pool) return await runPool(items, ctx.concurrency, fn);
  await Promise.all(
    items.map((item) => pool.run(ctx.namespace, () => fn(item))),
  );
}

function groupByRank(actions: readonly PlannedAction[]): PlannedAction[][] {
  const groups: PlannedAction[][] = [];
  let last: number | undefined;
  for (const a of actions) {
    const rank = writeRank(a.kind);
    if (rank !== last) groups.push([]);
    groups[groups.length - 1].push(a);
    last = rank;
  }
  return groups;
}

/** Deletes pruned copies (delete order given); a copy already gone is fine. */
export async function applyDeletes(
  deletes: readonly PruneCandidate[],
  ctx: Pick<
    ApplyContext,
    | "writer"
    | "typeOf"
    | "namespace"
    | "concurrency"
    | "dryRun"
    | "fence"
    | "pool"
  >,
): Promise<ActionOutcome[]> {
  if (await fenceClosed(deletes.length > 0, ctx)) return [];
  const results = new Map<PruneCandidate, ActionOutcome>();
  await inPool(deletes, ctx, async (c) => {
    const base = {
      action: "delete" as const,
      key: c.key,
      kind: c.kind,
      namespace: ctx.namespace,
      name: c.name,
    };
    if (ctx.dryRun) {
      results.set(c, { ...base, status: "planned", reason: "SourceDeleted" });
      return;
    }
    try {
      await ctx.writer.remove(ctx.typeOf(c.object), ctx.namespace, c.name, {
        uid: c.object.metadata.uid,
      });
      results.set(c, { ...base, status: "done", reason: "SourceDeleted" });
    } catch (e) {
      const gone = classifyError(e).code === 404;
      results.set(
        c,
        gone
          ? { ...base, status: "done", reason: "SourceDeleted" }
          : outcomeOfError(base, e),
      );
    }
  });
  return deletes.map((c) => results.get(c)!);
}
