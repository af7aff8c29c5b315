import "../../lib/preload.ts";
import { assert, assertEquals } from "../assert.ts";
import { PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import { recordWatch, simTest } from "./harness.ts";

const NS = "w";
const CMS = `/api/v1/namespaces/${NS}/configmaps`;

simTest(
  "watch without resourceVersion sends current state as ADDED, then changes",
  async ({ core, kc }) => {
    await core.createNamespace({ body: { metadata: { name: NS } } });
    await core.createNamespacedConfigMap({
      namespace: NS,
      body: { metadata: { name: "a" } },
    });
    const w = await recordWatch(kc, CMS);
    await w.until((e) => e.length === 2);
    assertEquals(
      w.events.map((e) => `${e.type} ${e.object.metadata.name}`).sort(),
      ["ADDED a", "ADDED kube-root-ca.crt"],
    );
    await core.deleteNamespacedConfigMap({ namespace: NS, name: "a" });
    await w.until((e) => e.length === 3);
    assertEquals(w.events[2].type, "DELETED");
    await w.stop();
  },
);

simTest(
  "watch from a resourceVersion replays only later events, each with kind and apiVersion",
  async ({ core, kc }) => {
    await core.createNamespace({ body: { metadata: { name: NS } } });
    const a = await core.createNamespacedConfigMap({
      namespace: NS,
      body: { metadata: { name: "a" } },
    });
    await core.createNamespacedConfigMap({
      namespace: NS,
      body: { metadata: { name: "b" } },
    });
    await core.patchNamespacedConfigMap({
      namespace: NS,
      name: "a",
      body: [{ op: "add", path: "/data", value: { k: "v" } }],
    });
    const w = await recordWatch(kc, CMS, {
      resourceVersion: a.metadata!.resourceVersion,
    });
    await w.until((e) => e.length === 2);
    assertEquals(w.events.map((e) => `${e.type} ${e.object.metadata.name}`), [
      "ADDED b",
      "MODIFIED a",
    ]);
    for (const e of w.events) {
      assertEquals([e.object.kind, e.object.apiVersion], ["ConfigMap", "v1"]);
    }
    await w.stop();
  },
);

simTest(
  "watch from a resourceVersion older than history gets a 410 Expired ERROR event",
  async ({ core, kc }) => {
    await core.createNamespace({ body: { metadata: { name: NS } } });
    const first = await core.createNamespacedConfigMap({
      namespace: NS,
      body: { metadata: { name: "a" } },
    });
    for (let i = 0; i < 5; i++) {
      await core.createNamespacedConfigMap({
        namespace: NS,
        body: { metadata: { name: `x${i}` } },
      });
    }
    const w = await recordWatch(kc, CMS, {
      resourceVersion: first.metadata!.resourceVersion,
    });
    await w.until((e) => e.length === 1);
    assertEquals(w.events[0].type, "ERROR");
    assertEquals([w.events[0].object.code, w.events[0].object.reason], [
      410,
      "Expired",
    ]);
    assertEquals(
      await w.ended,
      null,
      "server closes the stream after the ERROR",
    );
  },
  { historySize: 3 },
);

simTest(
  "BOOKMARK events only when allowWatchBookmarks=true",
  async ({ core, kc, cluster }) => {
    await core.createNamespace({ body: { metadata: { name: NS } } });
    const withB = await recordWatch(kc, CMS, {
      allowWatchBookmarks: true,
      resourceVersion: "1",
    });
    const without = await recordWatch(kc, CMS, { resourceVersion: "1" });
    await withB.until((e) => e.some((x) => x.type === "BOOKMARK"));
    cluster.faults.bookmarkNow();
    await withB.until((e) =>
      e.filter((x) => x.type === "BOOKMARK").length >= 2
    );
    const b = withB.events.find((e) => e.type === "BOOKMARK")!;
    assertEquals(b.object.kind, "ConfigMap");
    assert(Number(b.object.metadata.resourceVersion) > 0);
    assert(!without.events.some((e) => e.type === "BOOKMARK"));
    await withB.stop();
    await without.stop();
  },
  { bookmarkIntervalMs: 50 },
);

simTest(
  "timeoutSeconds ends the watch from the server side",
  async ({ core, kc }) => {
    await core.createNamespace({ body: { metadata: { name: NS } } });
    const started = Date.now();
    const w = await recordWatch(kc, CMS, {
      timeoutSeconds: 1,
      resourceVersion: "1",
    });
    assertEquals(await w.ended, null);
    const took = Date.now() - started;
    assert(took >= 900 && took < 3000, `ended after ${took} ms`);
  },
);

simTest(
  "selectors apply to watches; leaving the selection is a DELETED event",
  async ({ core, kc }) => {
    await core.createNamespace({ body: { metadata: { name: NS } } });
    const w = await recordWatch(kc, CMS, { labelSelector: "sync=yes" });
    await core.createNamespacedConfigMap({
      namespace: NS,
      body: { metadata: { name: "a", labels: { sync: "no" } } },
    });
    await core.createNamespacedConfigMap({
      namespace: NS,
      body: { metadata: { name: "b", labels: { sync: "yes" } } },
    });
    const opt = setHeaderOptions("Content-Type", PatchStrategy.MergePatch);
    await core.patchNamespacedConfigMap({
      namespace: NS,
      name: "a",
      body: { metadata: { labels: { sync: "yes" } } },
    }, opt);
    await core.patchNamespacedConfigMap({
      namespace: NS,
      name: "b",
      body: { metadata: { labels: { sync: "no" } } },
    }, opt);
    await w.until((e) => e.length === 3);
    assertEquals(w.events.map((e) => `${e.type} ${e.object.metadata.name}`), [
      "ADDED b",
      "ADDED a",
      "DELETED b",
    ]);
    await w.stop();
  },
);

simTest("field selector metadata.name on a watch", async ({ core, kc }) => {
  await core.createNamespace({ body: { metadata: { name: NS } } });
  const w = await recordWatch(kc, CMS, {
    fieldSelector: "metadata.name=b",
    resourceVersion: "1",
  });
  await core.createNamespacedConfigMap({
    namespace: NS,
    body: { metadata: { name: "a" } },
  });
  await core.createNamespacedConfigMap({
    namespace: NS,
    body: { metadata: { name: "b" } },
  });
  await w.until((e) => e.length === 1);
  assertEquals(w.events[0].object.metadata.name, "b");
  await w.stop();
});

simTest(
  "10 watchers all receive an event within a few milliseconds",
  async ({ core, kc }) => {
    await core.createNamespace({ body: { metadata: { name: NS } } });
    const ws = await Promise.all(
      Array.from(
        { length: 10 },
        () => recordWatch(kc, CMS, { resourceVersion: "1" }),
      ),
    );
    await core.createNamespacedConfigMap({
      namespace: NS,
      body: { metadata: { name: "fan" } },
    });
    await Promise.all(
      ws.map((w) =>
        w.until((e) => e.some((x) => x.object.metadata.name === "fan"))
      ),
    );
    for (const w of ws) await w.stop();
  },
);

simTest(
  "an all-namespaces watch sees every namespace",
  async ({ core, kc }) => {
    const rv =
      (await core.listConfigMapForAllNamespaces()).metadata!.resourceVersion;
    const w = await recordWatch(kc, "/api/v1/configmaps", {
      resourceVersion: rv,
    });
    for (const ns of ["w1", "w2"]) {
      await core.createNamespace({ body: { metadata: { name: ns } } });
      await core.createNamespacedConfigMap({
        namespace: ns,
        body: { metadata: { name: "x" } },
      });
    }
    await w.until((e) =>
      e.filter((x) => x.object.metadata.name === "x").length === 2
    );
    assertEquals(
      w.events.filter((x) => x.object.metadata.name === "x").map((e) =>
        e.object.metadata.namespace
      ),
      ["w1", "w2"],
    );
    await w.stop();
  },
);
