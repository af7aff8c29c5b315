/**
 * One full pass of a NamespaceReplication: check the remote cluster, resolve
 * the mappings and resource types, then sync every namespace pair with the
 * shared engine. Anything that stops the whole pass becomes a Blocker;
 * anything that stops one pair or one object is reported and the rest goes on.
 */
import {
  ANNOTATION_ALLOW_MASS_PRUNE,
  type NamespaceReplication,
  type ObjectFailure,
} from "../../lib/api/v1alpha1.ts";
import { classifyError } from "../../lib/kube/errors.ts";
import { ApiCluster } from "../../lib/engine/api-ports.ts";
import {
  type NamespaceSyncResult,
  type ReplicationSettings,
  syncNamespace,
} from "../../lib/engine/namespace-sync.ts";
import { emptyCounts, failed } from "../../lib/engine/outcome.ts";
import { runPool } from "../../lib/engine/pool.ts";
import { WritePool } from "../../lib/engine/write-pool.ts";
import { resolveSettings, typeLookup } from "../../lib/engine/settings.ts";
import type { Blocker } from "../../lib/engine/status.ts";
import { type ControllerContext, subjectOf } from "../context.ts";
import type { RemoteState } from "../remote-states.ts";
import { resolvePairs } from "./pairs.ts";
import { readersFor, type ReadyReaders } from "./readers.ts";
import type { ReplicationRuntime, ResolvedPair } from "./runtime.ts";
import { specOf } from "./spec.ts";
import type { PassDeps } from "./pass-deps.ts";

export type { PassDeps } from "./pass-deps.ts";
import { replicationFence } from "./fence.ts";
import type { WriteFence } from "../../lib/engine/write-fence.ts";
import type { ClusterWriter } from "../../lib/engine/ports.ts";

/** Namespaces of one pass synced side by side. */
const PAIR_CONCURRENCY = 8;
/** DR writes in flight per DR cluster, whatever the number of replications and namespaces. */
const WRITES_IN_FLIGHT = 16;

/**
 * One write pool per DR cluster client, shared by every replication's
 * passes: while a namespace waits for the slowest write of a rank, the
 * other namespaces' writes (of any replication) use the free slots, and
 * many replications together never exceed the bound.
 */
const drWritePools = new WeakMap<object, WritePool>();

function writePoolOf(client: object): WritePool {
  let pool = drWritePools.get(client);
  if (!pool) drWritePools.set(client, pool = new WritePool(WRITES_IN_FLIGHT));
  return pool;
}

export interface PassOutput {
  results: NamespaceSyncResult[];
  notes: ObjectFailure[];
  blocker?: Blocker;
  consumedAllowToken?: string;
  /** Earliest prune due time among the pairs. */
  nextPruneAt?: number;
  /** Some watch cache was not synced: the pass should be retried soon. */
  incomplete?: boolean;
  /** Caches still loading, so objects may be missing from this pass. */
  loadingCaches?: string[];
}

function remoteBlocker(
  ctx: ControllerContext,
  name: string,
  state?: RemoteState,
): Blocker | undefined {
  if (!ctx.caches.remoteClusters.get(name, ctx.namespace)) {
    return {
      reason: "RemoteClusterNotFound",
      message: `RemoteCluster ${name} not found`,
    };
  }
  if (!state?.ready || !state.client) {
    const why = state ? `${state.reason}: ${state.message}` : "not probed yet";
    return {
      reason: "RemoteClusterNotReady",
      message: `RemoteCluster ${name} is not ready (${why})`,
    };
  }
  return undefined;
}

/**
 * The spec resolved and completed against source discovery, or why the
 * pass cannot run (discovery failed, InvalidSpec).
 */
async function settingsOf(
  deps: PassDeps,
  nr: NamespaceReplication,
): Promise<
  { settings: ReplicationSettings; warnings: string[] } | { blocker: Blocker }
> {
  const spec = specOf(nr);
  let discovery;
  try {
    discovery = await deps.discovery.get();
  } catch (e) {
    const message = `source discovery failed: ${classifyError(e).message}`;
    return { blocker: { reason: "DiscoveryFailed", message } };
  }
  const resolved = resolveSettings(
    {
      namespace: deps.ctx.namespace,
      name: nr.metadata.name,
      spec: spec.spec,
      // The source cluster's identity: the uid of its kube-system namespace.
      sourceCluster: deps.ctx.caches.namespaces.get("kube-system")?.metadata
        .uid,
    },
    discovery,
  );
  const problems = [...resolved.problems, ...spec.problems];
  if (problems.length > 0) {
    return { blocker: { reason: "InvalidSpec", message: problems.join("; ") } };
  }
  return { settings: resolved.settings, warnings: resolved.warnings };
}

/** A Warning Event when the spec's warnings change, not on every pass. */
function warnOnce(
  ctx: ControllerContext,
  rt: ReplicationRuntime,
  nr: NamespaceReplication,
  warnings: string[],
): void {
  const text = warnings.join("; ");
  if (text !== "" && text !== rt.specWarnings) {
    ctx.events.record(
      subjectOf(nr as never),
      "Warning",
      "ResourceTypeNotServed",
      text,
    );
  }
  rt.specWarnings = text;
}

/** See the module comment. */
export async function runPass(
  deps: PassDeps,
  rt: ReplicationRuntime,
  nr: NamespaceReplication,
  now: Date,
  leading: AbortSignal,
): Promise<PassOutput> {
  const { ctx } = deps;
  const rcName = specOf(nr).spec.remoteClusterName;
  const remote = ctx.remoteStates.get(rcName);
  const blockedByRemote = remoteBlocker(ctx, rcName, remote);
  if (blockedByRemote) {
    return { results: [], notes: [], blocker: blockedByRemote };
  }
  const resolved = resolvePairs(ctx, nr);
  rt.mappingPairs = resolved.byMapping;
  if (resolved.pairs.length === 0 && resolved.missing.length === 0) {
    const message = resolved.notes.map((n) => n.message).join("; ") ||
      "the mappings select no namespace";
    // The mappings' own problem (DestinationConflict, MappingNotFound...)
    // says more than "no namespaces".
    const reason = resolved.notes[0]?.reason ?? "NoNamespaces";
    return { results: [], notes: resolved.notes, blocker: { reason, message } };
  }
  const settled = await settingsOf(deps, nr);
  if ("blocker" in settled) {
    // As before: a failed discovery says nothing of the mappings yet.
    const notes = settled.blocker.reason === "DiscoveryFailed"
      ? []
      : resolved.notes;
    return { results: [], notes, blocker: settled.blocker };
  }
  const { settings } = settled;
  warnOnce(ctx, rt, nr, settled.warnings);
  rt.settings = settings;
  rt.pairs = resolved.pairs;
  rt.typeByGroupKind = new Map(
    settings.types.map((t) => [`${t.group}/${t.kind}`, t]),
  );
  const readers = await readersFor(deps, rt, nr, remote!);
  if ("blocker" in readers) {
    return { results: [], notes: resolved.notes, blocker: readers.blocker };
  }
  const out: PassOutput = {
    results: [...resolved.missing],
    notes: resolved.notes,
    incomplete: readers.incomplete,
    loadingCaches: readers.loading,
  };
  const pool = writePoolOf(remote!.client!);
  const drApi = rt.live?.drApi ?? new ApiCluster(remote!.client!);
  const fence = replicationFence(
    drApi,
    nr.metadata.name,
    leading,
    rt.live?.drNamespaces,
    ctx.shard,
  );
  await runPool(resolved.pairs, PAIR_CONCURRENCY, async (pair) => {
    const job = {
      rt,
      nr,
      pair,
      readers,
      writer: drApi,
      fence,
      now,
      out,
      pool,
      onProgress: deps.onProgress,
    };
    out.results.push(await syncPair(job));
  });
  return out;
}

interface PairJob {
  rt: ReplicationRuntime;
  nr: NamespaceReplication;
  pair: ResolvedPair;
  readers: ReadyReaders;
  writer: ClusterWriter;
  fence: WriteFence;
  now: Date;
  out: PassOutput;
  pool: WritePool;
  onProgress?: () => void;
}

/**
 * The mass-prune approval offered to one DR namespace. A token approves
 * only prunes already reported blocked there: one set in advance must not
 * wave the next mass deletion through unseen.
 */
function allowTokenFor(
  nr: NamespaceReplication,
  rt: ReplicationRuntime,
  destination: string,
): { current?: string; lastHandled?: string } {
  const reported = (nr.status?.blockedPrunes ?? []).some((b) =>
    b.namespace === destination
  );
  return {
    current: reported
      ? nr.metadata.annotations?.[ANNOTATION_ALLOW_MASS_PRUNE]
      : undefined,
    lastHandled: rt.lastAllowHandled ?? nr.status?.lastMassPruneApproval,
  };
}

async function syncPair(job: PairJob): Promise<NamespaceSyncResult> {
  const { rt, nr, pair, readers, writer, now, out } = job;
  const pending = rt.pendingSince.get(pair.destination) ?? new Map();
  try {
    const result = await syncNamespace({
      pair: { source: pair.source, destination: pair.destination },
      copyNamespaceMetadata: pair.copyNamespaceMetadata,
      settings: rt.settings!,
      source: readers.source,
      dr: readers.dr,
      writer,
      fence: job.fence,
      drTypeOf: typeLookup(rt.settings!.types),
      drServes: readers.drServes,
      prune: {
        pendingSince: pending,
        allowToken: allowTokenFor(nr, rt, pair.destination),
      },
      now,
      concurrency: WRITES_IN_FLIGHT,
      writePool: job.pool,
      onProgress: job.onProgress,
      dryRun: false,
    });
    if (result.prune) {
      rt.pendingSince.set(pair.destination, result.prune.nextPendingSince);
      if (result.prune.consumedAllowToken) {
        out.consumedAllowToken = result.prune.consumedAllowToken;
      }
      const due = result.prune.nextDueAt?.getTime();
      if (due !== undefined) {
        out.nextPruneAt = Math.min(out.nextPruneAt ?? due, due);
      }
    }
    return result;
  } catch (e) {
    const err = classifyError(e);
    return {
      pair,
      state: "DestinationUnavailable",
      message: err.message,
      namespaceOutcome: failed({
        action: "skip",
        key: `/Namespace//${pair.destination}`,
        kind: "Namespace",
        namespace: "",
        name: pair.destination,
      }, err),
      outcomes: [],
      warnings: [],
      counts: emptyCounts(),
    };
  }
}
