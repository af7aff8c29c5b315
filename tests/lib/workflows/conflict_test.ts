// Found against real clusters: the deployment controller updates a Deployment right after a
// sync writes it, so promote's write of the listed object met a 409 Conflict and the workload
// stayed parked ("1 workload changed" on every re-run). A concurrent update is made here by
// hand between planning and writing, in both worlds.
import { assertEquals } from "../../assert.ts";
import { applyShapes, planShapes } from "../../../lib/workflows/workloads.ts";
import { unparkCopy } from "../../../lib/sync/transforms/unpark.ts";
import { cli, deployment, seed, spec, withTwoClusters } from "./fixtures.ts";

Deno.test("promote: a workload updated by someone else meanwhile is re-read and still promoted", async () => {
  await withTwoClusters(async (t) => {
    await seed(t.src, t, "shop", [deployment("api", 3)]);
    const sync = await cli(t, [
      "sync",
      "--from",
      "$SRC",
      "--to",
      "$DR",
      "--namespace",
      "shop:shop-dr",
    ]);
    assertEquals(sync.code, 0, sync.stderr);
    const plan = await planShapes(t.drApi, "shop-dr", {
      leaveAlone: () => undefined,
      shape: unparkCopy,
    });
    const deps = t.type("deployments", "apps");
    // Someone else's update; on a real cluster the deployment controller may
    // be writing the same object, so this update retries its own 409s.
    for (let attempt = 1;; attempt++) {
      const live = (await t.drApi.get(deps, "shop-dr", "api"))!;
      try {
        await t.drApi.replace(deps, {
          ...live,
          metadata: {
            ...live.metadata,
            annotations: {
              ...live.metadata.annotations,
              "deployment.kubernetes.io/revision": "1",
            },
          },
        });
        break;
      } catch (e) {
        if ((e as { code?: number }).code !== 409 || attempt >= 5) throw e;
      }
    }
    const rows = await applyShapes(t.drApi, plan, false);
    assertEquals(rows.map((r) => [r.name, r.result, r.message]), [
      ["api", "done", undefined],
    ]);
    const after = (await t.drApi.get(deps, "shop-dr", "api"))!;
    assertEquals(spec(after).replicas, 3);
    assertEquals(
      after.metadata.annotations?.["deployment.kubernetes.io/revision"],
      "1",
      "the concurrent change is kept",
    );
  });
});
