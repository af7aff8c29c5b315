/**
 * `dr-syncer promote` (contract §5): fail a DR namespace over, i.e. start
 * every parked DR copy and mark the namespace promoted so no syncer writes
 * into it any more. See standby.ts for the rules and their order.
 */
import { ANNOTATION_PROMOTED } from "../api/v1alpha1.ts";
import type { ConfigOf } from "../cli/commands.ts";
import { withClusters } from "./clusters.ts";
import {
  done,
  EXIT_FAILURE,
  EXIT_OK,
  runWorkflow,
  type WorkflowIo,
} from "./io.ts";
import { plural, printShapes, shapeCounts } from "./report.ts";
import type { StandbyResult } from "./standby.ts";
import { promoteWithVolumes } from "./volumes.ts";

function summary(verb: string, r: StandbyResult, dryRun: boolean): string {
  const c = shapeCounts(r);
  const would = dryRun ? " (dry run, nothing written)" : "";
  const marker = r.promotedAt
    ? `${ANNOTATION_PROMOTED}=${r.promotedAt}`
    : `${ANNOTATION_PROMOTED} removed`;
  const markerNote = r.marker === "unchanged" && r.promotedAt
    ? `${marker} (already)`
    : marker;
  return `${verb} ${r.namespace}: ${plural(c.changed, "workload")} changed, ` +
    `${c.same} already so, ${c.failed} failed; ${markerNote}${would}`;
}

/** Prints a promote/demote result; exit 1 when a write failed. */
export function reportStandby(
  io: WorkflowIo,
  verb: string,
  r: StandbyResult,
  dryRun: boolean,
): number {
  printShapes(io, r);
  io.out(summary(verb, r, dryRun));
  return shapeCounts(r).failed > 0 ? EXIT_FAILURE : EXIT_OK;
}

/** `dr-syncer promote`: see the module comment. */
export function promote(
  cfg: ConfigOf<"promote">,
  io: WorkflowIo,
): Promise<number> {
  return runWorkflow(
    "promote",
    io,
    () =>
      withClusters([{ path: cfg.kubeconfig, role: "DR" }], async ([dr]) => {
        const r = await promoteWithVolumes(dr.api, cfg.namespace, {
          dryRun: cfg.dryRun,
          force: cfg.force,
          now: io.now(),
        }, io);
        if (!r.ok) return r;
        return done(reportStandby(io, "promoted", r.value, cfg.dryRun));
      }),
  );
}
