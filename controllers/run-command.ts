/**
 * `dr-syncer run`: logging, metrics endpoint, and the manager running the
 * three controllers until SIGTERM/SIGINT or lost leadership.
 */
import type { ListenAddress } from "../lib/health.ts";
import {
  configureLogging,
  type LogFormat,
  logger,
  type LogLevel,
} from "../lib/log/mod.ts";
import { Metrics } from "../lib/metrics/mod.ts";
import { serveMetrics } from "../lib/metrics/server.ts";
import { runController } from "../lib/run-controller.ts";
import { registerShardMetrics } from "../lib/sharding/metrics.ts";
import { buildControllers } from "./mod.ts";

export interface RunCommand {
  kubeconfig?: string;
  namespace: string;
  leaderElect: boolean;
  sharding?: boolean;
  metricsAddr: ListenAddress;
  healthAddr: ListenAddress;
  logFormat: LogFormat;
  logLevel: LogLevel;
}

/** Runs the controller process; resolves with the exit code. */
export async function runControllerCommand(
  cmd: RunCommand,
  signal?: AbortSignal,
): Promise<number> {
  configureLogging({ format: cmd.logFormat, level: cmd.logLevel });
  const log = logger("manager");
  const metrics = new Metrics();
  const server = serveMetrics(cmd.metricsAddr, metrics);
  try {
    return await runController({
      kubeconfig: cmd.kubeconfig,
      namespace: cmd.namespace,
      leaderElect: cmd.leaderElect,
      healthAddr: cmd.healthAddr,
      identity: Deno.env.get("POD_NAME") || undefined,
      signal,
      log,
      informers: { onRestart: metrics.restartObserver("source") },
      sharding: cmd.sharding,
      onManager: (manager, run) => {
        metrics.setStatsSource(() => manager.stats());
        if (run.shard) registerShardMetrics(metrics.registry, run.shard);
      },
    }, (run) => buildControllers(run, { log: logger("controller"), metrics }));
  } finally {
    await server.close();
  }
}
