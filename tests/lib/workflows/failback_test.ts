/**
 * failback end to end, and the full round trip sync → cutover → failback,
 * which must leave both clusters as they started, replica counts included.
 */
import "../../../lib/preload.ts";
import { assert, assertEquals, assertMatch } from "../../assert.ts";
import type { KubeObject } from "../../../lib/sync/types.ts";
import { isControllerKey } from "../../../lib/sync/compare.ts";
import {
  cli,
  configMap,
  cronJob,
  daemonSet,
  deployment,
  live,
  seed,
  spec,
  statefulSet,
  type TwoClusters,
  withTwoClusters,
  WRITES,
} from "./fixtures.ts";

const PAIR = ["--from", "$SRC", "--to", "$DR", "--namespace", "shop:shop-dr"];
const SYNC = ["sync", ...PAIR];
const CUTOVER = ["cutover", ...PAIR];
const FAILBACK = ["failback", ...PAIR];

const KINDS: [string, string][] = [
  ["deployments", "apps"],
  ["statefulsets", "apps"],
  ["daemonsets", "apps"],
  ["cronjobs", "batch"],
  ["configmaps", ""],
];

/**
 * Annotations without those the clusters' own controllers keep (a real API server bumps
 * deprecated.daemonset.template.generation on each template change, a real deployment
 * controller sets deployment.kubernetes.io/revision): counters no user writes.
 */
function userAnnotations(o: KubeObject): Record<string, string> | undefined {
  const kept = Object.entries(o.metadata.annotations ?? {}).filter(([k]) =>
    !isControllerKey(k)
  );
  return kept.length ? Object.fromEntries(kept) : undefined;
}

/** What a user would compare: spec, labels and annotations of each object. */
async function snapshot(t: TwoClusters, which: "src" | "drApi", ns: string) {
  const out: Record<string, unknown> = {};
  for (const [resource, group] of KINDS) {
    for (const o of await t[which].list(t.type(resource, group), ns)) {
      const { spec, data, metadata } = o as KubeObject & { data?: unknown };
      out[`${o.kind}/${metadata.name}`] = {
        spec,
        data,
        labels: metadata.labels,
        annotations: userAnnotations(o),
      };
    }
  }
  const nsObj = await t[which].getNamespace(ns);
  out.namespace = [nsObj?.metadata.labels, nsObj?.metadata.annotations];
  return out;
}

async function seedShop(t: TwoClusters): Promise<void> {
  await seed(t.src, t, "shop", [
    deployment("api", 3),
    deployment("idle", 0),
    statefulSet("db", 2),
    daemonSet("agent", { disk: "ssd" }),
    cronJob("nightly"),
    configMap("settings", { mode: "prod" }),
  ], { team: "shop" });
}

Deno.test("failback: the round trip sync → cutover → failback leaves both sides as they started", async () => {
  await withTwoClusters(async (t) => {
    await seedShop(t);
    assertEquals((await cli(t, SYNC)).code, 0);
    const source = await snapshot(t, "src", "shop");
    const dr = await snapshot(t, "drApi", "shop-dr");
    const cut = await cli(t, CUTOVER);
    assertEquals(cut.code, 0, cut.stderr);
    assert(
      JSON.stringify(await snapshot(t, "src", "shop")) !==
        JSON.stringify(source),
      "cutover changed the source",
    );
    const back = await cli(t, FAILBACK);
    assertEquals(back.code, 0, back.stderr);
    assertEquals(await snapshot(t, "src", "shop"), source);
    assertEquals(await snapshot(t, "drApi", "shop-dr"), dr);

    t.source.counters.reset();
    t.dr.counters.reset();
    const again = await cli(t, FAILBACK);
    assertEquals(again.code, 0, again.stderr);
    const resync = await cli(t, SYNC);
    assertEquals(resync.code, 0, resync.stderr);
    assertEquals(
      t.source.counters.total(WRITES) + t.dr.counters.total(WRITES),
      0,
      "a finished failback is not repeated, and DR is what a sync makes",
    );
  });
});

Deno.test("failback --sync-back: DR changes reach the source without our marks, nothing is deleted", async () => {
  await withTwoClusters(async (t) => {
    await seedShop(t);
    assertEquals((await cli(t, CUTOVER)).code, 0);
    const cm = t.type("configmaps");
    const deps = t.type("deployments", "apps");
    const sourceNs = await t.src.getNamespace("shop");
    // Life on DR during the failover.
    await t.drApi.replace(cm, {
      ...await live(t, "drApi", "configmaps", "shop-dr", "settings", ""),
      data: { mode: "dr-tuned" },
    });
    await seed(t.drApi, t, "shop-dr", [configMap("made-on-dr", { a: "1" })]);
    const drApi = await live(t, "drApi", "deployments", "shop-dr", "api");
    await t.drApi.replace(deps, {
      ...drApi,
      spec: { ...spec(drApi), replicas: 5 },
    });
    await seed(t.src, t, "shop", [configMap("source-only", {})]);

    const r = await cli(t, [...FAILBACK, "--sync-back"]);
    assertEquals(r.code, 0, r.stderr);
    const settings = await live(t, "src", "configmaps", "shop", "settings", "");
    assertEquals(settings.data, { mode: "dr-tuned" });
    const made = await live(t, "src", "configmaps", "shop", "made-on-dr", "");
    assertEquals(made.metadata.labels, undefined);
    assertEquals(made.metadata.annotations, undefined);
    const api = await live(t, "src", "deployments", "shop", "api");
    assertEquals([spec(api).replicas, userAnnotations(api)], [
      5,
      undefined,
    ]);
    assert(await t.src.get(cm, "shop", "source-only"), "never pruned");
    const nsAfter = await t.src.getNamespace("shop");
    assertEquals(nsAfter?.metadata.labels, sourceNs?.metadata.labels);
    assertEquals(nsAfter?.metadata.annotations, sourceNs?.metadata.annotations);
    const drNow = await live(t, "drApi", "deployments", "shop-dr", "api");
    assertEquals(spec(drNow).replicas, 0);

    // Done: a re-run must not sync DR's parked copies over the running source.
    t.source.counters.reset();
    t.dr.counters.reset();
    const again = await cli(t, [...FAILBACK, "--sync-back"]);
    assertEquals(again.code, 0, again.stderr);
    assertMatch(again.stderr, /not promoted: nothing to sync back/);
    assertEquals(
      t.source.counters.total(WRITES) + t.dr.counters.total(WRITES),
      0,
    );
  });
});
