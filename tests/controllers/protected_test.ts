/**
 * Protected namespaces (contract §3) and destination conflicts between
 * replications, end to end through the real controller.
 */
import "../../lib/preload.ts";
import { assert, assertEquals } from "../assert.ts";
import { configMap } from "../lib/engine/fixtures.ts";
import {
  conditionOf,
  NS,
  put,
  sourceNamespace,
  standardSetup,
  statusOf,
  synced,
  until,
  withController,
} from "./harness.ts";

const OWNER_LABEL = "drsyncer.io/replication";

async function readyOf(
  e: Parameters<Parameters<typeof withController>[0]>[0],
  kind: string,
  name: string,
) {
  const o = await e.getOwn(kind, name);
  return conditionOf((o?.status ?? {}) as Record<string, unknown>, "Ready");
}

Deno.test("controller: the controller's namespace is never a source and kube-system/default are refused as destinations (ProtectedNamespace)", async () => {
  await withController(async (e) => {
    const secrets = e.type("secrets");
    await sourceNamespace(e, "shop");
    await put(e, "shop", [configMap("c", { v: "1" })]);
    await standardSetup(e);
    const bad: [string, Record<string, unknown>][] = [
      ["steal", {
        sourceNamespace: NS,
        destinationNamespace: "stolen",
        allowProtectedNamespaces: true,
      }],
      ["into-kube", {
        sourceNamespace: "shop",
        destinationNamespace: "kube-system",
      }],
      ["into-default", {
        sourceNamespace: "shop",
        destinationNamespace: "default",
      }],
    ];
    for (const [name, spec] of bad) {
      await e.apply("NamespaceMapping", name, spec);
      await e.apply("NamespaceReplication", name, {
        remoteClusterRef: { name: "dr" },
        namespaceMappingRefs: [{ name }],
      });
    }
    e.start();
    await synced(e);
    for (const [name] of bad) {
      await until(`${name} refused`, async () => {
        const m = await readyOf(e, "NamespaceMapping", name);
        const r = await readyOf(e, "NamespaceReplication", name);
        return m?.reason === "ProtectedNamespace" &&
          r?.status === "False" && r.reason === "ProtectedNamespace";
      });
    }
    assertEquals(await e.drApi.getNamespace("stolen"), undefined);
    assertEquals(
      await e.drApi.get(secrets, "stolen", "dr-kubeconfig"),
      undefined,
    );
    const cm = e.type("configmaps");
    assertEquals(await e.drApi.get(cm, "kube-system", "c"), undefined);
    assertEquals(await e.drApi.get(cm, "default", "c"), undefined);

    // The opt-in admits a protected destination.
    await e.apply("NamespaceMapping", "into-default", {
      sourceNamespace: "shop",
      destinationNamespace: "default",
      allowProtectedNamespaces: true,
    });
    await until(
      "opted-in copy",
      async () => (await e.drApi.get(cm, "default", "c")) !== undefined,
    );
  });
});

Deno.test("controller: namespaceSelector {} never picks the controller's namespace or kube-*", async () => {
  await withController(async (e) => {
    await sourceNamespace(e, "shop");
    await put(e, "shop", [configMap("c", { v: "1" })]);
    await e.apply("RemoteCluster", "dr", {
      kubeconfigSecretRef: { name: "dr-kubeconfig" },
    });
    await e.apply("NamespaceMapping", "all", {
      namespaceSelector: {},
      destinationNameTemplate: "{name}-dr",
    });
    await e.apply("NamespaceReplication", "all", {
      remoteClusterRef: { name: "dr" },
      namespaceMappingRefs: [{ name: "all" }],
    });
    e.start();
    await until(
      "shop copied",
      async () =>
        (await e.drApi.get(e.type("configmaps"), "shop-dr", "c")) !==
          undefined,
    );
    await synced(e, "all", (await statusOf(e, "all")).phase as string);
    const mapping = await e.getOwn("NamespaceMapping", "all");
    const sources = (mapping?.status as { namespaces: { source: string }[] })
      .namespaces.map((p) => p.source);
    assert(!sources.includes(NS), `picked ${NS}: ${sources}`);
    assert(!sources.some((s) => s.startsWith("kube-")), `picked ${sources}`);
    assertEquals(await e.drApi.getNamespace(`${NS}-dr`), undefined);
    assertEquals(await e.drApi.getNamespace("kube-system-dr"), undefined);
  });
});

Deno.test("controller: two replications writing different sources into one DR namespace: the later one gets DestinationConflict and writes nothing", async () => {
  await withController(async (e) => {
    const cm = e.type("configmaps");
    for (const ns of ["a", "b"]) {
      await sourceNamespace(e, ns);
      await put(e, ns, [configMap(`from-${ns}`, { ns })]);
    }
    await e.apply("RemoteCluster", "dr", {
      kubeconfigSecretRef: { name: "dr-kubeconfig" },
    });
    await e.apply("NamespaceMapping", "a", {
      sourceNamespace: "a",
      destinationNamespace: "shared",
    });
    await e.apply("NamespaceMapping", "b", {
      sourceNamespace: "b",
      destinationNamespace: "shared",
    });
    // Created first, though its name sorts last: time decides, not names.
    await e.apply("NamespaceReplication", "zz-first", {
      remoteClusterRef: { name: "dr" },
      namespaceMappingRefs: [{ name: "a" }],
    });
    await new Promise((r) => setTimeout(r, 1100)); // creationTimestamp has 1 s steps
    await e.apply("NamespaceReplication", "aa-second", {
      remoteClusterRef: { name: "dr" },
      namespaceMappingRefs: [{ name: "b" }],
    });
    e.start();
    await synced(e, "zz-first");
    await until("aa-second DestinationConflict", async () => {
      const r = await readyOf(e, "NamespaceReplication", "aa-second");
      return r?.status === "False" && r.reason === "DestinationConflict";
    });
    await synced(e, "zz-first");
    const inShared = await e.drApi.list(cm, "shared");
    const names = inShared.map((o) => o.metadata.name).sort();
    assert(names.includes("from-a"), `from-a missing: ${names}`);
    assert(!names.includes("from-b"), `the later claimant wrote: ${names}`);
    for (const o of inShared.filter((o) => o.metadata.labels?.[OWNER_LABEL])) {
      assertEquals(o.metadata.labels?.[OWNER_LABEL], `${NS}.zz-first`);
    }
    // The mappings themselves: b (same time or later, name "b") loses.
    await until(
      "mapping b DestinationConflict",
      async () =>
        (await readyOf(e, "NamespaceMapping", "b"))?.reason ===
          "DestinationConflict",
    );
    assertEquals((await readyOf(e, "NamespaceMapping", "a"))?.status, "True");
  });
});
