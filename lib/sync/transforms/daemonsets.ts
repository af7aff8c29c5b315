/**
 * Standby shape of DaemonSets. They have no replica count, so a parked copy
 * gets a nodeSelector key no node carries: the object exists (promote only
 * has to restore the selector kept in `drsyncer.io/original-node-selector`)
 * but no pod runs, because a standby must not run agents that write to
 * shared systems. The scale-override rules apply: "0" parks, "source" or a
 * positive count lets it run, otherwise `scaleToZero` decides.
 */
import type { KubeObject } from "../types.ts";
import {
  ANNOTATION_ORIGINAL_NODE_SELECTOR,
  annotationsOf,
  isRecord,
  type JsonRecord,
  recordPath,
  specOf,
  STANDBY_NODE_SELECTOR_KEY,
  STANDBY_NODE_SELECTOR_VALUE,
  type TransformContext,
} from "./common.ts";
import { isParked, scaleOverrideOf } from "./scale-override.ts";

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
 * Gives the copy its parked or running shape, starting from the source's
 * own nodeSelector (a parked source is unparked first).
 */
export function shapeDaemonSet(
  copy: KubeObject,
  source: KubeObject,
  parked: boolean,
  warnings: string[],
): void {
  const origin = originalNodeSelector(source, warnings);
  const annotations = annotationsOf(copy);
  if (parked) {
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

/** DaemonSet rule of `toDrCopy`. */
export function parkDaemonSet(copy: KubeObject, ctx: TransformContext): void {
  const override = scaleOverrideOf(ctx.source, ctx.warnings);
  const parked = isParked(override, ctx.opts.scaleToZero);
  shapeDaemonSet(copy, ctx.source, parked, ctx.warnings);
}
