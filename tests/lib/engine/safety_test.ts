/**
 * Engine safety rules against two simulated clusters: a failed DR read is
 * not an empty namespace.
 */
import "../../../lib/preload.ts";
import { assert, assertEquals } from "../../assert.ts";
import type { ApiResource } from "../../../lib/sync/types.ts";
import { promoteNamespace } from "../../../lib/workflows/standby.ts";
import {
  configMap,
  deployment,
  engineInput,
  pass,
  seed,
  withTwoClusters,
} from "./fixtures.ts";

const WRITES = {
  verbs: ["create", "update", "patch", "delete", "deletecollection"],
};

Deno.test("engine: a failed DR list stops the namespace's pass: nothing created over it, nothing pruned", async () => {
  await withTwoClusters(async (t) => {
    await seed(
      t.src,
      t,
      "shop",
      ["a", "b", "c", "d", "e", "f"].map((n) => configMap(n, { v: "1" })),
    );
    const input = engineInput(t, {});
    await pass(input);
    await t.src.remove(t.type("configmaps"), "shop", "a");
    await seed(t.src, t, "shop", [configMap("new", { v: "1" })]);
    const healthy = input.dr;
    input.dr = {
      getNamespace: (name) => healthy.getNamespace(name),
      list: (type: ApiResource, ns: string) =>
        type.resource === "configmaps"
          ? Promise.reject(new Error("connection reset by peer"))
          : healthy.list(type, ns),
    };
    const before = t.dr.counters.total(WRITES);
    const result = await pass(input);
    assertEquals(result.state, "DestinationUnavailable");
    assert(
      result.message?.includes(
        "cannot list configmaps in DR namespace shop-dr",
      ),
      result.message,
    );
    assertEquals(t.dr.counters.total(WRITES) - before, 0, "no DR writes");
    assert(await t.drApi.get(t.type("configmaps"), "shop-dr", "a"), "kept");

    input.dr = healthy;
    const again = await pass(input);
    assertEquals(again.state, "Synced");
    assertEquals(again.counts.deleted, 1);
  });
});

Deno.test("engine: two source clusters sharing a DR namespace never update or prune each other's copies", async () => {
  await withTwoClusters(async (t) => {
    const cm = t.type("configmaps");
    await seed(t.src, t, "shop", [
      configMap("a", { from: "cluster-a" }),
      configMap("b", { from: "cluster-a" }),
    ]);
    const a = engineInput(t, {});
    a.settings = { ...a.settings, sourceCluster: "uid-a" };
    await pass(a);
    const copyA = await t.drApi.get(cm, "shop-dr", "a");
    assertEquals(
      copyA?.metadata.labels?.["drsyncer.io/source-cluster"],
      "uid-a",
    );
    const drNs = await t.drApi.getNamespace("shop-dr");
    assertEquals(
      drNs?.metadata.labels?.["drsyncer.io/source-cluster"],
      "uid-a",
    );

    // Cluster B: the same replication name, other content, no "b".
    await seed(t.src, t, "shop-b", [configMap("a", { from: "cluster-b" })]);
    const b = engineInput(t, {}, { source: "shop-b", destination: "shop-dr" });
    b.settings = { ...b.settings, sourceCluster: "uid-b" };
    const result = await pass(b);
    const conflict = result.outcomes.find((o) => o.name === "a");
    assertEquals(conflict?.reason, "OwnedByOtherSourceCluster");
    assertEquals((await t.drApi.get(cm, "shop-dr", "a"))?.data, {
      from: "cluster-a",
    });
    assert(await t.drApi.get(cm, "shop-dr", "b"), "B pruned A's copy");
    assertEquals(result.counts.deleted, 0);
  });
});

Deno.test("promote and demote leave another source cluster's copies alone", async () => {
  await withTwoClusters(async (t) => {
    await seed(t.src, t, "shop", [deployment("web", 3)]);
    const a = engineInput(t, {});
    a.settings = { ...a.settings, sourceCluster: "uid-a" };
    await pass(a);
    const deploys = t.type("deployments", "apps");
    const ours = await t.drApi.get(deploys, "shop-dr", "web");
    // The same copy as cluster B would have made it.
    await t.drApi.create(deploys, {
      ...ours!,
      metadata: {
        name: "web-b",
        namespace: "shop-dr",
        labels: {
          ...ours!.metadata.labels,
          "drsyncer.io/source-cluster": "uid-b",
        },
        annotations: ours!.metadata.annotations,
      },
    });
    const r = await promoteNamespace(t.drApi, "shop-dr", {
      dryRun: false,
      now: new Date(),
    });
    assert(r.ok);
    const replicas = async (name: string) =>
      ((await t.drApi.get(deploys, "shop-dr", name))?.spec as {
        replicas: number;
      }).replicas;
    assertEquals(await replicas("web"), 3, "ours started");
    assertEquals(await replicas("web-b"), 0, "cluster B's copy left parked");
    assert(
      r.value.plan.leftAlone.some((x) => x.name === "web-b"),
      JSON.stringify(r.value.plan.leftAlone),
    );
  });
});
