/**
 * Continuous mode's watches: source informers per selected type and mapped
 * source namespace (shared by every replication through SharedInformers)
 * and the DR informers of owned copies. Changes after the initial sync are
 * forwarded as single-object work; the initial lists are covered by the
 * full pass.
 *
 * Source watches are per namespace, not cluster-wide: the API has no
 * "namespace in (set)" selector, and a cluster-wide watch would read (and
 * cache) every Secret of the cluster, Helm release Secrets included.
 * Unmapped namespaces cost no memory and their Secrets are never read.
 */
import type { InformerEvent } from "../../lib/informer/cache.ts";
import type { Informer } from "../../lib/informer/informer.ts";
import type { InformerLease } from "../../lib/informer/shared.ts";
import type { ClusterClient } from "../../lib/kube/client.ts";
import { RecordingApiCluster } from "./own-writes.ts";
import { type ApiResource, groupResource } from "../../lib/sync/types.ts";
import type { ControllerContext } from "../context.ts";
import type { RemoteCaches } from "./remote-caches.ts";
import {
  type LiveView,
  releaseLive,
  type ReplicationRuntime,
} from "./runtime.ts";

export type SourceEventHandler = (
  type: ApiResource,
  event: InformerEvent,
) => void;

/** Key of a source watch in LiveView.sourceLeases. */
export function sourceWatchKey(type: ApiResource, namespace: string): string {
  return `${groupResource(type)}|${namespace}`;
}

function acquireSource(
  ctx: ControllerContext,
  type: ApiResource,
  namespace: string,
  onEvent: SourceEventHandler,
): InformerLease {
  let ready = false;
  const spec = { type, namespace };
  const lease = ctx.informers.acquire(ctx.source, spec, (e) => {
    // Skips the replay of the cache on subscribe and the initial list.
    if (ready && lease.informer.hasSynced) onEvent(type, e);
  });
  ready = true;
  return lease;
}

/**
 * Makes the runtime's watches match `types` in the source `namespaces` on
 * `remote`; watches of namespaces no longer mapped are released.
 */
export async function ensureLive(
  ctx: ControllerContext,
  caches: RemoteCaches,
  rt: ReplicationRuntime,
  remote: { name: string; client: ClusterClient },
  types: readonly ApiResource[],
  namespaces: readonly string[],
  onSourceEvent: SourceEventHandler,
  drServes: (type: ApiResource) => boolean,
): Promise<LiveView> {
  if (
    rt.live &&
    (rt.live.remote !== remote.name || rt.live.drClient !== remote.client)
  ) {
    await releaseLive(rt);
  }
  const live: LiveView = rt.live ?? {
    remote: remote.name,
    drClient: remote.client,
    drApi: new RecordingApiCluster(
      remote.client,
      caches.ownWrites(remote.name),
    ),
    sourceLeases: new Map(),
    drInformers: new Map(),
    drNamespaces: await caches.namespaces(remote.name, remote.client),
  };
  rt.live = live;
  const wantedTypes = new Set(types.map(groupResource));
  for (const gr of live.drInformers.keys()) {
    if (!wantedTypes.has(gr)) live.drInformers.delete(gr);
  }
  const wanted = new Set(
    types.flatMap((t) => namespaces.map((ns) => sourceWatchKey(t, ns))),
  );
  for (const [key, lease] of live.sourceLeases) {
    if (!wanted.has(key)) {
      live.sourceLeases.delete(key);
      await lease.release();
    }
  }
  for (const type of types) {
    const gr = groupResource(type);
    for (const ns of namespaces) {
      const key = sourceWatchKey(type, ns);
      if (!live.sourceLeases.has(key)) {
        live.sourceLeases.set(
          key,
          acquireSource(ctx, type, ns, onSourceEvent),
        );
      }
    }
    if (!live.drInformers.has(gr) && drServes(type)) {
      live.drInformers.set(
        gr,
        await caches.informer(remote.name, remote.client, type),
      );
    }
  }
  return live;
}

/**
 * Waits until every informer of `live` has synced, or `ms` passed (a type
 * the controller may not list never syncs; the pass goes on without it).
 */
export async function liveSynced(live: LiveView, ms: number): Promise<boolean> {
  const all: Informer[] = [
    live.drNamespaces,
    ...live.drInformers.values(),
    ...[...live.sourceLeases.values()].map((l) => l.informer),
  ];
  if (all.every((i) => i.hasSynced)) return true;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<false>((
    r,
  ) => (timer = setTimeout(() => r(false), ms)));
  const synced = Promise.all(all.map((i) => i.synced)).then(() =>
    true as const
  );
  try {
    return await Promise.race([synced, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
