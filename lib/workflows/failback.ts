/**
 * `dr-syncer failback` (contract §5): the reverse of cutover.
 *
 *   1. with --sync-back, while DR is promoted: DR → source through the
 *      engine (rules in sync-back.ts); any failure stops here, DR still
 *      running
 *   2. demote DR: copies parked again, promoted mark removed
 *   3. start the source workloads from the counts recorded on them
 *      (unparkCopy), and remove drsyncer.io/original-replicas from them:
 *      the source ends as it was before cutover
 *   4. verify: both sides re-read, nothing left to change
 *
 * These are the mirrored steps of handover.ts, which runs them in that
 * order (DR goes down before the source comes up) and rehearses them for
 * `--dry-run`. Every step is idempotent; re-running an interrupted failback
 * finishes it.
 */
import { ANNOTATION_ORIGINAL_REPLICAS } from "../api/v1alpha1.ts";
import type { ConfigOf } from "../cli/commands.ts";
import { unparkCopy } from "../sync/transform.ts";
import type { KubeObject } from "../sync/types.ts";
import type { OpenCluster } from "./clusters.ts";
import { done, EXIT_OK, type Step, stop, type WorkflowIo } from "./io.ts";
import { plural, printShapes, shapeCounts } from "./report.ts";
import { handoverCommand, type HandoverSteps } from "./handover.ts";
import { demoteNamespace } from "./standby.ts";
import { syncBack } from "./sync-back.ts";
import { applyShapes, planShapes, type Reshape } from "./workloads.ts";
import { clearManualTriggers, resumeVolumes } from "./volumes.ts";

/** Running shape, and no parking annotation left behind. */
function restored(o: KubeObject): { object: KubeObject; warnings: string[] } {
  const { object, warnings } = unparkCopy(o);
  const annotations = { ...object.metadata.annotations };
  delete annotations[ANNOTATION_ORIGINAL_REPLICAS];
  object.metadata.annotations = Object.keys(annotations).length
    ? annotations
    : undefined;
  return { object, warnings };
}

const RESTORE_SOURCE: Reshape = {
  leaveAlone: () => undefined,
  shape: restored,
};

/** The steps of a failback, as the plan of a dry run names them. */
export const FAILBACK_STEPS = ["sync back", "demote", "source start"] as const;

/** Failback's side of the handover (handover.ts): DR → source. */
function failbackSteps(
  cfg: ConfigOf<"failback">,
  clusters: OpenCluster[],
  io: WorkflowIo,
): Promise<Step<HandoverSteps>> {
  const [source, dr] = clusters;
  const { source: src, destination: dst } = cfg.namespace;
  return Promise.resolve(done({
    copyAcross: cfg.syncBack
      ? { name: "sync back", run: () => syncBack(cfg, clusters, io) }
      : undefined,
    stopGiving: {
      name: "demote",
      run: async () => {
        if (!await source.api.getNamespace(src)) {
          return stop(
            `source namespace ${src} does not exist (--sync-back creates it)`,
          );
        }
        io.out("DR:");
        // DR-side changes are safe to leave behind only once synced back.
        const demoted = await demoteNamespace(dr.api, dst, {
          dryRun: false,
          discardDrChanges: cfg.syncBack,
        });
        if (!demoted.ok) return demoted;
        printShapes(io, demoted.value);
        if (shapeCounts(demoted.value).failed > 0) {
          return stop(
            "some DR workloads could not be parked; re-run to finish",
          );
        }
        await resumeVolumes(dr.api, dst, false);
        await clearManualTriggers(source.api, src);
        return done(undefined);
      },
    },
    startTaking: {
      name: "source start",
      run: async () => {
        io.out("source:");
        const plan = await planShapes(source.api, src, RESTORE_SOURCE);
        const result = {
          plan,
          rows: await applyShapes(source.api, plan, false),
        };
        printShapes(io, result);
        return shapeCounts(result).failed > 0
          ? stop("some source workloads could not be started; re-run to finish")
          : done(undefined);
      },
    },
    verify: () => verify(cfg, clusters, io),
  }));
}

async function verify(
  cfg: ConfigOf<"failback">,
  [source, dr]: OpenCluster[],
  io: WorkflowIo,
): Promise<Step<number>> {
  const { source: src, destination: dst } = cfg.namespace;
  const check = await demoteNamespace(dr.api, dst, {
    dryRun: true,
    discardDrChanges: cfg.syncBack,
  });
  const left = await planShapes(source.api, src, RESTORE_SOURCE);
  const drPending = check.ok
    ? check.value.rows.length + (check.value.marker === "unchanged" ? 0 : 1)
    : 1;
  const pending = left.steps.filter((s) => s.changed).length + drPending;
  if (pending > 0) {
    return stop(
      `verification found ${plural(pending, "object")} not yet in place; ` +
        `re-run to finish`,
    );
  }
  io.out(
    `failback ${dst} → ${src} complete: ` +
      `${plural(left.steps.length, "source workload")} running, ` +
      `DR namespace ${dst} on standby`,
  );
  return done(EXIT_OK);
}

/** `dr-syncer failback`: see the module comment. */
export const failback: (
  cfg: ConfigOf<"failback">,
  io: WorkflowIo,
) => Promise<number> = handoverCommand({
  command: "failback",
  stepNames: (cfg) =>
    FAILBACK_STEPS.filter((s) => cfg.syncBack || s !== "sync back"),
  steps: failbackSteps,
});
