/**
 * Reshaping the workloads of one namespace between running and standby:
 * plan (list, decide, describe) then apply (write what differs). Promote,
 * demote, and the source side of cutover and failback differ only in which
 * objects they take and which pure rule (parkCopy / unparkCopy) shapes them.
 */
import { LABEL_REPLICATION } from "../api/v1alpha1.ts";
import { semanticEqual } from "../sync/compare.ts";
import { STANDBY_NODE_SELECTOR_KEY } from "../sync/transform.ts";
import type { ApiResource, KubeObject } from "../sync/types.ts";
import { classifyError } from "../kube/errors.ts";
import type { ApiCluster } from "../engine/api-ports.ts";
import { runPool } from "../engine/pool.ts";

const VERBS = ["get", "list", "watch", "create", "update", "patch", "delete"];
const workload = (group: string, resource: string, kind: string) => ({
  group,
  version: "v1",
  resource,
  kind,
  namespaced: true,
  verbs: VERBS,
});

/** Every kind the transform parks, at its GA version. */
export const WORKLOAD_TYPES: readonly ApiResource[] = [
  workload("apps", "deployments", "Deployment"),
  workload("apps", "statefulsets", "StatefulSet"),
  workload("apps", "daemonsets", "DaemonSet"),
  workload("batch", "cronjobs", "CronJob"),
  workload("batch", "jobs", "Job"),
];

const WRITE_CONCURRENCY = 8;

/** How one command picks and reshapes workloads. */
export interface Reshape {
  /** Undefined: take it; a string: leave it alone, for this reason. */
  leaveAlone(o: KubeObject): string | undefined;
  /** The wanted object (pure; the live one is never written). */
  shape(o: KubeObject): { object: KubeObject; warnings: string[] };
  types?: readonly ApiResource[];
}

/** One taken workload: what it is and what it becomes. */
export interface ShapeStep {
  type: ApiResource;
  live: KubeObject;
  next: KubeObject;
  changed: boolean;
}

/** The plan for one namespace. */
export interface ShapePlan {
  steps: ShapeStep[];
  /** Re-decides one workload from a fresh read (after a write conflict). */
  reshape?: (live: KubeObject) => KubeObject;
  leftAlone: { kind: string; name: string; why: string }[];
  warnings: string[];
}

/** A change as printed: kind, name, shape before and after, result. */
export interface ShapeRow {
  kind: string;
  name: string;
  from: string;
  to: string;
  result: "done" | "planned" | "failed";
  message?: string;
}

/** True when `o` carries an ownership label (a DR copy of any replication). */
export function isDrCopy(o: KubeObject): boolean {
  return o.metadata.labels?.[LABEL_REPLICATION] !== undefined;
}

/** Lists the namespace's workloads and decides each one. */
export async function planShapes(
  api: ApiCluster,
  namespace: string,
  how: Reshape,
): Promise<ShapePlan> {
  const plan: ShapePlan = {
    steps: [],
    leftAlone: [],
    warnings: [],
    reshape: (live) => how.shape(live).object,
  };
  for (const type of how.types ?? WORKLOAD_TYPES) {
    for (const live of await api.list(type, namespace)) {
      const why = how.leaveAlone(live);
      const { kind, name } = { kind: live.kind, name: live.metadata.name };
      if (why) {
        plan.leftAlone.push({ kind, name, why });
        continue;
      }
      const { object: next, warnings } = how.shape(live);
      plan.warnings.push(...warnings.map((w) => `${kind} ${name}: ${w}`));
      plan.steps.push({ type, live, next, changed: differs(next, live) });
    }
  }
  return plan;
}

function differs(next: KubeObject, live: KubeObject): boolean {
  return !semanticEqual(next.spec, live.spec) ||
    !semanticEqual(next.metadata.annotations, live.metadata.annotations);
}

const CONFLICT_RETRIES = 3;

/**
 * Replaces `s.next`; on a write conflict (a real cluster's own controllers update a workload
 * right after it is written, e.g. the deployment controller's revision annotation) re-reads
 * it, re-decides it and tries again.
 */
async function write(
  api: ApiCluster,
  s: ShapeStep,
  reshape: ShapePlan["reshape"],
): Promise<void> {
  let next = s.next;
  for (let attempt = 0;; attempt++) {
    try {
      await api.replace(s.type, next);
      return;
    } catch (e) {
      if (
        !reshape || attempt >= CONFLICT_RETRIES ||
        classifyError(e).reason !== "Conflict"
      ) throw e;
    }
    const fresh = await api.get(
      s.type,
      s.live.metadata.namespace,
      s.live.metadata.name,
    );
    if (!fresh) {
      throw new Error(`${s.live.kind} ${s.live.metadata.name} is gone`);
    }
    next = reshape(fresh);
    if (!differs(next, fresh)) return;
  }
}

/** Writes the changed steps (none when dryRun); one row per change. */
export async function applyShapes(
  api: ApiCluster,
  plan: ShapePlan,
  dryRun: boolean,
): Promise<ShapeRow[]> {
  const changed = plan.steps.filter((s) => s.changed);
  const rows = new Map<ShapeStep, ShapeRow>();
  await runPool(changed, WRITE_CONCURRENCY, async (s) => {
    const row: ShapeRow = {
      kind: s.live.kind,
      name: s.live.metadata.name,
      from: describeShape(s.live),
      to: describeShape(s.next),
      result: dryRun ? "planned" : "done",
    };
    if (!dryRun) {
      try {
        await write(api, s, plan.reshape);
      } catch (e) {
        const err = classifyError(e);
        Object.assign(row, {
          result: "failed",
          message: `${err.reason}: ${err.message}`,
        });
      }
    }
    rows.set(s, row);
  });
  return changed.map((s) => rows.get(s)!);
}

/** The running/standby state of a workload in a few words. */
export function describeShape(o: KubeObject): string {
  const spec = (o.spec ?? {}) as Record<string, unknown>;
  switch (o.kind) {
    case "Deployment":
    case "StatefulSet":
      return `replicas ${spec.replicas ?? 1}`;
    case "DaemonSet": {
      const template = spec.template as
        | { spec?: { nodeSelector?: Record<string, string> } }
        | undefined;
      const parked = template?.spec?.nodeSelector?.[STANDBY_NODE_SELECTOR_KEY];
      return parked === undefined ? "scheduled" : "unscheduled (standby)";
    }
    default:
      return `suspend ${spec.suspend === true}`;
  }
}
