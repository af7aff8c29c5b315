/**
 * `dr-syncer sync` end to end: the controller's engine run once, its plan
 * as a table and as JSON, nothing written in a dry run (request counters),
 * stable ownership, immediate but guarded prune, progress on terminals.
 */
import "../../../lib/preload.ts";
import { assert, assertEquals, assertMatch } from "../../assert.ts";
import { CRDS } from "../../../crds/mod.ts";
import type { KubeObject } from "../../../lib/sync/types.ts";
import {
  cli,
  configMap,
  deployment,
  engineInput,
  live,
  pass,
  recordingIo,
  seed,
  spec,
  withTwoClusters,
  WRITES,
} from "./fixtures.ts";

const SYNC = [
  "sync",
  "--from",
  "$SRC",
  "--to",
  "$DR",
  "--namespace",
  "shop:shop-dr",
];
const OWNER = "drsyncer.io/replication";

Deno.test("sync: copies the namespace as cli.<source>, a re-run writes nothing", async () => {
  await withTwoClusters(async (t) => {
    await seed(t.src, t, "shop", [
      deployment("api", 3),
      configMap("c", { k: "v" }),
    ]);
    const first = await cli(t, SYNC);
    assertEquals(first.code, 0, first.stderr);
    const dep = await live(t, "drApi", "deployments", "shop-dr", "api");
    assertEquals(dep.metadata.labels?.[OWNER], "cli.shop");
    assertEquals(spec(dep).replicas, 0);
    assertMatch(first.stdout, /create\s+Deployment\s+api\s+done/);
    // The DR cluster's own default ServiceAccount is not ours: with no
    // imagePullSecrets to merge it is left as it is (engine rule).
    assertMatch(first.stdout, /owner cli\.shop\): 2 created, 0 updated/);

    t.dr.counters.reset();
    const again = await cli(t, SYNC);
    assertEquals(again.code, 0);
    assertEquals(t.dr.counters.total(WRITES), 0);
    assertMatch(again.stdout, /0 created, 0 updated, 0 deleted, 3 unchanged/);
  });
});

Deno.test("sync: --dry-run prints ACTION KIND NAME REASON and writes nothing", async () => {
  await withTwoClusters(async (t) => {
    await seed(t.src, t, "shop", [deployment("api", 3), configMap("c", {})]);
    t.dr.counters.reset();
    const r = await cli(t, [...SYNC, "--dry-run"]);
    assertEquals(r.code, 0, r.stderr);
    assertEquals(t.dr.counters.total(WRITES), 0);
    const lines = r.stdout.split("\n");
    assertMatch(lines[0], /^ACTION\s+KIND\s+NAME\s+REASON$/);
    assertMatch(lines[1], /^create\s+Namespace\s+shop-dr$/);
    assert(lines.some((l) => /^create\s+Deployment\s+api$/.test(l)), r.stdout);
    assertMatch(r.stdout, /2 would be created.*\(dry run: nothing written\)/);
    assertEquals(await t.drApi.getNamespace("shop-dr"), undefined);
  });
});

Deno.test("sync: -o json has the documented stable shape", async () => {
  await withTwoClusters(async (t) => {
    await seed(t.src, t, "shop", [configMap("c", {})]);
    await cli(t, SYNC);
    await t.src.replace(t.type("configmaps"), {
      ...await live(t, "src", "configmaps", "shop", "c", ""),
      data: { changed: "yes" },
    });
    const r = await cli(t, [...SYNC, "--dry-run", "-o", "json"]);
    assertEquals(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assertEquals(Object.keys(doc), [
      "source",
      "destination",
      "owner",
      "dryRun",
      "state",
      "message",
      "counts",
      "actions",
      "warnings",
    ]); // deno-fmt-ignore
    assertEquals(
      [doc.source, doc.destination, doc.owner, doc.dryRun, doc.state],
      ["shop", "shop-dr", "cli.shop", true, "Synced"],
    );
    const cm = doc.actions.find((a: { name: string }) => a.name === "c");
    assertEquals(cm, {
      action: "update",
      kind: "ConfigMap",
      namespace: "shop-dr",
      name: "c",
      status: "planned",
      reason: "Drifted",
      message: cm.message,
    });
    assertEquals(doc.counts.updated, 1);
  });
});

Deno.test("sync: runs as the replication that owns the DR namespace, without conflicts", async () => {
  await withTwoClusters(async (t) => {
    await seed(t.src, t, "shop", [configMap("a", {}), configMap("b", {})]);
    await pass(engineInput(t, {})); // the controller's replication
    await t.src.remove(t.type("configmaps"), "shop", "b");
    const r = await cli(t, SYNC);
    assertEquals(r.code, 0, r.stderr);
    assertMatch(r.stdout, /owner dr-syncer-system\.shop-to-dr\): .*1 deleted/);
    const a = await live(t, "drApi", "configmaps", "shop-dr", "a", "");
    assertEquals(a.metadata.labels?.[OWNER], "dr-syncer-system.shop-to-dr");
  });
});

Deno.test("sync: prunes at once, but a mass deletion needs --allow-mass-prune", async () => {
  await withTwoClusters(async (t) => {
    const names = ["a", "b", "c", "d", "e", "f", "g", "h"];
    await seed(t.src, t, "shop", names.map((n) => configMap(n, {})));
    await cli(t, SYNC);
    const cm = t.type("configmaps");
    await t.src.remove(cm, "shop", "a");
    const one = await cli(t, SYNC);
    assertEquals(one.code, 0, one.stderr);
    assertEquals(await t.drApi.get(cm, "shop-dr", "a"), undefined);

    for (const n of names.slice(1, 7)) await t.src.remove(cm, "shop", n);
    const held = await cli(t, SYNC);
    assertEquals(held.code, 1);
    assertMatch(held.stderr, /held back by the mass-deletion guard/);
    assert(await t.drApi.get(cm, "shop-dr", "b"), "nothing pruned while held");
    assertMatch(held.stdout, /delete\s+ConfigMap\s+b\s+blocked\s+MassDeletion/);

    const allowed = await cli(t, [...SYNC, "--allow-mass-prune"]);
    assertEquals(allowed.code, 0, allowed.stderr);
    assertEquals(await t.drApi.get(cm, "shop-dr", "b"), undefined);
    assert(await t.drApi.get(cm, "shop-dr", "h"), "the kept one stays");
  });
});

Deno.test("sync: --types limits the copy to those types", async () => {
  await withTwoClusters(async (t) => {
    await seed(t.src, t, "shop", [deployment("api", 1), configMap("c", {})]);
    const r = await cli(t, [
      ...SYNC,
      "--types",
      "configmaps",
      "--owner",
      "x.y",
    ]);
    assertEquals(r.code, 0, r.stderr);
    const c = await live(t, "drApi", "configmaps", "shop-dr", "c", "");
    assertEquals(c.metadata.labels?.[OWNER], "x.y");
    assertEquals(
      await t.drApi.get(t.type("deployments", "apps"), "shop-dr", "api"),
      undefined,
    );
  });
});

const failCases = [
  {
    name: "an unknown type is a usage error",
    argv: [...SYNC, "--types", "widgets"],
    code: 2,
    line: /^dr-syncer: sync: --types: unknown resource type "widgets"/,
  },
  {
    name: "a missing source namespace",
    argv: ["sync", "--from", "$SRC", "--to", "$DR", "--namespace", "gone"],
    code: 1,
    line: /^dr-syncer: sync: source namespace gone is missing or terminating/,
  },
];

for (const c of failCases) {
  Deno.test(`sync: one line for ${c.name}`, async () => {
    await withTwoClusters(async (t) => {
      t.dr.counters.reset();
      const r = await cli(t, c.argv);
      assertEquals([r.code, r.stdout, r.stderr.split("\n").length], [
        c.code,
        "",
        1,
      ]);
      assertMatch(r.stderr, c.line);
      assertEquals(t.dr.counters.total(WRITES), 0);
    });
  });
}

Deno.test("sync: progress is drawn on a terminal only", async () => {
  await withTwoClusters(async (t) => {
    await seed(t.src, t, "shop", [configMap("c", {})]);
    const tty = await cli(t, [...SYNC, "--dry-run"], recordingIo(true));
    const last = tty.io.raw.filter((s) => s.includes("objects")).pop();
    assertMatch(last ?? "", /shop → shop-dr: \d+\/\d+ objects$/);
    assertEquals(tty.io.raw.at(-1), "\r\x1b[2K", "line cleared at the end");
    const pipe = await cli(t, [...SYNC, "--dry-run"], recordingIo(false));
    assertEquals(pipe.io.raw, []);
  });
});

Deno.test("sync: a namespace a controller replicates is shaped by that replication's spec", async () => {
  await withTwoClusters(async (t) => {
    const crdType = t.discovery.find((d) =>
      d.resource === "customresourcedefinitions"
    )!;
    for (const crd of CRDS) {
      await t.src.create(crdType, crd as unknown as KubeObject);
    }
    await seed(t.src, t, "dr-syncer-system", []);
    // A real API server serves a new CRD's resources only once it is established.
    for (let served = false, tries = 0; !served; tries++) {
      if (tries === 300) throw new Error("our CRDs were never served");
      served = await t.src.client.requestJson(
        "/apis/drsyncer.io/v1alpha1/namespaces/dr-syncer-system/namespacereplications",
      ).then(() => true, () => false);
      if (!served) await new Promise((r) => setTimeout(r, 100));
    }
    await t.src.client.requestJson(
      "/apis/drsyncer.io/v1alpha1/namespaces/dr-syncer-system/namespacereplications",
      {
        method: "POST",
        body: {
          apiVersion: "drsyncer.io/v1alpha1",
          kind: "NamespaceReplication",
          metadata: { name: "shop-to-dr" },
          spec: {
            remoteClusterRef: { name: "dr" },
            namespaceMappingRefs: [{ name: "shop" }],
            storageClassMappings: [{ from: "fast", to: "dr-fast" }],
          },
        },
      },
    );
    const claim: KubeObject = {
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: { name: "data" },
      spec: {
        storageClassName: "fast",
        accessModes: ["ReadWriteOnce"],
        resources: { requests: { storage: "1Gi" } },
      },
    };
    await seed(t.src, t, "shop", [claim]);
    await seed(t.drApi, t, "shop-dr", [], {
      [OWNER]: "dr-syncer-system.shop-to-dr",
    });
    const r = await cli(t, SYNC);
    assertEquals(r.code, 0, r.stderr);
    const copy = await live(
      t,
      "drApi",
      "persistentvolumeclaims",
      "shop-dr",
      "data",
      "",
    );
    assertEquals(spec(copy).storageClassName, "dr-fast");
    assertEquals(copy.metadata.labels?.[OWNER], "dr-syncer-system.shop-to-dr");
  });
});
