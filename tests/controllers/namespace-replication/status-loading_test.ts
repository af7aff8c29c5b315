/**
 * A pass that starts before its watch caches have loaded sees only part of
 * the source: at scale (1,000 namespaces, two sharded replicas) such passes
 * reported Synced while objects had no DR copy yet. Now the pass is
 * Syncing with reason CachesLoading, is retried soon, and the retry copies
 * the rest and is Synced.
 */
import "../../../lib/preload.ts";
import { assert, assertEquals } from "../../assert.ts";
import { configMap } from "../../lib/engine/fixtures.ts";
import { findCondition } from "../../../lib/conditions.ts";
import type { Condition } from "../../../lib/api/v1alpha1.ts";
import {
  put,
  simOf,
  simOnly,
  sourceNamespace,
  standardSetup,
  statusOf,
  synced,
  until,
  withController,
} from "../harness.ts";

Deno.test(
  "status: a pass before the watch caches loaded is Syncing (CachesLoading), and the retry copies everything",
  simOnly("needs failing list requests (faults.failNext)", async () => {
    await withController(async (e) => {
      await sourceNamespace(e, "shop");
      await put(e, "shop", [configMap("a", { v: "1" }), configMap("b", {})]);
      await standardSetup(e);
      // The source ConfigMap list fails until the test saw the pass: that
      // cache loads late, however slow the machine.
      simOf(e).source.faults.failNext(10_000, 500, undefined, {
        verbs: ["list"],
        resources: ["configmaps"],
      });
      e.start();
      let seen: Record<string, unknown> = {};
      await until("a pass while the ConfigMap cache loads", async () => {
        seen = await statusOf(e);
        const c = findCondition(seen.conditions as Condition[], "Synced");
        return c?.reason === "CachesLoading";
      }, 20_000);
      assertEquals(seen.phase, "Syncing");
      const ready = findCondition(seen.conditions as Condition[], "Ready");
      assertEquals([ready?.status, ready?.reason], ["False", "CachesLoading"]);
      assert(
        String(ready?.message).includes("source configmaps"),
        String(ready?.message),
      );
      assertEquals(seen.lastSuccessfulSyncTime, undefined);
      simOf(e).source.faults.clear();
      await synced(e, "shop-to-dr", "Synced", 30_000);
      const cm = e.type("configmaps");
      assert(await e.drApi.get(cm, "shop-dr", "a"), "a copied by the retry");
      assert(await e.drApi.get(cm, "shop-dr", "b"), "b copied by the retry");
    }, {
      replication: {
        cacheSyncTimeoutMs: 300,
        informers: {
          watchdogMs: 60_000,
          backoff: { initialMs: 400, maxMs: 800, jitter: 0 },
        },
      },
    });
  }),
);
