import { simOnly } from "../../world/shared.ts";
/**
 * The sync engine end to end: real client-node over HTTPS against two
 * kube-sim clusters, every copy rule observed on the DR side.
 */
import "../../../lib/preload.ts";
import { assert, assertEquals } from "../../assert.ts";
import { NAMESPACES } from "../../../lib/engine/ports.ts";
import type { ApiResource, KubeObject } from "../../../lib/sync/types.ts";
import {
  configMap,
  deployment,
  engineInput,
  pass,
  pluralOf,
  seed,
  withTwoClusters,
} from "./fixtures.ts";

const WRITES = { verbs: ["create", "update", "patch", "delete"] };

const service = {
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: "api" },
  spec: {
    type: "NodePort",
    selector: { app: "api" },
    ports: [{ name: "http", port: 80, targetPort: 8080, nodePort: 30080 }],
  },
};

Deno.test("engine: first sync copies the namespace with every rule applied", async () => {
  await withTwoClusters(async (t) => {
    await seed(t.src, t, "shop", [
      deployment("api", 3),
      service,
      configMap("settings", { a: "1" }),
      configMap("skipme", { a: "1" }, { "drsyncer.io/ignore": "true" }),
    ], { team: "shop" });
    const result = await pass(engineInput(t, {}));
    assertEquals(result.state, "Synced");
    assertEquals(
      result.counts.failed,
      0,
      JSON.stringify(result.outcomes.filter((o) => o.status === "failed")),
    );

    const ns = await t.drApi.getNamespace("shop-dr");
    assertEquals(
      ns?.metadata.labels?.["drsyncer.io/replication"],
      "dr-syncer-system.shop-to-dr",
    );
    assertEquals(ns?.metadata.labels?.team, "shop");

    const dep = await t.drApi.get(
      t.type("deployments", "apps"),
      "shop-dr",
      "api",
    );
    assertEquals((dep?.spec as { replicas: number }).replicas, 0);
    assertEquals(
      dep?.metadata.annotations?.["drsyncer.io/original-replicas"],
      "3",
    );
    assertEquals(dep?.metadata.annotations?.["drsyncer.io/source"], "shop/api");

    const svc = await t.drApi.get(t.type("services"), "shop-dr", "api");
    const svcSpec = svc?.spec as {
      clusterIP: string;
      ports: { nodePort: number }[];
    };
    assertEquals(svcSpec.ports[0].nodePort, 30080);
    assert(
      svcSpec.clusterIP && svcSpec.clusterIP !== "None",
      "DR allocates its own clusterIP",
    );

    assert(await t.drApi.get(t.type("configmaps"), "shop-dr", "settings"));
    assertEquals(
      await t.drApi.get(t.type("configmaps"), "shop-dr", "skipme"),
      undefined,
    );
    // Made by the DR cluster itself, never copied over it.
    const rootCa = await t.drApi.get(
      t.type("configmaps"),
      "shop-dr",
      "kube-root-ca.crt",
    );
    assertEquals(
      rootCa?.metadata.labels?.["drsyncer.io/replication"],
      undefined,
    );
  });
});

Deno.test("engine: a second sync with nothing changed writes nothing to DR", async () => {
  await withTwoClusters(async (t) => {
    await seed(t.src, t, "shop", [
      deployment("api", 2),
      service,
      configMap("c", { k: "v" }),
    ]);
    const input = engineInput(t, {});
    await pass(input);
    t.dr.counters.reset();
    const again = await pass(input);
    assertEquals(t.dr.counters.total(WRITES), 0);
    assertEquals(again.counts.inSync, again.counts.desired);
    assertEquals(again.counts.created + again.counts.updated, 0);
  });
});

Deno.test("engine: drift on the DR copy is reverted on the next sync", async () => {
  await withTwoClusters(async (t) => {
    await seed(t.src, t, "shop", [configMap("c", { k: "v" })]);
    const input = engineInput(t, {});
    await pass(input);
    const cm = t.type("configmaps");
    const live = await t.drApi.get(cm, "shop-dr", "c");
    await t.drApi.replace(cm, {
      ...live!,
      data: { k: "edited-on-dr", extra: "x" },
    });
    const result = await pass(input);
    assertEquals(result.counts.updated, 1);
    assertEquals((await t.drApi.get(cm, "shop-dr", "c"))?.data, { k: "v" });
  });
});

Deno.test("engine: a deleted source object prunes only our copy, never foreign objects", async () => {
  await withTwoClusters(async (t) => {
    await seed(t.src, t, "shop", [
      configMap("a", {}),
      configMap("b", {}),
      configMap("c", {}),
      configMap("d", {}),
      configMap("e", {}),
    ]);
    const input = engineInput(t, {});
    await pass(input);
    await seed(t.drApi, t, "shop-dr", [
      configMap("theirs", { made: "by hand" }),
    ]);
    await t.src.remove(t.type("configmaps"), "shop", "a");
    const result = await pass(input);
    assertEquals(result.counts.deleted, 1);
    const cm = t.type("configmaps");
    assertEquals(await t.drApi.get(cm, "shop-dr", "a"), undefined);
    assert(await t.drApi.get(cm, "shop-dr", "theirs"), "foreign object kept");
    assert(await t.drApi.get(cm, "shop-dr", "b"));
  });
});

Deno.test("engine: prune waits for pruneSafety.delay", async () => {
  await withTwoClusters(async (t) => {
    await seed(t.src, t, "shop", [configMap("a", {}), configMap("b", {})]);
    const input = engineInput(t, { pruneSafety: { delay: "60s" } });
    const t0 = new Date();
    await pass(input, t0);
    await t.src.remove(t.type("configmaps"), "shop", "a");
    const early = await pass(input, new Date(t0.getTime() + 1_000));
    assertEquals(early.counts.deleted, 0);
    assertEquals(early.prune?.waiting.length, 1);
    const late = await pass(input, new Date(t0.getTime() + 62_000));
    assertEquals(late.counts.deleted, 1);
  });
});

Deno.test("engine: a mass deletion is blocked as a whole until allowed once", async () => {
  await withTwoClusters(async (t) => {
    const names = ["a", "b", "c", "d", "e", "f", "g", "h"];
    await seed(t.src, t, "shop", names.map((n) => configMap(n, {})));
    const input = engineInput(t, {
      pruneSafety: { delay: "0s", minObjects: 3, maxDeleteFraction: 0.25 },
    });
    await pass(input);
    const cm = t.type("configmaps");
    for (const n of names.slice(0, 5)) await t.src.remove(cm, "shop", n);
    const blocked = await pass(input);
    assertEquals(blocked.counts.deleted, 0);
    assertEquals(blocked.prune?.blocked?.objects.length, 5);
    assert(
      await t.drApi.get(cm, "shop-dr", "a"),
      "nothing deleted while blocked",
    );

    input.prune.allowToken = { ...input.prune.allowToken, current: "ok-1" };
    const allowed = await pass(input);
    assertEquals(allowed.counts.deleted, 5);
    assertEquals(input.prune.allowToken.lastHandled, "ok-1");
  });
});

Deno.test("engine: a missing source namespace writes and deletes nothing", async () => {
  await withTwoClusters(async (t) => {
    await seed(t.src, t, "shop", [configMap("a", {})]);
    const input = engineInput(t, {});
    await pass(input);
    await t.src.remove(NAMESPACES, undefined, "shop");
    // The sim purges namespace contents on the next macrotask.
    await new Promise((r) => setTimeout(r, 50));
    t.dr.counters.reset();
    const result = await pass(input);
    assertEquals(result.state, "SourceNamespaceMissing");
    assertEquals(t.dr.counters.total(WRITES), 0);
    assert(
      await t.drApi.get(t.type("configmaps"), "shop-dr", "a"),
      "DR copy kept",
    );
  });
});

Deno.test("engine: a promoted DR namespace is left untouched", async () => {
  await withTwoClusters(async (t) => {
    await seed(t.src, t, "shop", [deployment("api", 2)]);
    const input = engineInput(t, {});
    await pass(input);
    const ns = await t.drApi.getNamespace("shop-dr");
    await t.drApi.replace(NAMESPACES, {
      ...ns!,
      metadata: {
        ...ns!.metadata,
        annotations: { "drsyncer.io/promoted": "2026-11-26T00:00:00Z" },
      },
    });
    await t.src.remove(t.type("deployments", "apps"), "shop", "api");
    t.dr.counters.reset();
    const result = await pass(input);
    assertEquals(result.state, "DestinationPromoted");
    assertEquals(t.dr.counters.total(WRITES), 0);
  });
});

Deno.test("engine: conflictPolicy Abort reports a foreign object, Adopt takes it over", async () => {
  await withTwoClusters(async (t) => {
    await seed(t.src, t, "shop", [configMap("shared", { from: "source" })]);
    await seed(t.drApi, t, "shop-dr", [configMap("shared", { from: "hand" })]);
    const aborted = await pass(engineInput(t, { conflictPolicy: "Abort" }));
    const conflict = aborted.outcomes.find((o) => o.name === "shared");
    assertEquals([conflict?.status, conflict?.reason], ["failed", "NotOwned"]);
    const cm = t.type("configmaps");
    assertEquals((await t.drApi.get(cm, "shop-dr", "shared"))?.data, {
      from: "hand",
    });

    await pass(engineInput(t, { conflictPolicy: "Adopt" }));
    const adopted = await t.drApi.get(cm, "shop-dr", "shared");
    assertEquals(adopted?.data, { from: "source" });
    assertEquals(
      adopted?.metadata.labels?.["drsyncer.io/replication"],
      "dr-syncer-system.shop-to-dr",
    );
  });
});

Deno.test("engine: an immutable change recreates the copy (Recreate) or skips it (Skip)", async () => {
  await withTwoClusters(async (t) => {
    await seed(t.src, t, "shop", [deployment("api", 1)]);
    await pass(engineInput(t, {}));
    const deps = t.type("deployments", "apps");
    const before = await t.drApi.get(deps, "shop-dr", "api");
    await t.src.remove(deps, "shop", "api");
    const relabelled = deployment("api", 1);
    const spec = relabelled.spec as {
      selector: unknown;
      template: { metadata: { labels: Record<string, string> } };
    };
    spec.selector = { matchLabels: { app: "api", tier: "web" } };
    spec.template.metadata.labels = { app: "api", tier: "web" };
    await seed(t.src, t, "shop", [relabelled]);

    const skipped = await pass(
      engineInput(t, { immutableFieldPolicy: "Skip" }),
    );
    assertEquals(
      skipped.outcomes.find((o) => o.name === "api")?.status,
      "skipped",
    );
    assertEquals(
      (await t.drApi.get(deps, "shop-dr", "api"))?.metadata.uid,
      before?.metadata.uid,
    );

    const recreated = await pass(
      engineInput(t, { immutableFieldPolicy: "Recreate" }),
    );
    assertEquals(
      recreated.outcomes.find((o) => o.name === "api")?.action,
      "recreate",
    );
    const after = await t.drApi.get(deps, "shop-dr", "api");
    assert(
      after && after.metadata.uid !== before?.metadata.uid,
      "a new object",
    );
    assertEquals((after.spec as { selector: unknown }).selector, {
      matchLabels: { app: "api", tier: "web" },
    });
  });
});

Deno.test("engine: dry run plans everything and writes nothing", async () => {
  await withTwoClusters(async (t) => {
    await seed(t.src, t, "shop", [deployment("api", 2), configMap("c", {})]);
    t.dr.counters.reset();
    const input = { ...engineInput(t, {}), dryRun: true };
    const result = await pass(input);
    assertEquals(t.dr.counters.total(WRITES), 0);
    assertEquals(result.namespaceOutcome?.status, "planned");
    assert(
      result.outcomes.some((o) =>
        o.name === "api" && o.status === "planned" && o.action === "create"
      ),
    );
    assertEquals(
      pluralOf(t, { apiVersion: "v1", kind: "ConfigMap" }).resource,
      "configmaps",
    );
  });
});

Deno.test(
  "engine: a promote landing mid-pass stops the writes at the next rank (DestinationPromoted)",
  simOnly("needs a slow DR (faults.latency)", async () => {
    await withTwoClusters(async (t) => {
      await seed(t.src, t, "shop", [
        configMap("a", { v: "1" }),
        configMap("b", { v: "1" }),
        service,
        deployment("api", 2),
      ]);
      const input = engineInput(t, {});
      t.sim!.dr.faults.latency(20); // a slow DR: the promote lands while writing
      let promoted = false;
      const writer = {
        get: t.drApi.get.bind(t.drApi),
        replace: t.drApi.replace.bind(t.drApi),
        remove: t.drApi.remove.bind(t.drApi),
        create: async (type: ApiResource, o: KubeObject) => {
          const made = await t.drApi.create(type, o);
          if (o.kind === "ConfigMap" && !promoted) {
            promoted = true;
            const ns = await t.drApi.getNamespace("shop-dr");
            await t.drApi.replace(NAMESPACES, {
              ...ns!,
              metadata: {
                ...ns!.metadata,
                annotations: { "drsyncer.io/promoted": "2026-12-04T16:00:00Z" },
              },
            });
          }
          return made;
        },
      };
      const result = await pass({ ...input, writer });
      t.sim!.dr.faults.latency(0);
      assertEquals(result.state, "DestinationPromoted");
      assert(promoted, "the promote happened during the pass");
      assertEquals(result.prune, undefined, "nothing pruned");
      const written = await Promise.all([
        t.drApi.get(t.type("services"), "shop-dr", "api"),
        t.drApi.get(t.type("deployments", "apps"), "shop-dr", "api"),
      ]);
      assertEquals(
        written,
        [undefined, undefined],
        "no write after the promote",
      );
      const outcomes = result.outcomes.map((o) =>
        `${o.kind}/${o.name} ${o.status}`
      );
      assert(outcomes.includes("ConfigMap/a done"), outcomes.join());
      assert(
        outcomes.includes("ConfigMap/b done"),
        "the rank in flight finished",
      );
      assertEquals(
        result.outcomes.filter((o) =>
          ["Service", "Deployment"].includes(o.kind)
        ),
        [],
        "later ranks never started",
      );
    });
  }),
);
