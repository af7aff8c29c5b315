/**
 * The NamespaceMapping reconciler when its watch cache lags behind its own status write (a
 * real API server's watch echo comes later than kube-sim's): a reconcile in between (a
 * namespace event) must not write the same status again — a second write is a second watch
 * event for the replications, which ran an empty second pass right after the first sync on
 * real clusters (their side of it: tests/controllers/mapping_test.ts).
 */
import "../../lib/preload.ts";
import { assertEquals } from "../assert.ts";
import { CRDS } from "../../crds/mod.ts";
import { namespaceMappingController } from "../../controllers/namespace-mapping.ts";
import type { ControllerContext } from "../../controllers/context.ts";
import { MappingResolutions } from "../../controllers/mapping-resolutions.ts";
import { ClusterClient } from "../../lib/kube/client.ts";
import type { KubeObject } from "../../lib/sync/types.ts";
import { startSim } from "../sim/mod.ts";
import { quiesceUndici } from "../sim/harness.ts";

const NS = "dr-syncer-system";
const MAPPINGS =
  `/apis/drsyncer.io/v1alpha1/namespaces/${NS}/namespacemappings`;

const namespace = (name: string): KubeObject => ({
  apiVersion: "v1",
  kind: "Namespace",
  metadata: { name },
});

/** An informer frozen at `items`: the cache before the watch delivers anything new. */
function frozen(items: KubeObject[]) {
  return {
    get: (name: string) => items.find((o) => o.metadata.name === name),
    list: () => items,
    addHandler: () => () => {},
  };
}

Deno.test("namespace mapping: a reconcile before its own status write echoes writes nothing", async () => {
  const sim = await startSim({ clusters: ["source"] });
  const cluster = sim.clusters.source;
  const source = new ClusterClient(
    (kc) => kc.loadFromString(cluster.kubeconfig),
    { name: "source" },
  );
  try {
    for (const crd of CRDS) {
      await source.requestJson(
        "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
        { method: "POST", body: crd },
      );
    }
    for (const name of [NS, "shop"]) {
      await source.requestJson("/api/v1/namespaces", {
        method: "POST",
        body: namespace(name),
      });
    }
    const mapping = await source.requestJson<KubeObject>(MAPPINGS, {
      method: "POST",
      body: {
        apiVersion: "drsyncer.io/v1alpha1",
        kind: "NamespaceMapping",
        metadata: { name: "shop", namespace: NS },
        spec: { sourceNamespace: "shop", destinationNamespace: "shop-dr" },
      },
    });
    const nr: KubeObject = {
      apiVersion: "drsyncer.io/v1alpha1",
      kind: "NamespaceReplication",
      metadata: { name: "shop-to-dr", namespace: NS },
      spec: {
        remoteClusterRef: { name: "dr" },
        namespaceMappingRefs: [{ name: "shop" }],
      },
    };
    const ctx = {
      source,
      namespace: NS,
      caches: {
        mappings: frozen([mapping]),
        namespaces: frozen([namespace(NS), namespace("shop")]),
        replications: frozen([nr]),
      },
      clock: { now: () => Date.parse("2026-12-04T12:00:00Z") },
      events: { record: () => {} },
      mappingResolutions: new MappingResolutions(
        frozen([namespace(NS), namespace("shop")]),
        NS,
      ),
    } as unknown as ControllerContext;
    const controller = namespaceMappingController(ctx);
    const signal = new AbortController().signal;

    cluster.counters.reset();
    await controller.reconciler.reconcile("shop", signal);
    // A namespace event before the status write's echo: the cache still shows no status.
    await controller.reconciler.reconcile("shop", signal);

    assertEquals(
      cluster.counters.get("patch", "namespacemappings/status"),
      1,
      "one status write",
    );
    const stored = await source.requestJson<KubeObject>(`${MAPPINGS}/shop`);
    assertEquals((stored.status as { namespaces: unknown }).namespaces, [
      { source: "shop", destination: "shop-dr" },
    ]);
  } finally {
    await source.close();
    await sim.stop();
    await quiesceUndici();
  }
});
