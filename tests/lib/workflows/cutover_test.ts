/**
 * cutover end to end: the final sync, the source parked with its counts on
 * the source objects, DR promoted; the abort path leaves the source
 * untouched; an interrupted run is finished by running it again.
 */
import "../../../lib/preload.ts";
import { assertEquals, assertMatch } from "../../assert.ts";
import {
  cli,
  cronJob,
  deployment,
  live,
  seed,
  spec,
  statefulSet,
  type TwoClusters,
  withTwoClusters,
  WRITES,
} from "./fixtures.ts";
import { simOf, simOnly } from "../../world/shared.ts";

const CUTOVER = [
  "cutover",
  "--from",
  "$SRC",
  "--to",
  "$DR",
  "--namespace",
  "shop:shop-dr",
]; // deno-fmt-ignore
const ORIGINAL = "drsyncer.io/original-replicas";
const PROMOTED = "drsyncer.io/promoted";

async function seedShop(t: TwoClusters): Promise<void> {
  await seed(t.src, t, "shop", [
    deployment("api", 3),
    deployment("warm", 4, {
      metadata: {
        name: "warm",
        annotations: { "drsyncer.io/scale-override": "1" },
      },
    }),
    deployment("local-tool", 2, {
      metadata: {
        name: "local-tool",
        labels: { "drsyncer.io/ignore": "true" },
      },
    }),
    statefulSet("db", 2),
    cronJob("nightly"),
  ]);
}

async function side(t: TwoClusters, which: "src" | "drApi", ns: string) {
  const dep = (n: string) => live(t, which, "deployments", ns, n);
  const api = await dep("api");
  return {
    api: [spec(api).replicas, api.metadata.annotations?.[ORIGINAL]],
    warm: spec(await dep("warm")).replicas,
    db: spec(await live(t, which, "statefulsets", ns, "db")).replicas,
    nightly: spec(await live(t, which, "cronjobs", ns, "nightly", "batch"))
      .suspend,
  };
}

Deno.test("cutover: source parked with its counts recorded, DR running; a re-run writes nothing", async () => {
  await withTwoClusters(async (t) => {
    await seedShop(t);
    const r = await cli(t, CUTOVER);
    assertEquals(r.code, 0, r.stderr);
    assertEquals(await side(t, "src", "shop"), {
      api: [0, "3"],
      warm: 0, // a handed-over source stops whatever its override says
      db: 0,
      nightly: true,
    });
    assertEquals(await side(t, "drApi", "shop-dr"), {
      api: [3, "3"],
      warm: 4,
      db: 2,
      nightly: false,
    });
    const tool = await live(t, "src", "deployments", "shop", "local-tool");
    assertEquals(spec(tool).replicas, 2, "never copied, so never parked");
    const ns = await t.drApi.getNamespace("shop-dr");
    assertEquals(ns?.metadata.annotations?.[PROMOTED], "2026-11-26T10:00:00Z");
    assertMatch(
      r.stdout,
      /cutover shop → shop-dr complete: 4 source workloads parked/,
    );

    t.source.counters.reset();
    t.dr.counters.reset();
    const again = await cli(t, CUTOVER);
    assertEquals(again.code, 0, again.stderr);
    assertEquals(
      t.source.counters.total(WRITES) + t.dr.counters.total(WRITES),
      0,
    );
    assertEquals((await side(t, "src", "shop")).api, [0, "3"]);
  });
});

Deno.test(
  "cutover: a failing final sync aborts before the source is touched",
  simOnly("needs injected API errors (faults.failNext)", async () => {
    await withTwoClusters(async (t) => {
      await seedShop(t);
      t.source.counters.reset();
      simOf(t).dr.faults.failNext(1, 500, undefined, {
        verbs: ["create"],
        resources: ["deployments"],
      });
      const r = await cli(t, CUTOVER);
      assertEquals(r.code, 1);
      assertMatch(
        r.stderr,
        /^dr-syncer: cutover: final sync failed for 1 object; cutover aborted, source untouched$/m,
      );
      assertEquals(t.source.counters.total(WRITES), 0);
      assertEquals((await side(t, "src", "shop")).api, [3, undefined]);
      const ns = await t.drApi.getNamespace("shop-dr");
      assertEquals(ns?.metadata.annotations?.[PROMOTED], undefined);
    });
  }),
);

Deno.test(
  "cutover: an interrupted run is finished by running it again",
  simOnly("needs injected API errors (faults.failNext)", async () => {
    await withTwoClusters(async (t) => {
      await seedShop(t);
      // Promote's writes fail (all client retries included).
      simOf(t).dr.faults.failNext(8, 503, 0, {
        verbs: ["update"],
        resources: ["deployments"],
      });
      const broken = await cli(t, CUTOVER);
      assertEquals(broken.code, 1);
      assertMatch(broken.stderr, /re-run to finish$/);
      assertEquals((await side(t, "src", "shop")).api, [0, "3"]);
      assertEquals((await side(t, "drApi", "shop-dr")).api, [0, "3"]);

      simOf(t).dr.faults.clear();
      const finished = await cli(t, CUTOVER);
      assertEquals(finished.code, 0, finished.stderr);
      assertMatch(finished.stderr, /already promoted: final sync skipped/);
      assertEquals((await side(t, "src", "shop")).api, [0, "3"]);
      assertEquals((await side(t, "drApi", "shop-dr")).api, [3, "3"]);
    });
  }),
);
