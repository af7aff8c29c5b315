/**
 * Same-named DR objects we did not create (conflictPolicy Abort vs Adopt)
 * and immutable changes (Recreate), end to end with their Events.
 */
import "../../lib/preload.ts";
import type { KubeObject } from "../../lib/sync/types.ts";
import { assert, assertEquals } from "../assert.ts";
import { configMap, deployment } from "../lib/engine/fixtures.ts";
import {
  eventFor,
  put,
  sourceNamespace,
  standardSetup,
  statusOf,
  synced,
  until,
  withController,
} from "./harness.ts";

const OWNER_LABEL = "drsyncer.io/replication";

Deno.test("controller: conflictPolicy Abort leaves a foreign object alone with a Conflict Event; Adopt takes it over", async () => {
  await withController(async (e) => {
    const cm = e.type("configmaps");
    await sourceNamespace(e, "shop");
    await put(e, "shop", [configMap("ours", { v: "1" })]);
    await standardSetup(e);
    e.start();
    await synced(e);
    await e.drApi.create(cm, {
      ...configMap("clash", { made: "by hand" }),
      metadata: { name: "clash", namespace: "shop-dr" },
    });
    await put(e, "shop", [configMap("clash", { v: "source" })]);

    const event = await eventFor(e, "shop-to-dr", "Conflict");
    assertEquals(event.type, "Warning");
    // Named in the DR namespace, where the object in the way is.
    assert(event.message.includes("shop-dr/clash"), event.message);
    let failure: { name: string; message: string } | undefined;
    await until("conflict in status", async () => {
      const failures = (await statusOf(e)).failures as typeof failure[];
      failure = failures?.find((f) => f?.name === "clash");
      return failure !== undefined;
    });
    assert(failure!.message.includes("shop-dr/clash"), failure!.message);
    const kept = await e.drApi.get(cm, "shop-dr", "clash");
    assertEquals(kept?.data, { made: "by hand" });
    assertEquals(kept?.metadata.labels?.[OWNER_LABEL], undefined);

    await standardSetup(e, { conflictPolicy: "Adopt" });
    await synced(e);
    const adopted = await e.drApi.get(cm, "shop-dr", "clash");
    assertEquals(adopted?.data, { v: "source" });
    assertEquals(
      adopted?.metadata.labels?.[OWNER_LABEL],
      "dr-syncer-system.shop-to-dr",
    );
  });
});

function selectorOf(o: KubeObject | undefined): unknown {
  // Undefined while a recreate has deleted the copy and not yet made it anew.
  return (o?.spec as { selector: unknown } | undefined)?.selector;
}

Deno.test("controller: an immutable change recreates the DR copy with a Recreated Event", async () => {
  await withController(async (e) => {
    const deps = e.type("deployments", "apps");
    await sourceNamespace(e, "shop");
    await put(e, "shop", [deployment("api", 2)]);
    // A long prune delay: the source re-creation below must not prune.
    await standardSetup(e, { pruneSafety: { delay: "60s" } });
    e.start();
    await synced(e);
    const before = await e.drApi.get(deps, "shop-dr", "api");

    // The selector is immutable: the source side re-creates the Deployment.
    await e.src.remove(deps, "shop", "api");
    const relabelled = deployment("api", 2);
    const labels = { app: "api", track: "v2" };
    await put(e, "shop", [{
      ...relabelled,
      metadata: { name: "api", labels },
      spec: {
        ...(relabelled.spec as Record<string, unknown>),
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: { containers: [{ name: "c", image: "nginx:1.27" }] },
        },
      },
    }]);
    await until(
      "recreated",
      async () =>
        JSON.stringify(
          selectorOf(await e.drApi.get(deps, "shop-dr", "api")) ?? null,
        )
          .includes("v2"),
    );
    const after = await e.drApi.get(deps, "shop-dr", "api");
    assert(after?.metadata.uid !== before?.metadata.uid, "a new object");
    assertEquals((after?.spec as { replicas: number }).replicas, 0);
    const event = await eventFor(e, "shop-to-dr", "Recreated");
    assert(event.message.includes("Deployment/api"), event.message);
  });
});
