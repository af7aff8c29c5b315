import "../../lib/preload.ts";
import type { KubeObject } from "../../lib/sync/types.ts";
import { assert, assertEquals } from "../assert.ts";
import { configMap, deployment } from "../lib/engine/fixtures.ts";
import {
  conditionOf,
  standardSetup,
  statusOf,
  until,
  withController,
} from "./harness.ts";

Deno.test("controller: Continuous mode copies a namespace and keeps it in step", async () => {
  await withController(async (e) => {
    await e.src.create(e.type("namespaces"), {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: "shop" },
    });
    const cm = e.type("configmaps");
    const deps = e.type("deployments", "apps");
    await e.src.create(deps, {
      ...deployment("api", 3),
      metadata: { name: "api", namespace: "shop", labels: { app: "api" } },
    });
    await e.src.create(cm, {
      ...configMap("settings", { a: "1" }),
      metadata: { name: "settings", namespace: "shop" },
    });
    await standardSetup(e);
    e.start();
    await until("RemoteCluster ready", async () => {
      const rc = await e.getOwn("RemoteCluster", "dr");
      return conditionOf((rc?.status ?? {}) as Record<string, unknown>, "Ready")
        ?.status === "True";
    });
    await until(
      "first sync",
      async () => (await statusOf(e)).phase === "Synced",
    ).catch(async (err) => {
      console.log(
        JSON.stringify(await statusOf(e), null, 1),
        e.logs.join("\n"),
      );
      throw err;
    });
    const copy = await e.drApi.get(deps, "shop-dr", "api");
    assertEquals((copy?.spec as { replicas: number }).replicas, 0);
    assertEquals(
      copy?.metadata.annotations?.["drsyncer.io/original-replicas"],
      "3",
    );

    // A change reaches DR through the fast path.
    const live = await e.src.get(cm, "shop", "settings");
    await e.src.replace(cm, { ...live!, data: { a: "2" } });
    await until(
      "change propagated",
      async () =>
        dataOf(await e.drApi.get(cm, "shop-dr", "settings")).a === "2",
    );

    // Drift on DR is reverted.
    const drCopy = await e.drApi.get(cm, "shop-dr", "settings");
    await e.drApi.replace(cm, { ...drCopy!, data: { a: "drift" } });
    await until(
      "drift reverted",
      async () =>
        dataOf(await e.drApi.get(cm, "shop-dr", "settings")).a === "2",
    );

    // A deleted source object is pruned.
    await e.src.remove(cm, "shop", "settings");
    await until(
      "pruned",
      async () => (await e.drApi.get(cm, "shop-dr", "settings")) === undefined,
    );
    const status = await statusOf(e);
    assert(conditionOf(status, "Ready"));
  });
});

function dataOf(o: KubeObject | undefined): Record<string, string> {
  return (o?.data ?? {}) as Record<string, string>;
}
