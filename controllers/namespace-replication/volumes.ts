/**
 * The data-replication step of a pass (spec.dataReplication): reads the
 * PVCs and our VolSync objects of every namespace pair the object pass
 * handled, asks the pure planner (lib/volsync/plan.ts) what to write, and
 * writes it. Runs after the object pass, so a promoted or missing namespace
 * is already known. Problems never throw: they become the
 * DataReplicationReady condition and Warning Events.
 */
import {
  ANNOTATION_PROMOTED,
  DATA_REPLICATION_DEFAULTS,
  LABEL_REPLICATION,
  type NamespaceReplication,
} from "../../lib/api/v1alpha1.ts";
import type { ClusterClient } from "../../lib/kube/client.ts";
import { classifyError } from "../../lib/kube/errors.ts";
import { collectionPath } from "../../lib/kube/paths.ts";
import { ApiCluster } from "../../lib/engine/api-ports.ts";
import type { NamespaceSyncResult } from "../../lib/engine/namespace-sync.ts";
import { parseDuration } from "../../lib/sync/duration.ts";
import type { DiscoveredResource } from "../../lib/sync/resource-types.ts";
import {
  type ApiResource,
  apiVersionOf,
  type KubeObject,
} from "../../lib/sync/types.ts";
import {
  LABEL_DATA_REPLICATION_KEY,
  PVCS,
  REPLICATION_DESTINATIONS,
  REPLICATION_SOURCES,
  SECRETS,
} from "../../lib/volsync/objects.ts";
import {
  type ObservedPair,
  planVolumes,
  type VolumeAction,
} from "../../lib/volsync/plan.ts";
import {
  CONDITION_DATA_REPLICATION,
  dataReplicationCondition,
  type VolumeReport,
} from "../../lib/volsync/status.ts";
import { subjectOf } from "../context.ts";
import type { RemoteState } from "../remote-states.ts";
import type { PassDeps } from "./pass.ts";

/** How long VolSync may take to publish address and key before we warn. */
export const HANDSHAKE_TIMEOUT_MS = 5 * 60_000;

export interface VolumeStepOptions {
  handshakeTimeoutMs?: number;
}

function serves(
  discovery: readonly DiscoveredResource[],
  type: { group: string; resource: string },
): boolean {
  return discovery.some((d) =>
    d.group === type.group && d.resource === type.resource
  );
}

async function listOwned(
  client: ClusterClient,
  type: ApiResource,
  namespace: string,
  labelSelector?: string,
): Promise<KubeObject[]> {
  const list = await client.requestJson<{ items: KubeObject[] }>(
    collectionPath(type, namespace),
    { query: { labelSelector } },
  );
  return list.items.map((o) => ({
    ...o,
    apiVersion: apiVersionOf(type),
    kind: type.kind,
  }));
}

interface Sides {
  source: ClusterClient;
  dr: ClusterClient;
  /** VolSync served there (its CRDs installed). */
  sourceServes: boolean;
  drServes: boolean;
}

async function observe(
  sides: Sides,
  owner: string,
  result: NamespaceSyncResult,
  wanted: boolean,
): Promise<ObservedPair> {
  const { source, destination } = result.pair;
  const ours = `${LABEL_REPLICATION}=${owner}`;
  const pair: ObservedPair = {
    source,
    destination,
    promoted: result.state === "DestinationPromoted",
    sourceMissing: result.state === "SourceNamespaceMissing",
    pvcs: [],
    sources: [],
    keySecrets: [],
    destinations: [],
    drKeys: new Map(),
  };
  if (!pair.sourceMissing) {
    if (wanted) pair.pvcs = await listOwned(sides.source, PVCS, source);
    if (sides.sourceServes) {
      pair.sources = await listOwned(
        sides.source,
        REPLICATION_SOURCES,
        source,
        ours,
      );
    }
    pair.keySecrets = await listOwned(
      sides.source,
      SECRETS,
      source,
      `${ours},${LABEL_DATA_REPLICATION_KEY}=true`,
    );
  }
  if (sides.drServes) {
    pair.destinations = await listOwned(
      sides.dr,
      REPLICATION_DESTINATIONS,
      destination,
      ours,
    );
    const dr = new ApiCluster(sides.dr);
    for (const rd of pair.destinations) {
      const status = (rd.status ?? {}) as { rsyncTLS?: { keySecret?: string } };
      const name = status.rsyncTLS?.keySecret;
      if (!name) continue;
      const key = await dr.get(SECRETS, destination, name);
      if (key) pair.drKeys.set(name, key);
    }
  }
  return pair;
}

/** A DR write must not land in a namespace promoted since the pass read it. */
async function stillStandby(
  dr: ApiCluster,
  namespace: string,
): Promise<boolean> {
  const ns = await dr.getNamespace(namespace);
  return !ns?.metadata.annotations?.[ANNOTATION_PROMOTED];
}

async function apply(
  sides: Sides,
  actions: VolumeAction[],
  warnings: VolumeReport["warnings"],
): Promise<void> {
  const apis = {
    source: new ApiCluster(sides.source),
    dr: new ApiCluster(sides.dr),
  };
  const standby = new Map<string, boolean>();
  for (const a of actions) {
    const api = apis[a.cluster];
    const { namespace = "", name } = a.object.metadata;
    try {
      if (a.cluster === "dr") {
        if (!standby.has(namespace)) {
          standby.set(namespace, await stillStandby(apis.dr, namespace));
        }
        if (!standby.get(namespace)) continue;
      }
      if (a.op === "create") await api.create(a.type, a.object);
      else if (a.op === "update") await api.replace(a.type, a.object);
      else {
        await api.remove(a.type, namespace, name, {
          uid: a.object.metadata.uid,
        });
      }
    } catch (e) {
      const err = classifyError(e);
      warnings.push({
        reason: "VolumeSyncFailed",
        message: `${a.op} ${a.type.kind} ${namespace}/${name}: ` +
          `${err.reason}: ${err.message}`,
      });
    }
  }
}

function notInstalled(where: string[]): VolumeReport {
  const message = `VolSync is not installed on the ${
    where.join(" and ")
  } cluster(s): its CRDs (volsync.backube) are missing`;
  return {
    condition: {
      type: CONDITION_DATA_REPLICATION,
      status: "False",
      reason: "VolSyncNotInstalled",
      message,
    },
    volumes: [],
    warnings: [{ reason: "VolSyncNotInstalled", message }],
  };
}

/** The data RPO threshold; the schema's pattern makes a bad one rare. */
function thresholdMs(text: string | undefined): number {
  const parsed = parseDuration(text ?? DATA_REPLICATION_DEFAULTS.rpoThreshold);
  return parsed.ok ? parsed.ms : Number.POSITIVE_INFINITY;
}

/**
 * See the module comment. Undefined when data replication is off and was
 * never on (nothing to report, nothing to clean up).
 */
export async function syncVolumes(
  deps: PassDeps,
  nr: NamespaceReplication,
  remote: RemoteState,
  results: readonly NamespaceSyncResult[],
  opts: VolumeStepOptions & { now: Date },
): Promise<VolumeReport | undefined> {
  const { now } = opts;
  const spec = nr.spec.dataReplication;
  const wasOn = nr.status?.conditions?.some((c) =>
    c.type === CONDITION_DATA_REPLICATION
  );
  if (!spec && !wasOn) return undefined;
  const report: VolumeReport = { volumes: [], warnings: [] };
  try {
    const sides: Sides = {
      source: deps.ctx.source,
      dr: remote.client!,
      sourceServes: serves(await deps.discovery.get(), REPLICATION_SOURCES),
      drServes: serves(
        await deps.drDiscovery(remote.client!).get(),
        REPLICATION_DESTINATIONS,
      ),
    };
    const missing = [
      ...(sides.sourceServes ? [] : ["source"]),
      ...(sides.drServes ? [] : ["DR"]),
    ];
    if (spec && missing.length) return notInstalled(missing);
    const owner = `${deps.ctx.namespace}.${nr.metadata.name}`;
    const handled = results.filter((r) => r.state !== "DestinationUnavailable");
    const pairs: ObservedPair[] = [];
    for (const r of handled) {
      pairs.push(await observe(sides, owner, r, spec !== undefined));
    }
    const plan = planVolumes({
      ownerValue: owner,
      spec,
      storageClassMappings: nr.spec.storageClassMappings,
      accessModeMappings: nr.spec.accessModeMappings,
      prune: nr.spec.prune ?? true,
      pairs,
      now,
      handshakeTimeoutMs: opts.handshakeTimeoutMs ?? HANDSHAKE_TIMEOUT_MS,
      rpoThresholdMs: thresholdMs(spec?.rpoThreshold),
    });
    await apply(sides, plan.actions, report.warnings);
    report.writes = plan.actions.length;
    if (!spec) {
      // Turned off: reported until a pass finds nothing of ours left.
      if (!plan.actions.length) return undefined;
      report.condition = {
        type: CONDITION_DATA_REPLICATION,
        status: "True",
        reason: "Removing",
        message: "spec.dataReplication removed: deleting our VolSync objects",
      };
      return report;
    }
    report.volumes = plan.volumes;
    report.condition = dataReplicationCondition(plan.volumes);
    const failed = report.warnings.find((w) => w.reason === "VolumeSyncFailed");
    if (failed && report.condition.status === "True") {
      // The volume stays Pending; the write that keeps it there is the news.
      report.condition = {
        type: CONDITION_DATA_REPLICATION,
        status: "False",
        reason: "VolumeSyncFailed",
        message: failed.message,
      };
      return report;
    }
    if (report.condition.status !== "True") {
      report.warnings.push({
        reason: report.condition.reason,
        message: report.condition.message ?? "",
      });
    }
  } catch (e) {
    const err = classifyError(e);
    const message = `data replication: ${err.reason}: ${err.message}`;
    report.condition = {
      type: CONDITION_DATA_REPLICATION,
      status: "False",
      reason: "VolumeSyncFailed",
      message,
    };
    report.volumes = nr.status?.volumes ?? [];
    report.warnings.push({ reason: "VolumeSyncFailed", message });
  }
  return report;
}

/** While a handshake is in progress, poll every few seconds... */
export const HANDSHAKE_POLL_MS = 5_000;
/** ...and while the first transfer runs, now and then. */
export const FIRST_SYNC_POLL_MS = 30_000;

/**
 * The next pass: sooner while VolSync still has to answer (VolSync's
 * objects are not watched). Only modes that run due passes use it: in
 * Manual mode each sync-now token advances the handshake by one step.
 */
export function volumeDue(
  dueAt: number | undefined,
  report: VolumeReport | undefined,
  now: number,
): number | undefined {
  const volumes = report?.volumes ?? [];
  const handshake = (report?.writes ?? 0) > 0 ||
    volumes.some((v) => v.phase === "Pending");
  const firstSync = volumes.some((v) => v.phase === "Syncing");
  const wait = handshake
    ? HANDSHAKE_POLL_MS
    : firstSync
    ? FIRST_SYNC_POLL_MS
    : undefined;
  if (wait === undefined) return dueAt;
  const poll = now + wait;
  return dueAt === undefined ? poll : Math.min(dueAt, poll);
}

/** Warning Events and the data RPO metric of a pass. */
export function recordVolumes(
  ctx: PassDeps["ctx"],
  nr: NamespaceReplication,
  report: VolumeReport | undefined,
): void {
  const subject = subjectOf(nr as never);
  for (const w of report?.warnings ?? []) {
    ctx.events.record(subject, "Warning", w.reason, w.message);
  }
  ctx.metrics.volumes.set(
    nr.metadata.name,
    (report?.volumes ?? []).filter((v) => v.phase !== "Skipped"),
    ctx.clock.now(),
  );
}

/**
 * A PVC changed (added, removed, relabelled): the fast path copies the claim,
 * but its VolSync pair is the full pass's work, so one is run.
 */
export function pvcChangeNeedsPass(
  nr: NamespaceReplication,
  object: { group: string; kind: string },
): boolean {
  return nr.spec.dataReplication !== undefined && object.group === "" &&
    object.kind === PVCS.kind;
}
