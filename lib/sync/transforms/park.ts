/**
 * Demote's and cutover's pure half: the standby ("parked") shape of a live
 * workload, made by the very rules `toDrCopy` parks copies with, so the
 * result is exactly what a sync would have written. Only the parking rules
 * run: metadata, selectors and every other field stay as they are, so the
 * result can be written back over the live object (its resourceVersion
 * included) and `unparkCopy` undoes it.
 */
import type { KubeObject } from "../types.ts";
import {
  type CopyOptions,
  type CopyResult,
  groupOf,
  isRecord,
  type KindTransform,
} from "./common.ts";
import { parkDaemonSet } from "./daemonsets.ts";
import { SCALE_OVERRIDE_KEYS } from "./scale-override.ts";
import { suspendWhenParked } from "./jobs.ts";
import { scaleReplicas } from "./workloads.ts";

/** The parking rule of each parkable kind (`<group>/<kind>`). */
const PARK_RULES: ReadonlyMap<string, KindTransform> = new Map([
  ["apps/Deployment", scaleReplicas],
  ["apps/StatefulSet", scaleReplicas],
  ["apps/DaemonSet", parkDaemonSet],
  ["batch/Job", suspendWhenParked],
  ["batch/CronJob", suspendWhenParked],
]);

/** The parking rules read only `scaleToZero` of the copy options. */
const PARK_COPY_OPTIONS: CopyOptions = {
  destinationNamespace: "",
  ownerValue: "",
  scaleToZero: true,
  preserveNodePorts: true,
  storageClassMappings: [],
  accessModeMappings: [],
  ingressHostRewrites: [],
  ingressClassMappings: [],
};

/** Options of {@link parkCopy}. */
export interface ParkOptions {
  /**
   * Honour `drsyncer.io/scale-override` (a DR standby may run a few
   * replicas). Off for a source being handed over by cutover: it must stop
   * completely, whatever its DR copy is told to run.
   */
  honourOverride: boolean;
}

/** True for the kinds {@link parkCopy} changes. */
export function isParkable(
  o: Pick<KubeObject, "apiVersion" | "kind">,
): boolean {
  return PARK_RULES.has(`${groupOf(o.apiVersion)}/${o.kind}`);
}

/** `o` as the rules see it with every override (label or annotation) gone. */
function withoutOverride(o: KubeObject): KubeObject {
  const drop = (values: Record<string, string> | undefined) =>
    values && Object.fromEntries(
      Object.entries(values).filter(([k]) => !SCALE_OVERRIDE_KEYS.includes(k)),
    );
  const { labels, annotations } = o.metadata;
  return {
    ...o,
    metadata: {
      ...o.metadata,
      labels: drop(labels),
      annotations: drop(annotations),
    },
  };
}

/**
 * The parked shape of `live` (the input is never written). A workload that
 * is already parked comes back unchanged: the rules read a parked source
 * back through the annotations they left.
 */
export function parkCopy(live: KubeObject, opts: ParkOptions): CopyResult {
  const warnings: string[] = [];
  const object = structuredClone(live);
  if (!isRecord(object) || !isRecord(object.metadata)) {
    return { object, warnings: ["object has no metadata"] };
  }
  const rule = PARK_RULES.get(`${groupOf(object.apiVersion)}/${object.kind}`);
  const source = opts.honourOverride ? live : withoutOverride(live);
  rule?.(object, { source, opts: PARK_COPY_OPTIONS, warnings });
  return { object, warnings };
}
