/**
 * Standby shape of scalable workloads (contract §3–§4): Deployments and
 * StatefulSets by replica count, DaemonSets by a nodeSelector no node has.
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
  ANNOTATION_ORIGINAL_NODE_SELECTOR,
  annotationsOf,
  isRecord,
  type JsonRecord,
  recordAt,
  recordPath,
  specOf,
  STANDBY_NODE_SELECTOR_KEY,
  STANDBY_NODE_SELECTOR_VALUE,
  type TransformContext,
} from "./common.ts";
import {
  isParked,
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
  if (
    Number.isInteger(raw) && (raw as number) >= 0 &&
    (raw as number) <= MAX_REPLICAS
  ) {
    return raw as number;
  }
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

function stringMapOrUndefined(v: unknown): Record<string, string> | undefined {
  if (!isRecord(v)) return undefined;
  const entries = Object.entries(v);
  if (entries.some(([, val]) => typeof val !== "string")) return undefined;
  return Object.fromEntries(entries) as Record<string, string>;
}

/** The DaemonSet's own nodeSelector, and whether the source was parked. */
interface NodeSelectorOrigin {
  selector: Record<string, string> | undefined;
  parked: boolean;
}

/**
 * Undoes our parking when the source is itself a parked copy, so that
 * re-copying a copy changes nothing.
 */
function originalNodeSelector(
  source: KubeObject,
  warnings: string[],
): NodeSelectorOrigin {
  const current = recordPath(source, "spec", "template", "spec")?.nodeSelector;
  const selector = stringMapOrUndefined(current);
  if (selector?.[STANDBY_NODE_SELECTOR_KEY] === undefined) {
    return { selector, parked: false };
  }
  const raw = recordPath(source, "metadata", "annotations")
    ?.[ANNOTATION_ORIGINAL_NODE_SELECTOR];
  const remembered = parseJsonMap(raw);
  if (remembered) return { selector: remembered, parked: true };
  if (raw !== undefined) {
    warnings.push(
      `ignored malformed ${ANNOTATION_ORIGINAL_NODE_SELECTOR} ${
        JSON.stringify(raw)
      }`,
    );
  }
  const { [STANDBY_NODE_SELECTOR_KEY]: _, ...rest } = selector;
  return { selector: rest, parked: true };
}

function parseJsonMap(raw: unknown): Record<string, string> | undefined {
  if (typeof raw !== "string") return undefined;
  try {
    return stringMapOrUndefined(JSON.parse(raw));
  } catch {
    return undefined;
  }
}

function podSpecOf(copy: KubeObject): JsonRecord {
  const spec = specOf(copy);
  if (!isRecord(spec.template)) spec.template = {};
  const template = spec.template as JsonRecord;
  if (!isRecord(template.spec)) template.spec = {};
  return template.spec as JsonRecord;
}

/**
 * DaemonSets have no replica count. Parked, they get a nodeSelector key no
 * node carries, so the object exists (promote only has to restore the
 * selector recorded in `drsyncer.io/original-node-selector`) but no pod
 * runs: a standby must not run agents that write to shared systems. The same
 * override rules apply: "0" parks, "source" or a positive count runs it.
 */
export function parkDaemonSet(copy: KubeObject, ctx: TransformContext): void {
  const override = scaleOverrideOf(ctx.source, ctx.warnings);
  const origin = originalNodeSelector(ctx.source, ctx.warnings);
  const annotations = annotationsOf(copy);
  if (isParked(override, ctx.opts.scaleToZero)) {
    podSpecOf(copy).nodeSelector = {
      ...origin.selector,
      [STANDBY_NODE_SELECTOR_KEY]: STANDBY_NODE_SELECTOR_VALUE,
    };
    annotations[ANNOTATION_ORIGINAL_NODE_SELECTOR] = JSON.stringify(
      origin.selector ?? {},
    );
    return;
  }
  delete annotations[ANNOTATION_ORIGINAL_NODE_SELECTOR];
  if (!origin.parked) return;
  const podSpec = podSpecOf(copy);
  // An empty nodeSelector and none are the same to the API server.
  if (Object.keys(origin.selector ?? {}).length > 0) {
    podSpec.nodeSelector = origin.selector;
  } else delete podSpec.nodeSelector;
}
