/**
 * `dr-syncer sync` (contract §5): one full sync of one namespace pair with
 * the controller's engine, without installing anything. Ownership and
 * prune rules of a one-shot run: see engine.ts.
 */
import type { ConfigOf } from "../cli/commands.ts";
import type {
  NamespaceSyncInput,
  NamespaceSyncResult,
} from "../engine/namespace-sync.ts";
import type { ClusterReader } from "../engine/ports.ts";
import { syncNamespace } from "../engine/namespace-sync.ts";
import { type OpenCluster, withSourceAndDr } from "./clusters.ts";
import { cliSyncInput, type CliSyncRequest } from "./sync-setup.ts";
import {
  done,
  EXIT_FAILURE,
  EXIT_OK,
  runWorkflow,
  type Step,
  stop,
  type WorkflowIo,
} from "./io.ts";
import { plural, Progress } from "./report.ts";
import { syncJson, syncSummary, syncTable } from "./sync-report.ts";

/** A finished sync and the owner it ran as. */
export interface SyncRun {
  result: NamespaceSyncResult;
  owner: string;
}

/** Counts each list call, for the "reading" part of the progress line. */
function countingReader(r: ClusterReader, onList: () => void): ClusterReader {
  return {
    getNamespace: (name) => r.getNamespace(name),
    list: (type, ns) => r.list(type, ns).finally(onList),
  };
}

/**
 * One engine pass for a command, progress drawn on a terminal. Stops when
 * the pass could not run (missing source namespace, promoted or
 * unavailable DR namespace); object failures are in the result.
 */
export async function syncOnce(
  req: CliSyncRequest,
  io: WorkflowIo,
): Promise<Step<SyncRun>> {
  const input = await cliSyncInput(req);
  if (!input.ok) return input;
  return await runSyncPass(input.value, io);
}

/** Runs one prepared engine pass; see {@link syncOnce}. */
export async function runSyncPass(
  input: NamespaceSyncInput,
  io: WorkflowIo,
): Promise<Step<SyncRun>> {
  const progress = new Progress(io);
  const label = `${input.pair.source} → ${input.pair.destination}`;
  const types = input.settings.types.length;
  let read = 0;
  const source = countingReader(input.source, () => {
    progress.update(`${label}: reading ${++read}/${types} types`);
  });
  const onProgress = (n: number, total: number) =>
    progress.update(`${label}: ${n}/${total} objects`, n === total);
  let result: NamespaceSyncResult;
  try {
    result = await syncNamespace({ ...input, source, onProgress });
  } finally {
    progress.clear();
  }
  if (result.state !== "Synced") {
    return stop(`${result.message}${hintFor(result)}`);
  }
  return done({ result, owner: input.settings.ownerValue });
}

function hintFor(r: NamespaceSyncResult): string {
  return r.state === "DestinationPromoted"
    ? " (demote it, or fail back, to sync again)"
    : "";
}

/** Prints warnings and the outcome; exit 1 on failures or blocked prunes. */
export function reportSync(
  io: WorkflowIo,
  run: SyncRun,
  opts: { dryRun: boolean; json: boolean; command?: string },
): number {
  const { result } = run;
  const meta = { owner: run.owner, dryRun: opts.dryRun };
  for (const w of result.warnings) io.err(`warning: ${w}`);
  if (opts.json) io.out(syncJson(result, meta));
  else {
    const table = syncTable(result, opts.dryRun);
    if (table) io.out(table);
    io.out(syncSummary(result, meta));
  }
  const blocked = result.prune?.blocked;
  if (blocked) {
    io.err(
      `dr-syncer: ${
        opts.command ?? "sync"
      }: ${blocked.pending} of ${blocked.total} copies would ` +
        `be pruned: held back by the mass-deletion guard; re-run with ` +
        `--allow-mass-prune to delete them`,
    );
  }
  const failed = result.counts.failed > 0 || (blocked && !opts.dryRun);
  return failed ? EXIT_FAILURE : EXIT_OK;
}

/** The request of a sync-like command from its flags. */
export function syncRequest(
  cfg: Pick<ConfigOf<"sync">, "namespace" | "types" | "owner"> & {
    allowMassPrune?: boolean;
    dryRun?: boolean;
  },
  clusters: OpenCluster[],
  io: WorkflowIo,
): CliSyncRequest {
  const [source, dr] = clusters;
  return {
    source: source.api,
    dr: dr.api,
    pair: cfg.namespace,
    types: cfg.types,
    owner: cfg.owner,
    allowMassPrune: cfg.allowMassPrune ?? false,
    dryRun: cfg.dryRun ?? false,
    now: io.now(),
  };
}

/** `dr-syncer sync`: see the module comment. */
export function sync(cfg: ConfigOf<"sync">, io: WorkflowIo): Promise<number> {
  return runWorkflow(
    "sync",
    io,
    () =>
      withSourceAndDr(cfg, async (clusters) => {
        const run = await syncOnce(syncRequest(cfg, clusters, io), io);
        if (!run.ok) return run;
        const json = cfg.output === "json";
        return done(reportSync(io, run.value, { dryRun: cfg.dryRun, json }));
      }),
  );
}

/**
 * One reported pass inside a bigger command (cutover's final sync,
 * failback's sync back): a failed run or any failed object stops the
 * command with `consequence` ("cutover aborted, source untouched").
 */
export async function passOrStop(
  input: NamespaceSyncInput,
  io: WorkflowIo,
  what: { command: string; step: string; consequence: string },
): Promise<Step<void>> {
  io.out(`${what.step}:`);
  const run = await runSyncPass(input, io);
  if (!run.ok) return stop(`${run.message}; ${what.consequence}`);
  reportSync(io, run.value, {
    dryRun: false,
    json: false,
    command: what.command,
  });
  const failed = run.value.result.counts.failed;
  if (failed > 0) {
    return stop(
      `${what.step} failed for ${
        plural(failed, "object")
      }; ${what.consequence}`,
    );
  }
  return done(undefined);
}
