/**
 * Which namespaces go where, end to end: selector + template, a namespace
 * gaining the label, ignored namespaces, and several replications sharing
 * one mapping (multi-destination) running independently.
 */
import "../../lib/preload.ts";
import type { KubeObject } from "../../lib/sync/types.ts";
import { ClusterClient } from "../../lib/kube/client.ts";
import { ApiCluster } from "../../lib/engine/api-ports.ts";
import { assertEquals } from "../assert.ts";
import { configMap, deployment } from "../lib/engine/fixtures.ts";
import {
  NS,
  put,
  simOf,
  simOnly,
  sourceNamespace,
  standardSetup,
  synced,
  until,
  withController,
} from "./harness.ts";

Deno.test("controller: selector + template map labelled namespaces, a newly labelled one starts replicating", async () => {
  await withController(async (e) => {
    const cm = e.type("configmaps");
    await sourceNamespace(e, "blue", { dr: "enabled" });
    await sourceNamespace(e, "green");
    await sourceNamespace(e, "grey", {
      dr: "enabled",
      "drsyncer.io/ignore": "true",
    });
    for (const ns of ["blue", "green", "grey"]) {
      await put(e, ns, [configMap("c", { ns })]);
    }
    await e.apply("RemoteCluster", "dr", {
      kubeconfigSecretRef: { name: "dr-kubeconfig" },
    });
    await e.apply("NamespaceMapping", "labelled", {
      namespaceSelector: { matchLabels: { dr: "enabled" } },
      destinationNameTemplate: "{name}-copy",
    });
    await e.apply("NamespaceReplication", "labelled-to-dr", {
      remoteClusterRef: { name: "dr" },
      namespaceMappingRefs: [{ name: "labelled" }],
    });
    e.start();
    await synced(e, "labelled-to-dr");
    assertEquals((await e.drApi.get(cm, "blue-copy", "c"))?.data, {
      ns: "blue",
    });
    assertEquals(await e.drApi.getNamespace("green-copy"), undefined);
    assertEquals(await e.drApi.getNamespace("grey-copy"), undefined, "ignored");

    const green = await e.src.getNamespace("green");
    await e.src.replace(e.type("namespaces"), {
      ...green!,
      metadata: { ...green!.metadata, labels: { dr: "enabled" } },
    });
    await until(
      "green copied",
      async () => (await e.drApi.get(cm, "green-copy", "c")) !== undefined,
    );
    const mapping = await e.getOwn("NamespaceMapping", "labelled");
    assertEquals(
      (mapping?.status as { namespaces: unknown[] }).namespaces,
      [
        { source: "blue", destination: "blue-copy" },
        { source: "green", destination: "green-copy" },
      ],
    );
  });
});

function dataOf(o: KubeObject | undefined): Record<string, string> {
  return (o?.data ?? {}) as Record<string, string>;
}

function replicasOf(o: KubeObject | undefined): number {
  return (o?.spec as { replicas: number }).replicas;
}

Deno.test(
  "controller: two replications share one mapping and run independently (multi-destination)",
  simOnly("needs a DR outage (faults.outage)", async () => {
    await withController(async (e) => {
      await sourceNamespace(e, "shop");
      await put(e, "shop", [deployment("api", 3), configMap("c", { v: "1" })]);
      await standardSetup(e);
      await e.apply("RemoteCluster", "far", {
        kubeconfigSecretRef: { name: "far-kubeconfig" },
      });
      await e.apply("NamespaceReplication", "shop-to-far", {
        remoteClusterRef: { name: "far" },
        namespaceMappingRefs: [{ name: "shop" }],
        scaleToZero: false,
      });
      const far = new ClusterClient(
        (kc) => kc.loadFromString(e.clusters.far.kubeconfig),
        { name: "far" },
      );
      try {
        const farApi = new ApiCluster(far);
        const deps = e.type("deployments", "apps");
        const cm = e.type("configmaps");
        e.start();
        await synced(e, "shop-to-dr");
        await synced(e, "shop-to-far");
        assertEquals(replicasOf(await e.drApi.get(deps, "shop-dr", "api")), 0);
        assertEquals(replicasOf(await farApi.get(deps, "shop-dr", "api")), 3);
        assertEquals(
          (await farApi.getNamespace("shop-dr"))?.metadata.labels
            ?.["drsyncer.io/replication"],
          "dr-syncer-system.shop-to-far",
        );

        // One destination down: the other keeps receiving changes.
        const restore = await simOf(e).dr.faults.outage();
        const live = await e.src.get(cm, "shop", "c");
        await e.src.replace(cm, { ...live!, data: { v: "2" } });
        await until(
          "change reached the healthy destination",
          async () => dataOf(await farApi.get(cm, "shop-dr", "c")).v === "2",
        );
        await restore();
        await until(
          "change reached the restored destination",
          async () => dataOf(await e.drApi.get(cm, "shop-dr", "c")).v === "2",
          20_000,
        );
      } finally {
        await far.close();
      }
    }, ["far"]);
  }),
);

Deno.test("controller: a source namespace label change reaches the DR namespace without waiting for a resync", async () => {
  await withController(async (e) => {
    await sourceNamespace(e, "shop", { team: "a" });
    await put(e, "shop", [configMap("c", {})]);
    await standardSetup(e); // resyncInterval: the 10m default
    e.start();
    await synced(e);
    const ns = await e.src.getNamespace("shop");
    await e.src.replace(e.type("namespaces"), {
      ...ns!,
      metadata: { ...ns!.metadata, labels: { team: "b" } },
    });
    await until(
      "DR namespace relabelled",
      async () =>
        (await e.drApi.getNamespace("shop-dr"))?.metadata.labels?.team === "b",
      3_000,
    );
  });
});

Deno.test("controller: a mapping status written again with the pairs the last pass used starts no pass", async () => {
  await withController(async (e) => {
    await sourceNamespace(e, "shop");
    await put(e, "shop", [configMap("c", { n: "1" })]);
    await standardSetup(e);
    e.start();
    await synced(e);
    const passes = () =>
      e.logs.filter((l) => l.includes("sync finished")).length;
    const before = passes();
    // A mapping whose status loses its pairs (what a fresh mapping looks like) wakes the
    // replication once; its reconciler then writes the same pairs back — as on real clusters,
    // where a fresh mapping's first status often lands while the first pass runs — and that
    // write, with the pairs the pass just used, must start no second pass.
    await e.src.client.requestJson(
      `/apis/drsyncer.io/v1alpha1/namespaces/${NS}/namespacemappings/shop/status`,
      {
        method: "PATCH",
        contentType: "application/merge-patch+json",
        body: { status: null },
      },
    );
    await until("the mapping's status is back", async () => {
      const nm = await e.getOwn("NamespaceMapping", "shop");
      return (nm?.status as { namespaces?: unknown[] })?.namespaces?.length ===
        1;
    });
    await until(
      "the pass the cleared status woke",
      () => Promise.resolve(passes() > before),
    );
    // Long enough for a second woken pass (one takes a few ms here).
    await new Promise((r) => setTimeout(r, 500));
    assertEquals(passes(), before + 1, e.logs.join("\n"));
  });
});
