/**
 * promote and demote end to end against two kube-sim clusters: every
 * parkable kind started and parked again, idempotency proven with request
 * counters, objects that are not DR copies never touched.
 */
import "../../../lib/preload.ts";
import { assertEquals, assertMatch } from "../../assert.ts";
import {
  cli,
  cronJob,
  daemonSet,
  deployment,
  live,
  NOW,
  recordingIo,
  seed,
  spec,
  statefulSet,
  type TwoClusters,
  withTwoClusters,
  WRITES,
} from "./fixtures.ts";
import { simOf, simOnly } from "../../world/shared.ts";

const SYNC = [
  "sync",
  "--from",
  "$SRC",
  "--to",
  "$DR",
  "--namespace",
  "shop:shop-dr",
];
const PROMOTE = ["promote", "--kubeconfig", "$DR", "--namespace", "shop-dr"];
const DEMOTE = ["demote", "--kubeconfig", "$DR", "--namespace", "shop-dr"];
const PROMOTED = "drsyncer.io/promoted";

/** A source namespace with every parkable kind, synced to shop-dr. */
async function synced(t: TwoClusters): Promise<void> {
  await seed(t.src, t, "shop", [
    deployment("api", 3),
    deployment("warm", 4, {
      metadata: {
        name: "warm",
        annotations: { "drsyncer.io/scale-override": "1" },
      },
    }),
    statefulSet("db", 2),
    daemonSet("agent", { disk: "ssd" }),
    cronJob("nightly"),
  ]);
  const r = await cli(t, SYNC);
  assertEquals(r.code, 0, r.stderr);
}

async function shapes(t: TwoClusters) {
  const get = (r: string, n: string, g = "apps") =>
    live(t, "drApi", r, "shop-dr", n, g);
  return {
    api: spec(await get("deployments", "api")).replicas,
    warm: spec(await get("deployments", "warm")).replicas,
    db: spec(await get("statefulsets", "db")).replicas,
    agent: spec(await get("daemonsets", "agent")).template.spec.nodeSelector,
    nightly: spec(await get("cronjobs", "nightly", "batch")).suspend,
  };
}

const STANDBY = {
  api: 0,
  warm: 1,
  db: 0,
  agent: { disk: "ssd", "drsyncer.io/standby": "true" },
  nightly: true,
};
const RUNNING = {
  api: 3,
  warm: 4,
  db: 2,
  agent: { disk: "ssd" },
  nightly: false,
};

Deno.test("promote: starts every parked copy and marks the namespace", async () => {
  await withTwoClusters(async (t) => {
    await synced(t);
    assertEquals(await shapes(t), STANDBY);
    const r = await cli(t, PROMOTE);
    assertEquals(r.code, 0, r.stderr);
    assertEquals(await shapes(t), RUNNING);
    const ns = await t.drApi.getNamespace("shop-dr");
    assertEquals(ns?.metadata.annotations?.[PROMOTED], "2026-11-26T10:00:00Z");
    assertMatch(r.stdout, /Deployment\s+api\s+replicas 0\s+replicas 3\s+done/);
    assertMatch(r.stdout, /promoted shop-dr: 5 workloads changed/);
  });
});

Deno.test("promote: a second run writes nothing and keeps the first time", async () => {
  await withTwoClusters(async (t) => {
    await synced(t);
    await cli(t, PROMOTE);
    t.dr.counters.reset();
    const later = new Date(NOW.getTime() + 3_600_000);
    const again = await cli(t, PROMOTE, recordingIo(false, later));
    assertEquals(again.code, 0);
    assertEquals(t.dr.counters.total(WRITES), 0);
    const ns = await t.drApi.getNamespace("shop-dr");
    assertEquals(ns?.metadata.annotations?.[PROMOTED], "2026-11-26T10:00:00Z");
    assertMatch(again.stdout, /0 workloads changed, 5 already so/);
  });
});

Deno.test("promote: dry run prints the changes and writes nothing", async () => {
  await withTwoClusters(async (t) => {
    await synced(t);
    t.dr.counters.reset();
    const r = await cli(t, [...PROMOTE, "--dry-run"]);
    assertEquals(r.code, 0);
    assertEquals(t.dr.counters.total(WRITES), 0);
    assertMatch(
      r.stdout,
      /StatefulSet\s+db\s+replicas 0\s+replicas 2\s+planned/,
    );
    assertEquals(await shapes(t), STANDBY);
  });
});

Deno.test("promote: objects that are not DR copies are reported, never touched", async () => {
  await withTwoClusters(async (t) => {
    await synced(t);
    await seed(t.drApi, t, "shop-dr", [deployment("dr-only", 0)]);
    const r = await cli(t, PROMOTE);
    assertEquals(r.code, 0);
    const theirs = await live(t, "drApi", "deployments", "shop-dr", "dr-only");
    assertEquals(spec(theirs).replicas, 0);
    assertMatch(r.stderr, /left alone: Deployment dr-only: not a DR copy/);
  });
});

Deno.test("demote: parks exactly as a sync would, so the next sync writes nothing", async () => {
  await withTwoClusters(async (t) => {
    await synced(t);
    await cli(t, PROMOTE);
    const r = await cli(t, DEMOTE);
    assertEquals(r.code, 0, r.stderr);
    assertEquals(await shapes(t), STANDBY);
    const ns = await t.drApi.getNamespace("shop-dr");
    assertEquals(ns?.metadata.annotations?.[PROMOTED], undefined);
    t.dr.counters.reset();
    const again = await cli(t, DEMOTE);
    assertEquals(again.code, 0);
    const resync = await cli(t, SYNC);
    assertEquals(resync.code, 0, resync.stderr);
    assertEquals(t.dr.counters.total(WRITES), 0);
  });
});

const badCases = [
  {
    name: "a namespace that does not exist",
    argv: ["promote", "--kubeconfig", "$DR", "--namespace", "nope"],
    line: "dr-syncer: promote: namespace nope does not exist in the DR cluster",
  },
  {
    name: "a namespace without DR copies",
    argv: ["demote", "--kubeconfig", "$DR", "--namespace", "plain"],
    line: "dr-syncer: demote: namespace plain holds no DR copies " +
      "(nothing labelled drsyncer.io/replication); nothing to demote",
  },
];

for (const c of badCases) {
  Deno.test(`promote/demote: one line and exit 1 for ${c.name}`, async () => {
    await withTwoClusters(async (t) => {
      await seed(t.drApi, t, "plain", [deployment("x", 1)]);
      t.dr.counters.reset();
      const r = await cli(t, c.argv);
      assertEquals([r.code, r.stderr, r.stdout], [1, c.line, ""]);
      assertEquals(t.dr.counters.total(WRITES), 0);
    });
  });
}

Deno.test(
  "promote: credentials that may not write end in one line, exit 1",
  simOnly("mints a token with ad-hoc rules (createToken)", async () => {
    await withTwoClusters(async (t) => {
      await synced(t);
      const token = simOf(t).dr.createToken({
        name: "viewer",
        rules: [{ verbs: ["get", "list"], apiGroups: ["*"], resources: ["*"] }],
      });
      const path = t.dr.kubeconfigPath.replace(/dr\.kubeconfig$/, "viewer.kc");
      await Deno.writeTextFile(path, t.dr.kubeconfigFor(token));
      const r = await cli(t, [
        "promote",
        "--kubeconfig",
        path,
        "--namespace",
        "shop-dr",
      ]);
      assertEquals([r.code, r.stdout], [1, ""]);
      assertMatch(
        r.stderr,
        /^dr-syncer: promote: Forbidden: namespaces "shop-dr" is forbidden: User "viewer" cannot update/,
      );
      assertEquals(await shapes(t), STANDBY);
    });
  }),
);
