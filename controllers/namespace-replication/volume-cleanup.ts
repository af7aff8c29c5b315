/**
 * The cleanup finalizer of data replication. A NamespaceReplication with
 * spec.dataReplication carries FINALIZER_DATA_REPLICATION; deleting it
 * deletes our ReplicationSources and key Secret copies on the source and,
 * as the prune rules allow, our ReplicationDestinations on DR
 * (lib/volsync/removal.ts), then releases the finalizer. Deletion is never
 * blocked for long: a DR cluster that is not Ready (or a RemoteCluster that
 * is gone) is skipped at once, and a cleanup whose writes keep failing gives
 * up after CLEANUP_GRACE_MS; both leave a Warning Event naming what stayed.
 */
import {
  LABEL_REPLICATION,
  type NamespaceReplication,
} from "../../lib/api/v1alpha1.ts";
import { ApiCluster } from "../../lib/engine/api-ports.ts";
import type { ClusterClient } from "../../lib/kube/client.ts";
import {
  classifyError,
  isConflict,
  isNotFound,
} from "../../lib/kube/errors.ts";
import { collectionPath } from "../../lib/kube/paths.ts";
import type { DiscoveredResource } from "../../lib/sync/resource-types.ts";
import {
  type ApiResource,
  apiVersionOf,
  type KubeObject,
} from "../../lib/sync/types.ts";
import { ANNOTATION_PROMOTED, GROUP, VERSION } from "../../lib/api/v1alpha1.ts";
import {
  FINALIZER_DATA_REPLICATION,
  LABEL_DATA_REPLICATION_KEY,
  REPLICATION_DESTINATIONS,
  REPLICATION_SOURCES,
  SECRETS,
} from "../../lib/volsync/objects.ts";
import { planRemoval, sourceNamespaceOf } from "../../lib/volsync/removal.ts";
import { CONDITION_DATA_REPLICATION } from "../../lib/volsync/status.ts";
import { type ControllerContext, PLURALS, subjectOf } from "../context.ts";
import type { RemoteState } from "../remote-states.ts";
import type { PassDeps } from "./pass.ts";

/** How long failing cleanup writes are retried before the finalizer is released anyway. */
export const CLEANUP_GRACE_MS = 2 * 60_000;
/** Retry delay of a cleanup that failed or waits for the DR cluster's first probe. */
export const CLEANUP_RETRY_MS = 5_000;

/** Our finalizer belongs on `nr` while data replication is on or its objects may be left. */
export function wantsCleanupFinalizer(nr: NamespaceReplication): boolean {
  return nr.spec.dataReplication !== undefined ||
    (nr.status?.conditions ?? []).some((c) =>
      c.type === CONDITION_DATA_REPLICATION
    );
}

export function hasCleanupFinalizer(nr: NamespaceReplication): boolean {
  return nr.metadata.finalizers?.includes(FINALIZER_DATA_REPLICATION) ?? false;
}

/**
 * Sets `finalizers` (merge patch carrying the observed resourceVersion, so a
 * concurrent change of the list is a 409, not a lost finalizer).
 */
async function patchFinalizers(
  ctx: Pick<ControllerContext, "source">,
  nr: NamespaceReplication,
  finalizers: string[],
): Promise<void> {
  await ctx.source.requestJson(
    objectPath(nr),
    {
      method: "PATCH",
      contentType: "application/merge-patch+json",
      body: {
        metadata: { finalizers, resourceVersion: nr.metadata.resourceVersion },
      },
    },
  );
}

function objectPath(nr: NamespaceReplication): string {
  const { name, namespace } = nr.metadata;
  return `/apis/${GROUP}/${VERSION}/namespaces/${namespace}/${PLURALS.NamespaceReplication}/${name}`;
}

/**
 * Removes our finalizer, reading the replication again on a 409 (a status
 * write landed meanwhile): the cleanup itself is done and is not repeated.
 */
export async function releaseCleanupFinalizer(
  ctx: Pick<ControllerContext, "source">,
  nr: NamespaceReplication,
): Promise<void> {
  let current = nr;
  for (let attempt = 1;; attempt++) {
    const others = (current.metadata.finalizers ?? []).filter((f) =>
      f !== FINALIZER_DATA_REPLICATION
    );
    try {
      await patchFinalizers(ctx, current, others);
      return;
    } catch (e) {
      if (!isConflict(e) || attempt >= 5) throw e;
    }
    try {
      current = await ctx.source.requestJson<NamespaceReplication>(
        objectPath(current),
      );
    } catch (e) {
      if (isNotFound(e)) return;
      throw e;
    }
    if (!hasCleanupFinalizer(current)) return;
  }
}

/** Adds or removes our finalizer as {@link wantsCleanupFinalizer} says. */
export async function keepCleanupFinalizer(
  ctx: Pick<ControllerContext, "source">,
  nr: NamespaceReplication,
): Promise<boolean> {
  const has = hasCleanupFinalizer(nr);
  if (has === wantsCleanupFinalizer(nr)) return false;
  const others = (nr.metadata.finalizers ?? []).filter((f) =>
    f !== FINALIZER_DATA_REPLICATION
  );
  await patchFinalizers(
    ctx,
    nr,
    has ? others : [...others, FINALIZER_DATA_REPLICATION],
  );
  return true;
}

async function listAll(
  client: ClusterClient,
  type: ApiResource,
  labelSelector: string,
): Promise<KubeObject[]> {
  const list = await client.requestJson<{ items: KubeObject[] }>(
    collectionPath(type),
    { query: { labelSelector } },
  );
  return list.items.map((o) => ({
    ...o,
    apiVersion: apiVersionOf(type),
    kind: type.kind,
  }));
}

function serves(
  discovery: readonly DiscoveredResource[],
  type: ApiResource,
): boolean {
  return discovery.some((d) =>
    d.group === type.group && d.resource === type.resource
  );
}

/** Namespaces among `names` for which `test(namespace object)` holds. */
async function namespacesWhere(
  api: ApiCluster,
  names: Iterable<string>,
  test: (ns: KubeObject | undefined) => boolean,
): Promise<Set<string>> {
  const out = new Set<string>();
  for (const name of new Set(names)) {
    if (test(await api.getNamespace(name))) out.add(name);
  }
  return out;
}

/** The outcome of one cleanup attempt. */
export type CleanupResult =
  | { kind: "released" }
  | { kind: "retry"; afterMs: number };

/**
 * One cleanup attempt for a NamespaceReplication being deleted (see the
 * module comment). `remote` is undefined when its RemoteCluster is gone.
 */
export async function cleanUpVolumes(
  deps: PassDeps,
  nr: NamespaceReplication,
  remote: RemoteState | undefined,
  awaitingProbe: boolean,
): Promise<CleanupResult> {
  const { ctx } = deps;
  if (!hasCleanupFinalizer(nr)) return { kind: "released" };
  const subject = subjectOf(nr as never);
  const ours = `${LABEL_REPLICATION}=${ctx.namespace}.${nr.metadata.name}`;
  const deletedAt = Date.parse(nr.metadata.deletionTimestamp ?? "");
  const givingUp = ctx.clock.now() - deletedAt >= CLEANUP_GRACE_MS;
  const problems: string[] = [];
  let deleted = 0;
  let kept: string[] = [];
  let drSkipped: string | undefined;
  try {
    const source = new ApiCluster(ctx.source);
    const sourceDiscovery = await deps.discovery.get();
    const sources = serves(sourceDiscovery, REPLICATION_SOURCES)
      ? await listAll(ctx.source, REPLICATION_SOURCES, ours)
      : [];
    const keySecrets = await listAll(
      ctx.source,
      SECRETS,
      `${ours},${LABEL_DATA_REPLICATION_KEY}=true`,
    );
    let destinations: KubeObject[] = [];
    let promoted = new Set<string>();
    let sourceNamespaces = new Set<string>();
    const dr = remote?.ready ? remote.client : undefined;
    if (!dr && awaitingProbe && !givingUp) {
      // Just started: the DR cluster's first probe result comes in seconds.
      return { kind: "retry", afterMs: CLEANUP_RETRY_MS };
    }
    if (!dr) {
      drSkipped = remote
        ? `the DR cluster is not ready (${remote.reason})`
        : "its RemoteCluster is gone";
    } else if (
      serves(await deps.drDiscovery(dr).get(), REPLICATION_DESTINATIONS)
    ) {
      destinations = await listAll(dr, REPLICATION_DESTINATIONS, ours);
      const drApi = new ApiCluster(dr);
      promoted = await namespacesWhere(
        drApi,
        destinations.map((d) => d.metadata.namespace ?? ""),
        (ns) => ns?.metadata.annotations?.[ANNOTATION_PROMOTED] !== undefined,
      );
      sourceNamespaces = await namespacesWhere(
        source,
        destinations.map(sourceNamespaceOf).filter((n) => n !== undefined),
        (ns) => ns !== undefined && !ns.metadata.deletionTimestamp,
      );
    }
    const plan = planRemoval({
      sources,
      keySecrets,
      destinations,
      prune: nr.spec.prune ?? true,
      promoted,
      sourceNamespaces,
    });
    kept = plan.kept.map((k) => `${k.namespace}/${k.name} (${k.reason})`);
    for (const a of plan.actions) {
      const api = a.cluster === "source" ? source : new ApiCluster(dr!);
      const { namespace, name, uid } = a.object.metadata;
      try {
        await api.remove(a.type, namespace, name, { uid });
        deleted++;
      } catch (e) {
        if (isNotFound(e)) continue;
        const err = classifyError(e);
        problems.push(
          `delete ${a.type.kind} ${namespace}/${name}: ${err.reason}: ${err.message}`,
        );
      }
    }
  } catch (e) {
    const err = classifyError(e);
    problems.push(`${err.reason}: ${err.message}`);
  }
  if (problems.length && !givingUp) {
    return { kind: "retry", afterMs: CLEANUP_RETRY_MS };
  }
  await releaseCleanupFinalizer(ctx, nr);
  ctx.events.record(
    subject,
    "Normal",
    "DataReplicationCleanedUp",
    `deleted ${deleted} VolSync object(s) of ours` +
      (kept.length ? `; ReplicationDestinations kept: ${kept.join(", ")}` : ""),
  );
  if (drSkipped || problems.length) {
    const left = [
      ...(drSkipped
        ? [
          `ReplicationDestinations on the DR cluster were not looked at: ${drSkipped}; delete them by label ${ours} if their data is no longer wanted`,
        ]
        : []),
      ...(problems.length
        ? [`gave up after ${CLEANUP_GRACE_MS / 1000}s: ${problems.join("; ")}`]
        : []),
    ];
    ctx.events.record(
      subject,
      "Warning",
      "DataReplicationCleanupIncomplete",
      left.join(". "),
    );
  }
  return { kind: "released" };
}
