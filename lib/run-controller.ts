/**
 * `dr-syncer run`: builds the source client, checks it answers, sets up
 * leader election on the `dr-syncer` Lease, runs the manager until SIGTERM /
 * SIGINT (exit 0 after a graceful drain) or lost leadership (exit 1). User
 * mistakes (bad kubeconfig, unreachable cluster at start) are one line on
 * stderr and exit 1.
 */
import type { ListenAddress } from "./health.ts";
import type { InformerOptions } from "./informer/informer.ts";
import type { ClusterClient } from "./kube/client.ts";
import { RemoteClients, sourceClient } from "./kube/clients.ts";
import { classifyError } from "./kube/errors.ts";
import { LeaderElector } from "./leader-election.ts";
import { apiLeaseStore } from "./lease-store.ts";
import { ShardCoordinator } from "./sharding/coordinator.ts";
import type { SharedInformers } from "./informer/shared.ts";
import { type Controller, Manager, type RuntimeLog } from "./manager.ts";

/** Name of the leader-election Lease in the controller namespace. */
export const LEASE_NAME = "dr-syncer";

/** Settings of the controller process (from the command line). */
export interface RunConfig {
  kubeconfig?: string;
  namespace: string;
  leaderElect: boolean;
  /** Every replica active; replications split over live replicas. */
  sharding?: boolean;
  healthAddr?: string | ListenAddress;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  shutdownTimeoutMs?: number;
  /** Bound on the initial cache sync; see ManagerOptions. */
  startupTimeoutMs?: number;
  /** Client-side limit towards the source API server. Default 50/100. */
  sourceRateLimit?: { qps: number; burst: number };
  /** Defaults to hostname + random suffix. */
  identity?: string;
  /** Defaults to the process environment. */
  env?: Record<string, string | undefined>;
  /** Stops the run (tests); SIGTERM/SIGINT always do. */
  signal?: AbortSignal;
  informers?: InformerOptions;
  log?: RuntimeLog;
  /** Called once the manager exists, e.g. to register metric collectors. */
  onManager?: (manager: Manager, ctx: RunContext) => void;
}

/** What controllers are built from. */
export interface RunContext {
  source: ClusterClient;
  namespace: string;
  remotes: RemoteClients;
  /** The manager's shared informers, for watches made at run time. */
  informers: SharedInformers;
  /** With --sharding: which replications this replica may write for. */
  shard?: ShardCoordinator;
}

const STARTUP_PROBE_TIMEOUT_MS = 10_000;
const DEFAULT_SOURCE_RATE = { qps: 50, burst: 100 };
const STOP_SIGNALS: Deno.Signal[] = ["SIGTERM", "SIGINT"];

function defaultIdentity(): string {
  let host = "dr-syncer";
  try {
    host = Deno.hostname();
  } catch { /* no --allow-sys: keep the generic name */ }
  return `${host}_${crypto.randomUUID().slice(0, 8)}`;
}

async function probe(client: ClusterClient): Promise<string | undefined> {
  try {
    await client.requestJson("/version", {
      signal: AbortSignal.timeout(STARTUP_PROBE_TIMEOUT_MS),
    });
    return undefined;
  } catch (e) {
    const k = classifyError(e);
    return `cannot reach ${client.server}: ${k.reason}: ${k.message}`;
  }
}

/** Stops on SIGTERM/SIGINT or `extra`; `dispose` removes the listeners. */
function stopSignal(extra?: AbortSignal, log?: RuntimeLog) {
  const ctl = new AbortController();
  const onSignal = () => ctl.abort();
  const handlers = STOP_SIGNALS.map((s) => {
    const handler = () => {
      if (!ctl.signal.aborted) {
        log?.info(`received ${s}; stopping`, { signal: s });
      }
      onSignal();
    };
    return [s, handler] as const;
  });
  for (const [s, h] of handlers) Deno.addSignalListener(s, h);
  extra?.addEventListener("abort", onSignal, { once: true });
  if (extra?.aborted) ctl.abort();
  const dispose = () => {
    for (const [s, h] of handlers) Deno.removeSignalListener(s, h);
  };
  return { signal: ctl.signal, dispose };
}

/**
 * Runs the controller; resolves with the process exit code. The caller
 * (main.ts) exits with it.
 */
export async function runController(
  config: RunConfig,
  controllers: (ctx: RunContext) => Controller[],
): Promise<number> {
  const src = {
    kubeconfigPath: config.kubeconfig,
    env: config.env ?? Deno.env.toObject(),
  };
  const built = sourceClient(src, {
    rateLimit: config.sourceRateLimit ?? DEFAULT_SOURCE_RATE,
  });
  if (!built.ok) {
    console.error(`dr-syncer: ${built.message}`);
    return 1;
  }
  const source = built.client;
  const remotes = new RemoteClients();
  // Lease traffic gets its own unthrottled client: a renewal must never
  // queue behind a burst of sync writes.
  const leaseClient = config.leaderElect || config.sharding
    ? sourceClient(src, {})
    : undefined;
  const stop = stopSignal(config.signal, config.log);
  try {
    const problem = await probe(source);
    if (problem) {
      console.error(`dr-syncer: ${problem}`);
      return 1;
    }
    const identity = config.identity ?? defaultIdentity();
    const elector = leaseClient?.ok && config.leaderElect
      ? new LeaderElector({
        store: apiLeaseStore(leaseClient.client, config.namespace, LEASE_NAME),
        identity,
        leaseDurationMs: config.leaseDurationMs,
        renewDeadlineMs: config.renewDeadlineMs,
        retryPeriodMs: config.retryPeriodMs,
      })
      : undefined;
    const shard = leaseClient?.ok && config.sharding
      ? new ShardCoordinator({
        client: leaseClient.client,
        namespace: config.namespace,
        identity,
        leaseDurationMs: config.leaseDurationMs,
        renewDeadlineMs: config.renewDeadlineMs,
        retryPeriodMs: config.retryPeriodMs,
        log: config.log,
      })
      : undefined;
    const manager = new Manager({
      source,
      elector,
      healthAddr: config.healthAddr,
      shutdownTimeoutMs: config.shutdownTimeoutMs,
      startupTimeoutMs: config.startupTimeoutMs,
      informers: config.informers,
      log: config.log,
    });
    const run: RunContext = {
      source,
      namespace: config.namespace,
      remotes,
      informers: manager.informers,
      shard,
    };
    for (const c of controllers(run)) manager.add(c);
    config.onManager?.(manager, run);
    shard?.start();
    try {
      return await manager.run(stop.signal);
    } finally {
      // After the drain: nothing of ours is writing any more.
      await shard?.stop();
    }
  } finally {
    stop.dispose();
    await remotes.close();
    await source.close();
    if (leaseClient?.ok) await leaseClient.client.close();
  }
}
