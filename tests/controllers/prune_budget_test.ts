/**
 * pruneSafety.maxDeletesPerHour end to end: deletions trickling in below
 * the fraction guard are blocked as a whole once the hour's budget is
 * spent, with PruneBlocked and a Warning Event; the budget's memory survives
 * a controller restart; the allow-mass-prune token releases the block.
 */
import "../../lib/preload.ts";
import { assert, assertEquals } from "../assert.ts";
import { configMap } from "../lib/engine/fixtures.ts";
import {
  conditionOf,
  type E2e,
  eventFor,
  put,
  sourceNamespace,
  standardSetup,
  statusOf,
  synced,
  until,
  withController,
} from "./harness.ts";

const ALLOW = "drsyncer.io/allow-mass-prune";
const SPEC = {
  pruneSafety: { delay: "0s", maxDeletesPerHour: 3 },
};

async function drNames(e: E2e): Promise<string[]> {
  const items = await e.drApi.list(e.type("configmaps"), "shop-dr");
  return items.map((o) => o.metadata.name).filter((n) => n.startsWith("c"));
}

async function deleteSource(e: E2e, names: string[]): Promise<void> {
  for (const n of names) await e.src.remove(e.type("configmaps"), "shop", n);
}

Deno.test("controller: maxDeletesPerHour blocks a trickle of prunes as a whole, remembers across a restart, and the token releases it", async () => {
  await withController(async (e) => {
    await sourceNamespace(e, "shop");
    const names = Array.from({ length: 40 }, (_, i) => `c${i}`);
    await put(e, "shop", names.map((n) => configMap(n, { n })));
    await standardSetup(e, SPEC);
    e.start();
    await synced(e);

    // 3 of 40: under the fraction guard, exactly the budget of 3.
    await deleteSource(e, ["c1", "c2", "c3"]);
    await until("3 pruned", async () => (await drNames(e)).length === 37);
    await synced(e);

    // Any more in the same hour is over the budget: none of them goes.
    await deleteSource(e, ["c4", "c5", "c6"]);
    await until(
      "budget blocks",
      async () =>
        conditionOf(await statusOf(e), "PruneBlocked")?.reason ===
          "BudgetExceeded",
    );
    assertEquals(
      (await eventFor(e, "shop-to-dr", "PruneBlocked")).type,
      "Warning",
    );
    for (const n of ["c4", "c5", "c6"]) {
      assert((await drNames(e)).includes(n), `${n} was pruned`);
    }

    // A restart forgets everything in memory; the DR namespace remembers.
    const before = (await statusOf(e)).lastSyncTime;
    // Status times have one-second resolution: the pass after the restart
    // must land in a later second to be told apart from the last one.
    await new Promise((r) => setTimeout(r, 1100));
    await e.stopController();
    e.start();
    await until(
      "a pass after the restart",
      async () => (await statusOf(e)).lastSyncTime !== before,
    );
    await synced(e, "shop-to-dr", "Degraded");
    assertEquals(
      conditionOf(await statusOf(e), "PruneBlocked")?.reason,
      "BudgetExceeded",
    );
    assertEquals((await drNames(e)).length, 37, "still nothing pruned");

    await standardSetup(e, SPEC, { [ALLOW]: "yes-1" });
    await until("released", async () => (await drNames(e)).length === 34);
    await until(
      "unblocked",
      async () =>
        conditionOf(await statusOf(e), "PruneBlocked")?.status === "False",
    );
  });
});
