/**
 * `dr-syncer demote` (contract §5): back to standby, i.e. park every DR
 * copy again and remove the promoted mark so the syncer resumes. See
 * standby.ts for the rules and their order.
 */
import type { ConfigOf } from "../cli/commands.ts";
import { withClusters } from "./clusters.ts";
import { done, runWorkflow, type WorkflowIo } from "./io.ts";
import { reportStandby } from "./promote.ts";
import { demoteNamespace } from "./standby.ts";
import { resumeVolumes } from "./volumes.ts";

/** `dr-syncer demote`: see the module comment. */
export function demote(
  cfg: ConfigOf<"demote">,
  io: WorkflowIo,
): Promise<number> {
  return runWorkflow(
    "demote",
    io,
    () =>
      withClusters([{ path: cfg.kubeconfig, role: "DR" }], async ([dr]) => {
        const r = await demoteNamespace(dr.api, cfg.namespace, {
          dryRun: cfg.dryRun,
          discardDrChanges: cfg.discardDrChanges,
        });
        if (!r.ok) return r;
        const resumed = await resumeVolumes(dr.api, cfg.namespace, cfg.dryRun);
        if (resumed) io.out(`${resumed} volume replication(s) resumed`);
        return done(reportStandby(io, "demoted", r.value, cfg.dryRun));
      }),
  );
}
