/**
 * Continuous mode's watches: source informers per selected type, per mapped
 * namespace or cluster-wide as watch-plan.ts decides (shared by every
 * replication through SharedInformers), and the DR informers of owned
 * copies. Changes after the initial sync are forwarded as single-object
 * work; the initial lists are covered by the full pass.
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
  type SourceWatch,
  sourceWatchKey,
  sourceWatchPlan,
} from "./watch-plan.ts";
import {
  type LiveView,
  releaseLive,
  type ReplicationRuntime,
} from "./runtime.ts";

export type SourceEventHandler = (
  type: ApiResource,
  event: InformerEvent,
) => void;

/** The source informer holding `type` objects of `namespace`, if any. */
export function sourceInformer(
  live: LiveView,
  type: ApiResource,
  namespace: string,
): Informer | undefined {
  return (live.sourceLeases.get(sourceWatchKey(type, namespace)) ??
    live.sourceLeases.get(sourceWatchKey(type)))?.informer;
}

function acquireSource(
  ctx: ControllerContext,
  watch: SourceWatch,
  namespaces: readonly string[],
  onEvent: SourceEventHandler,
): InformerLease {
  let ready = false;
  const { type } = watch;
  const spec = watch.namespace
    ? { type, namespace: watch.namespace }
    : { type };
  // A cluster-wide watch caches only the mapped namespaces (watch-plan.ts).
  const scope = watch.namespace ? undefined : namespaces;
  const lease = ctx.informers.acquire(ctx.source, spec, (e) => {
    // Skips the replay of the cache on subscribe and the initial list.
    if (ready && lease.informer.hasSynced) onEvent(type, e);
  }, scope);
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
  destinations: readonly string[],
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
    drClaim: caches.claim(remote.name),
  };
  rt.live = live;
  live.drClaim.set(destinations);
  const wantedTypes = new Set(types.map(groupResource));
  for (const gr of live.drInformers.keys()) {
    if (!wantedTypes.has(gr)) live.drInformers.delete(gr);
  }
  const plan = new Map(
    sourceWatchPlan(types, namespaces).map((
      w,
    ) => [sourceWatchKey(w.type, w.namespace), w]),
  );
  for (const [key, lease] of live.sourceLeases) {
    if (!plan.has(key)) {
      live.sourceLeases.delete(key);
      await lease.release();
    }
  }
  for (const [key, watch] of plan) {
    const held = live.sourceLeases.get(key);
    if (!held) {
      live.sourceLeases.set(
        key,
        acquireSource(ctx, watch, namespaces, onSourceEvent),
      );
    } else if (!watch.namespace) held.rescope(namespaces);
  }
  for (const type of types) {
    const gr = groupResource(type);
    if (!live.drInformers.has(gr) && drServes(type)) {
      live.drInformers.set(
        gr,
        await caches.informer(remote.name, remote.client, type),
      );
    }
  }
  return live;
}

/** What {@link liveSynced} found. */
export interface LiveSync {
  /** Every informer synced (and covers this replication's namespaces). */
  synced: boolean;
  /**
   * Caches still loading when the wait ended (refused ones left out): the
   * pass cannot see all of the source or DR yet.
   */
  loading: string[];
}

/**
 * Waits until every informer of `live` has synced or been refused, or `ms`
 * passed (a type the controller may not list never syncs; the pass goes on
 * without it and reports the refusal).
 */
export async function liveSynced(
  live: LiveView,
  ms: number,
): Promise<LiveSync> {
  const synced = await waitLive(live, ms);
  if (synced) return { synced, loading: [] };
  const claimed = live.drClaim.namespaces;
  const loading = new Set<string>();
  const drLoading = (i: Informer, ok: boolean) =>
    !ok && !i.refused && loading.add(`DR ${i.spec.type.resource}`);
  drLoading(live.drNamespaces, live.drNamespaces.hasSynced);
  for (const i of live.drInformers.values()) {
    drLoading(i, i.hasSynced && claimed.every((ns) => i.covers(ns)));
  }
  for (const l of live.sourceLeases.values()) {
    if (!l.ready && !l.informer.refused) {
      loading.add(`source ${l.informer.spec.type.resource}`);
    }
  }
  return { synced, loading: [...loading].sort() };
}

async function waitLive(live: LiveView, ms: number): Promise<boolean> {
  const dr: Informer[] = [...live.drInformers.values()];
  const claimed = live.drClaim.namespaces;
  const sources = [...live.sourceLeases.values()];
  const ready = () =>
    live.drNamespaces.hasSynced &&
    dr.every((i) => claimed.every((ns) => i.covers(ns)) && i.hasSynced) &&
    sources.every((l) => l.ready);
  if (ready()) return true;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<false>((
    r,
  ) => (timer = setTimeout(() => r(false), ms)));
  // A refused informer (403/401) will not sync by waiting: the pass goes on and reports it.
  const synced = Promise.all([
    live.drNamespaces.settled,
    ...dr.map((i) => i.whenCovers(claimed)),
    ...sources.map((l) => l.covered()),
  ]).then(ready);
  try {
    return await Promise.race([synced, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
