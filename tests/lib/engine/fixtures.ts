/** Two clusters of the test world (tests/world) with direct-API ports, for engine and workflow tests. */
import "../../../lib/preload.ts";
import type { NamespaceReplicationSpec } from "../../../lib/api/v1alpha1.ts";
import { ClusterClient } from "../../../lib/kube/client.ts";
import { ApiCluster, discover } from "../../../lib/engine/api-ports.ts";
import {
  type NamespaceSyncInput,
  type NamespaceSyncResult,
  type PruneState,
  syncNamespace,
} from "../../../lib/engine/namespace-sync.ts";
import { NAMESPACES } from "../../../lib/engine/ports.ts";
import { resolveSettings, typeLookup } from "../../../lib/engine/settings.ts";
import { resolveSpec } from "../../../lib/sync/replication-spec.ts";
import type { DiscoveredResource } from "../../../lib/sync/resource-types.ts";
import type { ApiResource, KubeObject } from "../../../lib/sync/types.ts";
import { quiesceUndici } from "../../sim/harness.ts";
import type { SimCluster } from "../../sim/mod.ts";
import type { WorldCluster } from "../../world/mod.ts";
import { acquireWorld } from "../../world/shared.ts";

export interface TwoClusters {
  source: WorldCluster;
  dr: WorldCluster;
  /** kube-sim's clusters (faults, store) in the sim world only. */
  sim?: Record<string, SimCluster>;
  src: ApiCluster;
  drApi: ApiCluster;
  discovery: DiscoveredResource[];
  type(resource: string, group?: string): ApiResource;
}

/** Runs `fn` against fresh source and dr clusters; everything is torn down. */
export async function withTwoClusters(
  fn: (t: TwoClusters) => Promise<void>,
): Promise<void> {
  const { world, release } = await acquireWorld(["source", "dr"]);
  const make = (c: WorldCluster) =>
    new ClusterClient((kc) => kc.loadFromString(c.kubeconfig), {
      name: c.name,
    });
  const srcClient = make(world.clusters.source);
  const drClient = make(world.clusters.dr);
  try {
    const discovery = await discover(srcClient);
    await fn({
      source: world.clusters.source,
      dr: world.clusters.dr,
      sim: world.sim,
      src: new ApiCluster(srcClient),
      drApi: new ApiCluster(drClient),
      discovery,
      type: (resource, group = "") => {
        const t = discovery.find((d) =>
          d.resource === resource && d.group === group
        );
        if (!t) throw new Error(`no type ${resource}.${group}`);
        return t;
      },
    });
  } finally {
    await srcClient.close();
    await drClient.close();
    await release();
    await quiesceUndici();
  }
}

/** Creates a namespace and objects on a cluster through the API. */
export async function seed(
  api: ApiCluster,
  t: TwoClusters,
  namespace: string,
  objects: KubeObject[],
  nsLabels: Record<string, string> = {},
): Promise<void> {
  if (!await api.getNamespace(namespace)) {
    await api.create(NAMESPACES, {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: namespace, labels: nsLabels },
    });
  }
  for (const o of objects) {
    const plural = pluralOf(t, o);
    await api.create(plural, { ...o, metadata: { ...o.metadata, namespace } });
  }
}

export function pluralOf(
  t: TwoClusters,
  o: Pick<KubeObject, "apiVersion" | "kind">,
): ApiResource {
  const group = o.apiVersion.includes("/") ? o.apiVersion.split("/")[0] : "";
  const found = t.discovery.find((d) =>
    d.group === group && d.kind === o.kind && !d.resource.includes("/")
  );
  if (!found) throw new Error(`no type for ${o.apiVersion} ${o.kind}`);
  return found;
}

/** The engine's input for one pair, with test-friendly defaults. */
export function engineInput(
  t: TwoClusters,
  spec: Partial<NamespaceReplicationSpec>,
  pair = { source: "shop", destination: "shop-dr" },
  prune: PruneState = { pendingSince: new Map(), allowToken: {} },
): NamespaceSyncInput {
  const full: NamespaceReplicationSpec = {
    remoteClusterRef: { name: "dr" },
    namespaceMappingRefs: [{ name: "shop" }],
    pruneSafety: { delay: "0s" },
    ...spec,
  };
  const specResolution = resolveSpec(full);
  const resolved = resolveSettings(
    {
      namespace: "dr-syncer-system",
      name: "shop-to-dr",
      spec: specResolution.spec,
    },
    t.discovery,
  );
  const problems = [...resolved.problems, ...specResolution.problems];
  if (problems.length) throw new Error(problems.join("; "));
  return {
    pair,
    copyNamespaceMetadata: true,
    settings: resolved.settings,
    source: t.src,
    dr: t.drApi,
    writer: t.drApi,
    drTypeOf: typeLookup(resolved.settings.types),
    prune,
    now: new Date(),
    concurrency: 4,
    dryRun: false,
  };
}

/** Runs one pass and carries prune state into the next. */
export async function pass(
  input: NamespaceSyncInput,
  now = new Date(),
): Promise<NamespaceSyncResult> {
  const result = await syncNamespace({ ...input, now });
  if (result.prune) {
    input.prune = {
      pendingSince: result.prune.nextPendingSince,
      allowToken: {
        ...input.prune.allowToken,
        lastHandled: result.prune.consumedAllowToken ??
          input.prune.allowToken.lastHandled,
      },
    };
  }
  return result;
}

export function deployment(
  name: string,
  replicas: number,
  extra: Record<string, unknown> = {},
): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: "c", image: "nginx:1.27" }] },
      },
    },
    ...extra,
  };
}

export function configMap(
  name: string,
  data: Record<string, string>,
  labels: Record<string, string> = {},
): KubeObject {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name, labels },
    data,
  };
}
