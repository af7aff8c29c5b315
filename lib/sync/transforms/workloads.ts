/**
 * Standby shape of Deployments and StatefulSets (contract §3–§4): replica
 * count 0 (or the override), the source count kept for promote.
 *
 * HorizontalPodAutoscalers are copied unchanged on purpose: the HPA
 * controller does not act on a target whose replicas are 0 (condition
 * ScalingActive=False, reason ScalingDisabled), so a parked copy stays
 * parked and the HPA takes over again once promote scales it up. With a
 * positive override or `scaleToZero: false` the DR HPA does resize the copy,
 * and the next sync resets the count: that fight is the price of asking for
 * a running standby with an autoscaler.
 */
import { ANNOTATION_ORIGINAL_REPLICAS } from "../../api/v1alpha1.ts";
import type { KubeObject } from "../types.ts";
import {
  annotationsOf,
  recordAt,
  recordPath,
  specOf,
  type TransformContext,
} from "./common.ts";
import {
  MAX_REPLICAS,
  parseCount,
  type ScaleOverride,
  scaleOverrideOf,
} from "./scale-override.ts";

/** What the API server assumes when a Deployment/StatefulSet omits replicas. */
export const DEFAULT_REPLICAS = 1;

function liveReplicas(source: KubeObject, warnings: string[]): number {
  const raw = recordAt(source, "spec")?.replicas;
  if (raw === undefined || raw === null) return DEFAULT_REPLICAS;
  const valid = typeof raw === "number" && Number.isInteger(raw) &&
    raw >= 0 && raw <= MAX_REPLICAS;
  if (valid) return raw;
  warnings.push(
    `spec.replicas ${JSON.stringify(raw)} is not a replica count; ` +
      `assumed ${DEFAULT_REPLICAS}`,
  );
  return DEFAULT_REPLICAS;
}

/**
 * The count the workload really has. A source may itself be parked: a DR
 * copy fed back (failback, chained DR, idempotent re-copy) or a site that
 * cutover scaled to 0. It then shows 0 (or its own override) and carries
 * `original-replicas`; that remembered count is the truth, else promote
 * would later scale the copy to 0. A running workload's live count wins.
 */
export function sourceReplicas(
  source: KubeObject,
  override: ScaleOverride,
  warnings: string[],
): number {
  const live = liveReplicas(source, warnings);
  const parkedShape = live === 0 ||
    (override.kind === "count" && override.replicas === live);
  if (!parkedShape) return live;
  const raw = recordPath(source, "metadata", "annotations")
    ?.[ANNOTATION_ORIGINAL_REPLICAS];
  if (raw === undefined) return live;
  const remembered = typeof raw === "string" ? parseCount(raw) : undefined;
  if (remembered !== undefined) return remembered;
  warnings.push(
    `ignored malformed ${ANNOTATION_ORIGINAL_REPLICAS} ${JSON.stringify(raw)}`,
  );
  return live;
}

/** Deployments and StatefulSets: replicas per scaleToZero / override. */
export function scaleReplicas(copy: KubeObject, ctx: TransformContext): void {
  const override = scaleOverrideOf(ctx.source, ctx.warnings);
  const original = sourceReplicas(ctx.source, override, ctx.warnings);
  let replicas = ctx.opts.scaleToZero ? 0 : original;
  if (override.kind === "count") replicas = override.replicas;
  if (override.kind === "source") replicas = original;
  specOf(copy).replicas = replicas;
  annotationsOf(copy)[ANNOTATION_ORIGINAL_REPLICAS] = String(original);
}

/**
 * Promote's inverse: the count recorded in `original-replicas`. A copy
 * without it is left as it is; a malformed one too, with a warning.
 */
export function restoreReplicas(copy: KubeObject, warnings: string[]): void {
  const raw = copy.metadata.annotations?.[ANNOTATION_ORIGINAL_REPLICAS];
  if (raw === undefined) return;
  const replicas = parseCount(raw);
  if (replicas === undefined) {
    warnings.push(
      `ignored malformed ${ANNOTATION_ORIGINAL_REPLICAS} ${
        JSON.stringify(raw)
      }`,
    );
  } else specOf(copy).replicas = replicas;
}
