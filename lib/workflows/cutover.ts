/**
 * `dr-syncer cutover` (contract §5): planned failover of one namespace.
 *
 *   1. final sync source → DR; any failure aborts before the source is
 *      touched (skipped when DR is already promoted: finishing a cutover)
 *   2. park the source workloads the sync copies: replicas 0 (overrides do
 *      not apply to a source being handed over), DaemonSets unscheduled,
 *      CronJobs suspended; the counts stay in drsyncer.io/original-replicas
 *      on the source objects, where failback reads them back
 *   3. with data replication: a final volume sync (VolSync manual trigger,
 *      waited for), now that nothing writes on the source (volumes.ts)
 *   4. promote DR; replicated volumes restored from their latest image
 *   5. verify: both sides re-read, nothing left to change
 *
 * These are the mirrored steps of handover.ts, which runs them (and, for
 * `--dry-run`, rehearses them: writes go to memory, and the list of them is
 * printed as the plan).
 *
 * Every step is idempotent: parking a parked source keeps its recorded
 * count (the transform reads a parked source the same way), so re-running
 * an interrupted cutover finishes it.
 */
import { ANNOTATION_PROMOTED } from "../api/v1alpha1.ts";
import type { ConfigOf } from "../cli/commands.ts";
import type { NamespaceSyncInput } from "../engine/namespace-sync.ts";
import type { ApiCluster } from "../engine/api-ports.ts";
import { copyDecision } from "../sync/filter.ts";
import { groupKindOfApiVersion } from "../sync/never-copy.ts";
import { parkCopy } from "../sync/transform.ts";
import type { KubeObject } from "../sync/types.ts";
import type { OpenCluster } from "./clusters.ts";
import { cliSyncInput } from "./sync-setup.ts";
import { done, EXIT_OK, type Step, stop, type WorkflowIo } from "./io.ts";
import { plural, printShapes, shapeCounts } from "./report.ts";
import { handoverCommand, type HandoverSteps } from "./handover.ts";
import { promoteNamespace, type StandbyResult } from "./standby.ts";
import { finalVolumeSync, promoteWithVolumes } from "./volumes.ts";
import { passOrStop, syncRequest } from "./sync.ts";
import {
  applyShapes,
  planShapes,
  type Reshape,
  WORKLOAD_TYPES,
} from "./workloads.ts";

/** A Job is a one-off run: suspending it mid-flight cannot be undone. */
const SOURCE_TYPES = WORKLOAD_TYPES.filter((t) => t.kind !== "Job");

/** Parks exactly the source workloads the sync copies to DR. */
function parkSource(input: NamespaceSyncInput, sourceNs: KubeObject): Reshape {
  const { settings } = input;
  const ctx = { ...settings.copyContext, namespace: sourceNs };
  return {
    types: SOURCE_TYPES,
    leaveAlone: (o) => {
      const gk = groupKindOfApiVersion(o.apiVersion, o.kind);
      if (!settings.copyContext.copiedGroupKinds.has(gk)) {
        return "its type is not synced (--types)";
      }
      const d = copyDecision(o, ctx);
      return d.copy ? undefined : `not copied to DR: ${d.message}`;
    },
    shape: (o) => parkCopy(o, { honourOverride: false }),
  };
}

async function finalSync(
  input: NamespaceSyncInput,
  dr: ApiCluster,
  io: WorkflowIo,
): Promise<Step<void>> {
  const drNs = await dr.getNamespace(input.pair.destination);
  if (drNs?.metadata.annotations?.[ANNOTATION_PROMOTED]) {
    io.err(
      `note: DR namespace ${input.pair.destination} is already promoted: ` +
        `final sync skipped, finishing the cutover`,
    );
    return done(undefined);
  }
  return await passOrStop(input, io, {
    command: "cutover",
    step: "final sync",
    consequence: "cutover aborted, source untouched",
  });
}

/** The steps of a cutover, as the plan of a dry run names them. */
export const CUTOVER_STEPS = [
  "final sync",
  "source scale-down",
  "final volume sync",
  "promote",
] as const;

/** Cutover's side of the handover (handover.ts): source → DR. */
async function cutoverSteps(
  cfg: ConfigOf<"cutover">,
  clusters: OpenCluster[],
  io: WorkflowIo,
): Promise<Step<HandoverSteps>> {
  const [source, dr] = clusters;
  const { source: src, destination: dst } = cfg.namespace;
  // A dry run is a rehearsal of the real steps (rehearsal.ts): the pass
  // writes, into memory, so that the later steps see its copies.
  const request = syncRequest({ ...cfg, dryRun: false }, clusters, io);
  const prepared = await cliSyncInput(request);
  if (!prepared.ok) return prepared;
  const input = prepared.value;
  let how: Reshape | undefined;
  let promoted: StandbyResult | undefined;
  return done({
    copyAcross: {
      name: "final sync",
      run: () => finalSync(input, dr.api, io),
    },
    stopGiving: {
      name: "source scale-down",
      run: async () => {
        const sourceNs = await source.api.getNamespace(src);
        if (!sourceNs) return stop(`source namespace ${src} does not exist`);
        how = parkSource(input, sourceNs);
        const parked = await planShapes(source.api, src, how);
        io.out("source:");
        const rows = await applyShapes(source.api, parked, false);
        const sourceResult = { plan: parked, rows };
        printShapes(io, sourceResult);
        return shapeCounts(sourceResult).failed > 0
          ? stop("some source workloads could not be parked; re-run to finish")
          : done(undefined);
      },
    },
    finalVolumes: {
      name: "final volume sync",
      run: async () => {
        const drNs = await dr.api.getNamespace(dst);
        if (drNs?.metadata.annotations?.[ANNOTATION_PROMOTED]) {
          return done(undefined);
        }
        return await finalVolumeSync(source.api, src, dr.api, dst, io, {
          rehearsal: cfg.dryRun,
        });
      },
    },
    startTaking: {
      name: "promote",
      run: async () => {
        io.out("DR:");
        const result = await promoteWithVolumes(dr.api, dst, {
          dryRun: false,
          force: false,
          now: io.now(),
        }, io);
        if (!result.ok) return result;
        promoted = result.value;
        printShapes(io, promoted);
        return done(undefined);
      },
    },
    verify: () => verify(cfg, clusters, how!, promoted!, io),
  });
}

async function verify(
  cfg: ConfigOf<"cutover">,
  [source, dr]: OpenCluster[],
  how: Reshape,
  promoted: StandbyResult,
  io: WorkflowIo,
): Promise<Step<number>> {
  const check = await promoteNamespace(dr.api, cfg.namespace.destination, {
    dryRun: true,
    now: io.now(),
  });
  const left = await planShapes(source.api, cfg.namespace.source, how);
  const pending = left.steps.filter((s) => s.changed).length +
    (check.ok ? check.value.rows.length : 1);
  if (pending > 0) {
    return stop(
      `verification found ${plural(pending, "workload")} not yet in place; ` +
        `re-run to finish`,
    );
  }
  const { source: src, destination: dst } = cfg.namespace;
  io.out(
    `cutover ${src} → ${dst} complete: ` +
      `${plural(left.steps.length, "source workload")} parked, ` +
      `${plural(promoted.plan.steps.length, "DR workload")} running; ` +
      `${ANNOTATION_PROMOTED}=${promoted.promotedAt}`,
  );
  return done(EXIT_OK);
}

/** `dr-syncer cutover`: see the module comment. */
export const cutover: (
  cfg: ConfigOf<"cutover">,
  io: WorkflowIo,
) => Promise<number> = handoverCommand({
  command: "cutover",
  stepNames: () => CUTOVER_STEPS,
  steps: cutoverSteps,
});
