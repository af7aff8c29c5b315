import "../../lib/preload.ts";
import { ApiException } from "@kubernetes/client-node";
import { assert, assertEquals } from "../assert.ts";
import { clientsFor, expectStatus, recordWatch, simTest } from "./harness.ts";

const NS = "f";
const CMS = `/api/v1/namespaces/${NS}/configmaps`;

simTest(
  "unknown token is 401; a limited token gets 403 with the apiserver's message",
  async ({ cluster, core }) => {
    await core.createNamespace({ body: { metadata: { name: NS } } });
    const anon = clientsFor(cluster, "not-a-token");
    const s401 = await expectStatus(() => anon.core.listNamespace());
    assertEquals(s401.code, 401);
    const token = cluster.createToken({
      name: "reader",
      rules: [{
        verbs: ["get", "list", "watch"],
        apiGroups: [""],
        resources: ["configmaps"],
        namespaces: [NS],
      }],
    });
    const reader = clientsFor(cluster, token);
    assertEquals(
      (await reader.core.listNamespacedConfigMap({ namespace: NS })).items
        .length,
      1,
    );
    const other = await expectStatus(() =>
      reader.core.listNamespacedConfigMap({ namespace: "default" })
    );
    assertEquals([other.code, other.reason], [403, "Forbidden"]);
    assertEquals(
      other.message,
      'configmaps is forbidden: User "reader" cannot list resource "configmaps" in API group "" in the namespace "default"',
    );
    const write = await expectStatus(() =>
      reader.core.deleteNamespacedConfigMap({
        namespace: NS,
        name: "kube-root-ca.crt",
      })
    );
    assertEquals(
      write.message,
      'configmaps "kube-root-ca.crt" is forbidden: User "reader" cannot delete resource "configmaps" in API group "" in the namespace "f"',
    );
    const cluster403 = await expectStatus(() =>
      reader.apps.listDeploymentForAllNamespaces()
    );
    assertEquals(
      cluster403.message,
      'deployments.apps is forbidden: User "reader" cannot list resource "deployments" in API group "apps" at the cluster scope',
    );
  },
);

simTest(
  "counters count requests per verb and resource",
  async ({ cluster, core }) => {
    cluster.counters.reset();
    await core.createNamespace({ body: { metadata: { name: NS } } });
    await core.createNamespacedConfigMap({
      namespace: NS,
      body: { metadata: { name: "a" } },
    });
    await core.readNamespacedConfigMap({ namespace: NS, name: "a" });
    await core.listNamespacedConfigMap({ namespace: NS });
    await core.deleteNamespacedConfigMap({ namespace: NS, name: "a" });
    assertEquals(cluster.counters.get("create", "configmaps"), 1);
    assertEquals(cluster.counters.get("create", "namespaces"), 1);
    assertEquals(
      cluster.counters.total({
        verbs: ["create", "update", "patch", "delete"],
      }),
      3,
    );
    assertEquals(cluster.counters.total(), 5);
    cluster.counters.reset();
    assertEquals(cluster.counters.total(), 0);
    const log = cluster.requests.entries().map((e) =>
      `${e.method} ${e.url.split("?")[0]} ${e.code}`
    );
    assertEquals(log.slice(-2), [
      "GET /api/v1/namespaces/f/configmaps 200",
      "DELETE /api/v1/namespaces/f/configmaps/a 200",
    ]);
  },
);

simTest(
  "failNext injects 503, 500 and 429 with Retry-After, then requests succeed",
  async ({ cluster, core }) => {
    cluster.faults.failNext(1, 503);
    assertEquals((await expectStatus(() => core.listNamespace())).code, 503);
    cluster.faults.failNext(1, 500);
    assertEquals(
      (await expectStatus(() => core.listNamespace())).reason,
      "InternalError",
    );
    cluster.faults.failNext(1, 429, 7);
    try {
      await core.listNamespace();
      throw new Error("expected 429");
    } catch (e) {
      assert(e instanceof ApiException);
      assertEquals(e.code, 429);
      assertEquals((e.headers as Record<string, string>)["retry-after"], "7");
    }
    cluster.faults.failNext(1, 503, undefined, { verbs: ["create"] });
    await core.listNamespace();
    assertEquals(
      (await expectStatus(() =>
        core.createNamespace({ body: { metadata: { name: NS } } })
      )).code,
      503,
    );
    await core.createNamespace({ body: { metadata: { name: NS } } });
  },
);

simTest(
  "watchLatency delivers watch events late but in order",
  async ({ cluster, core, kc }) => {
    await core.createNamespace({ body: { metadata: { name: NS } } });
    const w = await recordWatch(kc, CMS, { resourceVersion: "1" });
    await w.until((e) => e.length === 1);
    cluster.faults.watchLatency(200);
    const t0 = performance.now();
    for (const name of ["a", "b", "c"]) {
      await core.createNamespacedConfigMap({
        namespace: NS,
        body: { metadata: { name } },
      });
    }
    await new Promise((r) => setTimeout(r, 50));
    assertEquals(w.events.length, 1, "nothing yet");
    await w.until((e) => e.length === 4);
    assert(performance.now() - t0 >= 190, "delivered late");
    assertEquals(w.events.slice(1).map((e) => e.object.metadata.name), [
      "a",
      "b",
      "c",
    ]);
    cluster.faults.clear();
    await w.stop();
  },
);

simTest("latency delays every request", async ({ cluster, core }) => {
  cluster.faults.latency(150);
  const t0 = performance.now();
  await core.listNamespace();
  assert(performance.now() - t0 >= 140, "delayed");
  cluster.faults.latency(0);
});

simTest(
  "cutWatches ends open watches (clean close or broken connection)",
  async ({ cluster, core, kc }) => {
    await core.createNamespace({ body: { metadata: { name: NS } } });
    const clean = await recordWatch(kc, CMS, { resourceVersion: "1" });
    cluster.faults.cutWatches();
    assertEquals(await clean.ended, null);
    const abrupt = await recordWatch(kc, CMS, { resourceVersion: "1" });
    cluster.faults.cutWatches({ abrupt: true });
    assert(await abrupt.ended !== null, "abrupt cut reports an error");
  },
);

simTest(
  "forceGoneOnNextWatch and shrinkHistory produce 410 Expired",
  async ({ cluster, core, kc }) => {
    await core.createNamespace({ body: { metadata: { name: NS } } });
    cluster.faults.forceGoneOnNextWatch();
    const forced = await recordWatch(kc, CMS);
    await forced.until((e) => e.length === 1);
    assertEquals(forced.events[0].object.code, 410);
    await forced.ended;
    const old = await core.createNamespacedConfigMap({
      namespace: NS,
      body: { metadata: { name: "a" } },
    });
    for (let i = 0; i < 3; i++) {
      await core.createNamespacedConfigMap({
        namespace: NS,
        body: { metadata: { name: `b${i}` } },
      });
    }
    cluster.faults.shrinkHistory(2);
    const w = await recordWatch(kc, CMS, {
      resourceVersion: old.metadata!.resourceVersion,
    });
    await w.until((e) => e.length === 1);
    assertEquals([w.events[0].type, w.events[0].object.code], ["ERROR", 410]);
    await w.ended;
  },
);

simTest(
  "stallWatches: open watch stays silent; after restore new watches work",
  async ({ cluster, core, kc }) => {
    await core.createNamespace({ body: { metadata: { name: NS } } });
    const stalled = await recordWatch(kc, CMS, { resourceVersion: "1" });
    await stalled.until((e) => e.length === 1);
    const restore = cluster.faults.stallWatches();
    await core.createNamespacedConfigMap({
      namespace: NS,
      body: { metadata: { name: "a" } },
    });
    await new Promise((r) => setTimeout(r, 50));
    assertEquals(stalled.events.length, 1, "nothing after the stall");
    restore();
    const fresh = await recordWatch(kc, CMS, { resourceVersion: "1" });
    await fresh.until((e) => e.some((x) => x.object.metadata.name === "a"));
    assertEquals(stalled.events.length, 1, "a stalled stream never recovers");
    await stalled.stop();
    await fresh.stop();
  },
);

simTest(
  "outage: refused while down, same URL and data after up",
  async ({ cluster, core }) => {
    await core.createNamespace({ body: { metadata: { name: NS } } });
    const url = cluster.url;
    const restore = await cluster.faults.outage();
    let refused: unknown;
    try {
      await core.listNamespace();
    } catch (e) {
      refused = e;
    }
    assertEquals(
      (refused as { cause?: { code?: string } })?.cause?.code,
      "ECONNREFUSED",
    );
    await restore();
    assertEquals(cluster.url, url);
    const back = await core.readNamespace({ name: NS });
    assertEquals(back.metadata!.name, NS);
  },
);

simTest(
  "an outage breaks open watches with an error (not a clean end)",
  async ({ cluster, core, kc }) => {
    await core.createNamespace({ body: { metadata: { name: NS } } });
    const w = await recordWatch(kc, CMS, { resourceVersion: "1" });
    const restore = await cluster.faults.outage();
    assert(await w.ended !== null, "watch saw a broken connection");
    await restore();
  },
);

simTest("a custom authorizer replaces the token rules", async ({ cluster }) => {
  const token = cluster.createToken({ name: "ops", rules: [] });
  const ops = clientsFor(cluster, token);
  const list = await ops.core.listNamespace();
  assert(list.items.length > 0, "ops may list namespaces");
  const denied = await expectStatus(() =>
    ops.core.createNamespace({ body: { metadata: { name: "nope" } } })
  );
  assertEquals(denied.code, 403);
}, {
  authorizer: (user, a) =>
    user.groups.includes("system:masters") ||
    (user.name === "ops" && a.verb === "list"),
});
