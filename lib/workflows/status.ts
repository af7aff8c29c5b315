/**
 * `dr-syncer status` (contract §5): every NamespaceReplication of the
 * controller's namespace in one table (or `-o json`), read from the source
 * cluster with the operator's own credentials. Exit 1 when any replication
 * is Failed or past its RPO objective, so it serves as a cron check.
 */
import { GROUP, VERSION } from "../api/v1alpha1.ts";
import type { ConfigOf } from "../cli/commands.ts";
import { sourceClient } from "../kube/clients.ts";
import { probeCluster } from "../kube/probe.ts";
import {
  done,
  EXIT_FAILURE,
  EXIT_OK,
  EXIT_USAGE,
  runWorkflow,
  stop,
  type WorkflowIo,
} from "./io.ts";
import {
  allHealthy,
  type ReplicationObject,
  statusJson,
  statusRows,
  statusTable,
} from "./status-report.ts";

/** `dr-syncer status`: see the module comment. */
export function status(
  cfg: ConfigOf<"status">,
  io: WorkflowIo,
  env: Record<string, string | undefined> = Deno.env.toObject(),
): Promise<number> {
  return runWorkflow("status", io, async () => {
    const built = sourceClient({ kubeconfigPath: cfg.kubeconfig, env });
    if (!built.ok) return stop(built.message, EXIT_USAGE);
    const client = built.client;
    try {
      const probe = await probeCluster(client);
      if (probe.reason !== "Connected") {
        return stop(`cluster ${probe.reason}: ${probe.message}`);
      }
      const list = await client.requestJson<{ items?: ReplicationObject[] }>(
        `/apis/${GROUP}/${VERSION}/namespaces/${cfg.namespace}/namespacereplications`,
      );
      const rows = statusRows(list.items ?? [], io.now());
      if (cfg.output === "json") io.out(statusJson(cfg.namespace, rows));
      else if (rows.length === 0) {
        io.err(`no NamespaceReplications in namespace ${cfg.namespace}`);
      } else io.out(statusTable(rows));
      if (cfg.output !== "json") {
        for (const r of rows) {
          for (const p of r.problems) io.err(`${r.name}: ${p}`);
        }
      }
      return done(allHealthy(rows) ? EXIT_OK : EXIT_FAILURE);
    } finally {
      await client.close();
    }
  });
}
