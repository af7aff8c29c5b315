/**
 * Objects that are not ours, end to end: the DR cluster's own `default`
 * ServiceAccount only gets imagePullSecrets merged in (never our label,
 * never pruned), and an object adopted under conflictPolicy Adopt carries
 * drsyncer.io/adopted and is never deleted.
 */
import "../../lib/preload.ts";
import { assert, assertEquals } from "../assert.ts";
import { configMap } from "../lib/engine/fixtures.ts";
import {
  put,
  sourceNamespace,
  standardSetup,
  synced,
  until,
  withController,
} from "./harness.ts";

const OWNER_LABEL = "drsyncer.io/replication";

Deno.test("controller: the DR default ServiceAccount gets only imagePullSecrets merged, is never labelled, and survives a selector change", async () => {
  await withController(async (e) => {
    const sa = e.type("serviceaccounts");
    await sourceNamespace(e, "shop");
    await put(e, "shop", [configMap("c", { v: "1" }, { app: "shop" })]);
    const srcDefault = await e.src.get(sa, "shop", "default");
    await e.src.replace(sa, {
      ...srcDefault!,
      imagePullSecrets: [{ name: "registry" }],
    });
    await e.drApi.create(e.type("namespaces"), {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: "shop-dr" },
    });
    // The cluster made it with the namespace; its own pull secret is added.
    const made = await e.drApi.get(sa, "shop-dr", "default");
    assert(made, "kube-sim makes the default ServiceAccount");
    await e.drApi.replace(sa, {
      ...made,
      imagePullSecrets: [{ name: "dr-only" }],
    });
    await standardSetup(e, { conflictPolicy: "Abort" });
    e.start();
    await until("pull secrets merged", async () => {
      const dr = await e.drApi.get(sa, "shop-dr", "default");
      return (dr?.imagePullSecrets as unknown[] | undefined)?.length === 2;
    });
    await synced(e);
    const merged = await e.drApi.get(sa, "shop-dr", "default");
    assertEquals(merged?.imagePullSecrets, [
      { name: "dr-only" },
      { name: "registry" },
    ]);
    assertEquals(merged?.metadata.labels?.[OWNER_LABEL], undefined);

    // The default ServiceAccount drops out of the selection: not pruned.
    await standardSetup(e, {
      conflictPolicy: "Abort",
      selector: { matchLabels: { app: "shop" } },
    });
    await synced(e);
    await synced(e);
    const after = await e.drApi.get(sa, "shop-dr", "default");
    assert(after, "the DR default ServiceAccount was deleted");
    assertEquals(after.metadata.uid, merged?.metadata.uid);
  });
});

Deno.test("controller: an adopted object is marked drsyncer.io/adopted and never pruned", async () => {
  await withController(async (e) => {
    const cm = e.type("configmaps");
    await sourceNamespace(e, "shop");
    await put(e, "shop", [
      configMap("shared", { from: "source" }),
      ...["a", "b", "c", "d", "e", "f", "g", "h"].map((n) =>
        configMap(n, { v: "1" })
      ),
    ]);
    await e.drApi.create(e.type("namespaces"), {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: "shop-dr" },
    });
    await e.drApi.create(cm, {
      ...configMap("shared", { from: "hand" }),
      metadata: { name: "shared", namespace: "shop-dr" },
    });
    await standardSetup(e, { conflictPolicy: "Adopt" });
    e.start();
    await synced(e);
    const adopted = await e.drApi.get(cm, "shop-dr", "shared");
    assertEquals(adopted?.data, { from: "source" });
    assertEquals(adopted?.metadata.labels?.["drsyncer.io/adopted"], "true");

    await e.src.remove(cm, "shop", "shared");
    await e.src.remove(cm, "shop", "a");
    await until(
      "a pruned",
      async () => (await e.drApi.get(cm, "shop-dr", "a")) === undefined,
    );
    await synced(e);
    const kept = await e.drApi.get(cm, "shop-dr", "shared");
    assert(kept, "the adopted object was pruned");
    assertEquals(kept.metadata.uid, adopted?.metadata.uid);
  });
});

Deno.test("controller: every copy and the DR namespace carry drsyncer.io/source-cluster = the source kube-system uid", async () => {
  await withController(async (e) => {
    await sourceNamespace(e, "shop");
    await put(e, "shop", [configMap("c", { v: "1" })]);
    await standardSetup(e);
    e.start();
    await synced(e);
    const uid = (await e.src.getNamespace("kube-system"))?.metadata.uid;
    assert(uid, "kube-system has a uid");
    const copy = await e.drApi.get(e.type("configmaps"), "shop-dr", "c");
    assertEquals(copy?.metadata.labels?.["drsyncer.io/source-cluster"], uid);
    const ns = await e.drApi.getNamespace("shop-dr");
    assertEquals(ns?.metadata.labels?.["drsyncer.io/source-cluster"], uid);
  });
});
