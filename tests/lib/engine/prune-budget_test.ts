/**
 * The hourly prune budget keeps its memory (drsyncer.io/prune-history) on a
 * DR namespace we did not create too: a platform team's pre-made namespace
 * is written into but never adopted, and without the record a restarted
 * controller (fresh prune state) would spend the budget again.
 */
import "../../../lib/preload.ts";
import { assert, assertEquals } from "../../assert.ts";
import {
  configMap,
  engineInput,
  pass,
  seed,
  withTwoClusters,
} from "./fixtures.ts";

const HISTORY = "drsyncer.io/prune-history";
const OWNER = "drsyncer.io/replication";

for (const conflictPolicy of ["Abort", "Adopt"] as const) {
  Deno.test(`engine: the prune budget is remembered on a pre-existing DR namespace (${conflictPolicy})`, async () => {
    await withTwoClusters(async (t) => {
      const names = Array.from({ length: 20 }, (_, i) => `c${i}`);
      await seed(t.src, t, "shop", names.map((n) => configMap(n, {})));
      await seed(t.drApi, t, "shop-dr", [], { team: "platform" });
      const spec = {
        conflictPolicy,
        pruneSafety: { delay: "0s", maxDeletesPerHour: 3 },
      };
      assertEquals((await pass(engineInput(t, spec))).counts.failed, 0);
      const cm = t.type("configmaps");
      for (const n of ["c1", "c2", "c3"]) await t.src.remove(cm, "shop", n);
      assertEquals((await pass(engineInput(t, spec))).counts.deleted, 3);
      const ns = await t.drApi.getNamespace("shop-dr");
      assert(ns?.metadata.annotations?.[HISTORY], "history recorded");
      if (conflictPolicy === "Abort") {
        const { [OWNER]: owner, team } = ns?.metadata.labels ?? {};
        assertEquals([owner, team], [undefined, "platform"], "not adopted");
      }

      // A fresh prune state, as after a restart: only the namespace remembers.
      for (const n of ["c4", "c5"]) await t.src.remove(cm, "shop", n);
      const next = await pass(engineInput(t, spec));
      assertEquals(next.counts.deleted, 0);
      assertEquals(next.prune?.blocked?.reason, "BudgetExceeded");
      assert(await t.drApi.get(cm, "shop-dr", "c4"), "c4 kept");
    });
  });
}
