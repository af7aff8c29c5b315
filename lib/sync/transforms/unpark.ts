/**
 * Promote's pure half (contract §5 `promote`): the running shape of a
 * parked copy, read back from the annotations `toDrCopy` left on it.
 * Metadata stays as it is, so `demote` can park the result again.
 */
import type { KubeObject } from "../types.ts";
import { type CopyResult, groupOf, isRecord } from "./common.ts";
import { shapeDaemonSet } from "./daemonsets.ts";
import { shapeSuspend } from "./jobs.ts";
import { restoreReplicas } from "./workloads.ts";

/**
 * Deployments/StatefulSets get `original-replicas` (scale-overrides are a
 * standby setting and no longer apply), DaemonSets their own nodeSelector,
 * Jobs/CronJobs their own `suspend`. Other kinds come back unchanged. The
 * input is never written.
 */
export function unparkCopy(copy: KubeObject): CopyResult {
  const warnings: string[] = [];
  const object = structuredClone(copy);
  if (!isRecord(object) || !isRecord(object.metadata)) {
    return { object, warnings: ["object has no metadata"] };
  }
  switch (`${groupOf(object.apiVersion)}/${object.kind}`) {
    case "apps/Deployment":
    case "apps/StatefulSet":
      restoreReplicas(object, warnings);
      break;
    case "apps/DaemonSet":
      shapeDaemonSet(object, copy, false, warnings);
      break;
    case "batch/Job":
    case "batch/CronJob":
      shapeSuspend(object, copy, false, warnings);
      break;
  }
  return { object, warnings };
}
