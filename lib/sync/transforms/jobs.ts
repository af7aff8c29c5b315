/**
 * Jobs and CronJobs: creatable copies that do not run on a standby.
 */
import type { KubeObject } from "../types.ts";
import {
  ANNOTATION_ORIGINAL_SUSPEND,
  annotationsOf,
  recordAt,
  recordPath,
  specOf,
  type TransformContext,
} from "./common.ts";
import { isParked, scaleOverrideOf } from "./scale-override.ts";

/**
 * Labels the API server stamps on a Job's pod template (and, for the uid,
 * its selector) unless `manualSelector` is true. The uid is the source
 * Job's: copied, the DR API server rejects the Job ("`selector` not
 * auto-generated"). The DR side gets its own set on create.
 */
export const JOB_CONTROLLER_LABELS: readonly string[] = [
  "controller-uid",
  "batch.kubernetes.io/controller-uid",
  "job-name",
  "batch.kubernetes.io/job-name",
];

const TRUE = "true";
const FALSE = "false";

/** The source's own `spec.suspend`, undoing our parking of a parked copy. */
function originalSuspend(
  source: KubeObject,
  warnings: string[],
): { suspend: boolean; parked: boolean } {
  const live = recordAt(source, "spec")?.suspend === true;
  const raw = recordPath(source, "metadata", "annotations")
    ?.[ANNOTATION_ORIGINAL_SUSPEND];
  if (!live || raw === undefined) return { suspend: live, parked: false };
  if (raw === TRUE || raw === FALSE) {
    return { suspend: raw === TRUE, parked: true };
  }
  warnings.push(
    `ignored malformed ${ANNOTATION_ORIGINAL_SUSPEND} ${JSON.stringify(raw)}`,
  );
  return { suspend: live, parked: false };
}

/**
 * A Job or CronJob running on the standby repeats the source's side effects
 * (mails, billing runs, migrations), so under `scaleToZero` the copy is
 * suspended and the source's value kept in `drsyncer.io/original-suspend`
 * for promote. The scale-override annotation applies as for DaemonSets.
 */
export function suspendWhenParked(
  copy: KubeObject,
  ctx: TransformContext,
): void {
  const override = scaleOverrideOf(ctx.source, ctx.warnings);
  const parked = isParked(override, ctx.opts.scaleToZero);
  shapeSuspend(copy, ctx.source, parked, ctx.warnings);
}

/** Suspends (parked) or restores the source's own `spec.suspend`. */
export function shapeSuspend(
  copy: KubeObject,
  source: KubeObject,
  parked: boolean,
  warnings: string[],
): void {
  const origin = originalSuspend(source, warnings);
  const annotations = annotationsOf(copy);
  if (parked) {
    specOf(copy).suspend = true;
    annotations[ANNOTATION_ORIGINAL_SUSPEND] = String(origin.suspend);
    return;
  }
  delete annotations[ANNOTATION_ORIGINAL_SUSPEND];
  if (origin.parked) specOf(copy).suspend = origin.suspend;
}

/** Jobs: lets the DR API server generate the selector, then parks the copy. */
export function transformJob(copy: KubeObject, ctx: TransformContext): void {
  const spec = recordAt(copy, "spec");
  if (spec && spec.manualSelector !== true) {
    // Without manualSelector the selector must be exactly the new Job's uid.
    delete spec.selector;
    const labels = recordPath(spec, "template", "metadata", "labels");
    if (labels) { for (const key of JOB_CONTROLLER_LABELS) delete labels[key]; }
  }
  suspendWhenParked(copy, ctx);
}
