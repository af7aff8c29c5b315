/**
 * What the three reconcilers share: clients, the watch caches of our own
 * kinds in the controller namespace, the remote-cluster readiness they
 * publish to each other, an event recorder, and a bus to enqueue each
 * other's keys (a RemoteCluster turning ready wakes its replications).
 */
import { API_VERSION, GROUP, VERSION } from "../lib/api/v1alpha1.ts";
import type { Clock } from "../lib/clock.ts";
import type { RuntimeLog } from "../lib/controller.ts";
import type { EventRecorder, EventSubject } from "../lib/events.ts";
import type { InformerSpec } from "../lib/informer/informer.ts";
import type { Informer } from "../lib/informer/informer.ts";
import type { SharedInformers } from "../lib/informer/shared.ts";
import type { ClusterClient } from "../lib/kube/client.ts";
import type { RemoteClients } from "../lib/kube/clients.ts";
import type { KubeObject } from "../lib/sync/types.ts";
import type { Metrics } from "../lib/metrics/mod.ts";
import type { ShardFence } from "../lib/sharding/coordinator.ts";

export const PLURALS = {
  RemoteCluster: "remoteclusters",
  NamespaceMapping: "namespacemappings",
  NamespaceReplication: "namespacereplications",
} as const;

export type OwnKind = keyof typeof PLURALS;

/** Watch spec of one of our kinds in the controller namespace. */
export function ownKindSpec(kind: OwnKind, namespace: string): InformerSpec {
  return {
    type: { group: GROUP, version: VERSION, resource: PLURALS[kind] },
    namespace,
  };
}

export const SECRETS = { group: "", version: "v1", resource: "secrets" };
export const NAMESPACES = { group: "", version: "v1", resource: "namespaces" };

/** Readiness of a RemoteCluster as its reconciler last saw it. */
export interface RemoteState {
  ready: boolean;
  reason: string;
  message: string;
  client?: ClusterClient;
}

/** A NamespaceMapping's pairs as its reconciler just resolved them. */
export interface MappingPairs {
  mapping: string;
  pairs: { source: string; destination: string }[];
}

export interface Bus {
  /**
   * Something a replication depends on changed: re-run its full pass. With `mapping`, what
   * changed is that mapping's pairs, and a replication whose last pass resolved the same
   * pairs has nothing to redo.
   */
  wakeReplication?: (name: string, mapping?: MappingPairs) => void;
}

/** Reads of our kinds from the shared caches. */
export interface OwnCaches {
  remoteClusters: Informer;
  mappings: Informer;
  replications: Informer;
  secrets: Informer;
  namespaces: Informer;
}

export interface ControllerContext {
  source: ClusterClient;
  namespace: string;
  remotes: RemoteClients;
  informers: SharedInformers;
  caches: OwnCaches;
  events: EventRecorder;
  clock: Clock;
  log: RuntimeLog;
  metrics: Metrics;
  bus: Bus;
  remoteStates: Map<string, RemoteState>;
  /** With run --sharding: asked before every write for a replication. */
  shard?: ShardFence;
}

/** The Event subject of one of our objects. */
export function subjectOf(o: KubeObject): EventSubject {
  return {
    apiVersion: API_VERSION,
    kind: o.kind,
    name: o.metadata.name,
    namespace: o.metadata.namespace ?? "",
    uid: o.metadata.uid,
  };
}

/** Canonical JSON of a status, for "did it change" checks. */
export function sameStatus(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(v: unknown): string {
  return JSON.stringify(
    v,
    (_k, value) =>
      value && typeof value === "object" && !Array.isArray(value)
        ? Object.fromEntries(
          Object.entries(value).sort(([x], [y]) => x < y ? -1 : 1),
        )
        : value,
  );
}

/**
 * Writes the status through the status subresource as a JSON merge patch:
 * no resourceVersion, so a cache that lags behind our own last write does
 * not turn every write into a 409. Top-level fields the new status drops
 * are sent as null so they are removed.
 */
export async function writeStatus(
  ctx: Pick<ControllerContext, "source">,
  kind: OwnKind,
  object: KubeObject,
  status: object,
  signal?: AbortSignal,
): Promise<void> {
  const { name, namespace } = object.metadata;
  const previous = (object.status ?? {}) as Record<string, unknown>;
  const patch: Record<string, unknown> = JSON.parse(JSON.stringify(status));
  for (const key of Object.keys(previous)) {
    if (!(key in patch)) patch[key] = null;
  }
  await ctx.source.requestJson(
    `/apis/${GROUP}/${VERSION}/namespaces/${namespace}/${
      PLURALS[kind]
    }/${name}/status`,
    {
      method: "PATCH",
      contentType: "application/merge-patch+json",
      body: { status: patch },
      signal,
    },
  );
}
