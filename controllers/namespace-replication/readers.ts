/**
 * Where a pass reads from. Continuous: the watch caches (source informers
 * shared by every replication, DR informers of our labelled copies), so a
 * full pass makes no read requests. Scheduled and Manual: straight from the
 * API, with no watches held between passes. Either way the DR cluster's
 * discovery says which types it serves.
 */
import type { NamespaceReplication } from "../../lib/api/v1alpha1.ts";
import type { ClusterClient } from "../../lib/kube/client.ts";
import { classifyError } from "../../lib/kube/errors.ts";
import { ApiCluster } from "../../lib/engine/api-ports.ts";
import type { ClusterReader } from "../../lib/engine/ports.ts";
import type { Blocker } from "../../lib/engine/status.ts";
import { type ApiResource, groupResource } from "../../lib/sync/types.ts";
import type { RemoteState } from "../remote-states.ts";
import { CacheReader } from "./cache-ports.ts";
import { ensureLive, liveSynced, sourceInformer } from "./live.ts";
import type { PassDeps } from "./pass-deps.ts";
import type { ReplicationRuntime } from "./runtime.ts";
import { specOf } from "./spec.ts";

const CACHE_SYNC_TIMEOUT_MS = 10_000;

export interface ReadyReaders {
  source: ClusterReader;
  dr: ClusterReader;
  drServes: (type: ApiResource) => boolean;
  incomplete: boolean;
  /** Watch caches still loading (not refused): see LiveSync. */
  loading: string[];
}

export type Readers = ReadyReaders | { blocker: Blocker };

async function servedOn(
  deps: PassDeps,
  client: ClusterClient,
): Promise<(t: ApiResource) => boolean> {
  const served = new Set(
    (await deps.drDiscovery(client).get()).map((d) =>
      `${d.group}/${d.version}/${d.resource}`
    ),
  );
  return (t) => served.has(`${t.group}/${t.version}/${t.resource}`);
}

export async function readersFor(
  deps: PassDeps,
  rt: ReplicationRuntime,
  nr: NamespaceReplication,
  remote: RemoteState,
): Promise<Readers> {
  const drApi = new ApiCluster(remote.client!);
  let drServes: (t: ApiResource) => boolean;
  try {
    drServes = await servedOn(deps, remote.client!);
  } catch (e) {
    const message = `discovery of the DR cluster failed: ${
      classifyError(e).message
    }`;
    return { blocker: { reason: "RemoteClusterUnreachable", message } };
  }
  if (specOf(nr).spec.mode !== "Continuous") {
    const source = new ApiCluster(deps.ctx.source);
    return { source, dr: drApi, drServes, incomplete: false, loading: [] };
  }
  const live = await ensureLive(
    deps.ctx,
    deps.remoteCaches,
    rt,
    { name: specOf(nr).spec.remoteClusterName, client: remote.client! },
    rt.settings!.types,
    rt.pairs.map((p) => p.source),
    rt.pairs.map((p) => p.destination),
    deps.onSourceEvent,
    drServes,
  );
  const { synced, loading } = await liveSynced(
    live,
    deps.cacheSyncTimeoutMs ?? CACHE_SYNC_TIMEOUT_MS,
  );
  const sourceOf = (t: ApiResource, namespace: string) =>
    sourceInformer(live, t, namespace);
  const drOf = (t: ApiResource) => live.drInformers.get(groupResource(t));
  return {
    source: new CacheReader(deps.ctx.caches.namespaces, sourceOf),
    dr: new CacheReader(live.drNamespaces, drOf, drApi),
    drServes,
    incomplete: !synced,
    loading,
  };
}
