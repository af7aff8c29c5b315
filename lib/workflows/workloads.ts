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
  const plan: ShapePlan = { steps: [], leftAlone: [], warnings: [] };
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
      const changed = !semanticEqual(next.spec, live.spec) ||
        !semanticEqual(next.metadata.annotations, live.metadata.annotations);
      plan.steps.push({ type, live, next, changed });
    }
  }
  return plan;
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
        await api.replace(s.type, s.next);
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
