import "../../lib/preload.ts";
import {
  assert,
  assertEquals,
  assertMatch,
  assertNotEquals,
} from "../assert.ts";
import { clientsFor, expectStatus, simTest } from "./harness.ts";
import type * as k8s from "@kubernetes/client-node";

const NS = "app";

function aDeployment(name: string, replicas?: number): k8s.V1Deployment {
  return {
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: "c", image: "nginx:1" }] },
      },
    },
  };
}

simTest(
  "resourceVersion is one increasing sequence across types; lists carry one",
  async ({ core, apps }) => {
    await core.createNamespace({ body: { metadata: { name: NS } } });
    const a = await core.createNamespacedConfigMap({
      namespace: NS,
      body: { metadata: { name: "a" } },
    });
    const d = await apps.createNamespacedDeployment({
      namespace: NS,
      body: aDeployment("d"),
    });
    const b = await core.createNamespacedSecret({
      namespace: NS,
      body: { metadata: { name: "b" } },
    });
    const rvs = [a, d, b].map((o) => Number(o.metadata!.resourceVersion));
    assert(rvs[0] < rvs[1] && rvs[1] < rvs[2], `not increasing: ${rvs}`);
    const list = await core.listNamespacedConfigMap({ namespace: NS });
    assert(
      Number(list.metadata!.resourceVersion) >= rvs[2],
      "list RV is the current one",
    );
  },
);

simTest(
  "create fills uid, creationTimestamp, generation and generateName",
  async ({ core, apps }) => {
    await core.createNamespace({ body: { metadata: { name: NS } } });
    const cm = await core.createNamespacedConfigMap({
      namespace: NS,
      body: {
        metadata: { generateName: "cfg-", uid: "mine" },
      },
    });
    assertMatch(cm.metadata!.name!, /^cfg-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    assertNotEquals(cm.metadata!.uid, "mine");
    assertMatch(cm.metadata!.uid!, /^[0-9a-f-]{36}$/);
    assert(cm.metadata!.creationTimestamp instanceof Date);
    assertEquals(cm.metadata!.generation, undefined);
    const d = await apps.createNamespacedDeployment({
      namespace: NS,
      body: aDeployment("d"),
    });
    assertEquals(d.metadata!.generation, 1);
    assertEquals(d.spec!.replicas, 1, "replicas defaults to 1");
  },
);

simTest(
  "create errors: 409 AlreadyExists, 404 missing namespace, 422 no name",
  async ({ core }) => {
    await core.createNamespace({ body: { metadata: { name: NS } } });
    await core.createNamespacedConfigMap({
      namespace: NS,
      body: { metadata: { name: "a" } },
    });
    const dup = await expectStatus(() =>
      core.createNamespacedConfigMap({
        namespace: NS,
        body: { metadata: { name: "a" } },
      })
    );
    assertEquals([dup.code, dup.reason, dup.message], [
      409,
      "AlreadyExists",
      'configmaps "a" already exists',
    ]);
    const noNs = await expectStatus(() =>
      core.createNamespacedConfigMap({
        namespace: "nope",
        body: { metadata: { name: "a" } },
      })
    );
    assertEquals([noNs.code, noNs.reason, noNs.message], [
      404,
      "NotFound",
      'namespaces "nope" not found',
    ]);
    const noName = await expectStatus(() =>
      core.createNamespacedConfigMap({ namespace: NS, body: { metadata: {} } })
    );
    assertEquals([noName.code, noName.reason], [422, "Invalid"]);
    assertEquals(noName.causes![0].field, "metadata.name");
  },
);

simTest(
  "create in a Terminating namespace is 403 Forbidden",
  async ({ core, cluster }) => {
    await core.createNamespace({ body: { metadata: { name: NS } } });
    await core.createNamespacedConfigMap({
      namespace: NS,
      body: { metadata: { name: "held", finalizers: ["x/y"] } },
    });
    await core.deleteNamespace({ name: NS });
    const s = await expectStatus(() =>
      core.createNamespacedConfigMap({
        namespace: NS,
        body: { metadata: { name: "b" } },
      })
    );
    assertEquals([s.code, s.reason], [403, "Forbidden"]);
    assertMatch(
      s.message!,
      /unable to create new content in namespace app because it is being terminated/,
    );
    assertEquals(cluster.store.get("namespaces", "", NS)?.obj.status, {
      phase: "Terminating",
    });
  },
  { namespacePurgeDelayMs: 60_000 },
);

simTest(
  "update: 409 on stale resourceVersion, unconditional without one",
  async ({ core }) => {
    await core.createNamespace({ body: { metadata: { name: NS } } });
    const v1 = await core.createNamespacedConfigMap({
      namespace: NS,
      body: { metadata: { name: "a" }, data: { k: "1" } },
    });
    const v2 = await core.replaceNamespacedConfigMap({
      namespace: NS,
      name: "a",
      body: { ...v1, data: { k: "2" } },
    });
    assert(
      Number(v2.metadata!.resourceVersion) >
        Number(v1.metadata!.resourceVersion),
    );
    const stale = await expectStatus(() =>
      core.replaceNamespacedConfigMap({
        namespace: NS,
        name: "a",
        body: { ...v1, data: { k: "3" } },
      })
    );
    assertEquals([stale.code, stale.reason], [409, "Conflict"]);
    assertEquals(
      stale.message,
      'Operation cannot be fulfilled on configmaps "a": the object has been modified; please apply your changes to the latest version and try again',
    );
    const blind = await core.replaceNamespacedConfigMap({
      namespace: NS,
      name: "a",
      body: { metadata: { name: "a" }, data: { k: "4" } },
    });
    assertEquals(blind.data, { k: "4" });
    assertEquals(blind.metadata!.uid, v1.metadata!.uid, "uid is kept");
  },
);

simTest(
  "an identical update is a no-op: same resourceVersion",
  async ({ core }) => {
    await core.createNamespace({ body: { metadata: { name: NS } } });
    const v1 = await core.createNamespacedConfigMap({
      namespace: NS,
      body: { metadata: { name: "a" }, data: { k: "1" } },
    });
    const same = await core.replaceNamespacedConfigMap({
      namespace: NS,
      name: "a",
      body: v1,
    });
    assertEquals(same.metadata!.resourceVersion, v1.metadata!.resourceVersion);
  },
);

simTest(
  "generation: bumped on spec changes only, never by status or metadata",
  async ({ core, apps }) => {
    await core.createNamespace({ body: { metadata: { name: NS } } });
    const d = await apps.createNamespacedDeployment({
      namespace: NS,
      body: aDeployment("d"),
    });
    const labelled = await apps.replaceNamespacedDeployment({
      namespace: NS,
      name: "d",
      body: { ...d, metadata: { ...d.metadata, labels: { x: "y" } } },
    });
    assertEquals(
      labelled.metadata!.generation,
      1,
      "metadata change keeps generation",
    );
    const status = await apps.replaceNamespacedDeploymentStatus({
      namespace: NS,
      name: "d",
      body: { ...labelled, status: { replicas: 1, readyReplicas: 1 } },
    });
    assertEquals(
      status.metadata!.generation,
      1,
      "status write keeps generation",
    );
    assertEquals(status.status!.readyReplicas, 1);
    const scaled = await apps.replaceNamespacedDeployment({
      namespace: NS,
      name: "d",
      body: { ...status, spec: { ...status.spec!, replicas: 3 } },
    });
    assertEquals(
      scaled.metadata!.generation,
      2,
      "spec change bumps generation",
    );
  },
);

simTest(
  "main writes ignore status; /status writes change only status",
  async ({ core, apps }) => {
    await core.createNamespace({ body: { metadata: { name: NS } } });
    const created = await apps.createNamespacedDeployment({
      namespace: NS,
      body: { ...aDeployment("d"), status: { replicas: 9 } },
    });
    assertEquals(created.status, undefined, "status dropped on create");
    const st = await apps.replaceNamespacedDeploymentStatus({
      namespace: NS,
      name: "d",
      body: {
        ...created,
        spec: { ...created.spec!, replicas: 5 },
        status: { replicas: 2 },
      },
    });
    assertEquals([st.spec!.replicas, st.status!.replicas], [1, 2]);
    const main = await apps.replaceNamespacedDeployment({
      namespace: NS,
      name: "d",
      body: { ...st, metadata: { ...st.metadata }, status: { replicas: 7 } },
    });
    assertEquals(main.status!.replicas, 2);
  },
);

simTest(
  "get of a missing object is a 404 Status with details",
  async ({ apps, core }) => {
    await core.createNamespace({ body: { metadata: { name: NS } } });
    const s = await expectStatus(() =>
      apps.readNamespacedDeployment({ namespace: NS, name: "x" })
    );
    assertEquals([s.code, s.reason, s.message], [
      404,
      "NotFound",
      'deployments.apps "x" not found',
    ]);
  },
);

simTest(
  "objects come back with kind and apiVersion even when created without",
  async ({ objects, core }) => {
    await core.createNamespace({ body: { metadata: { name: NS } } });
    await core.createNamespacedConfigMap({
      namespace: NS,
      body: { metadata: { name: "a" } },
    });
    const o = await objects.read({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "a", namespace: NS },
    });
    assertEquals([o.apiVersion, o.kind], ["v1", "ConfigMap"]);
  },
);

simTest(
  "dryRun=All validates and answers without storing anything",
  async ({ core, cluster }) => {
    await core.createNamespace({ body: { metadata: { name: NS } } });
    const rv = cluster.store.resourceVersion;
    const dry = await core.createNamespacedConfigMap({
      namespace: NS,
      body: { metadata: { name: "dry" }, data: { a: "1" } },
      dryRun: "All",
    });
    assertEquals([dry.metadata!.name, dry.metadata!.resourceVersion], [
      "dry",
      undefined,
    ]);
    const svc = await core.createNamespacedService({
      namespace: NS,
      body: {
        metadata: { name: "s" },
        spec: { type: "NodePort", ports: [{ port: 80, nodePort: 30080 }] },
      },
      dryRun: "All",
    });
    assertEquals(svc.spec!.ports![0].nodePort, 30080);
    const bad = await expectStatus(() =>
      core.createNamespacedConfigMap({
        namespace: NS,
        body: { metadata: { name: "Bad" } },
        dryRun: "All",
      })
    );
    assertEquals(bad.code, 422, "still validated");
    assertEquals(cluster.store.resourceVersion, rv, "nothing written");
    const real = await core.createNamespacedService({
      namespace: NS,
      body: {
        metadata: { name: "s" },
        spec: { type: "NodePort", ports: [{ port: 80, nodePort: 30080 }] },
      },
    });
    assertEquals(
      real.spec!.ports![0].nodePort,
      30080,
      "dry run allocated nothing",
    );
    await core.deleteNamespacedService({
      namespace: NS,
      name: "s",
      dryRun: "All",
    });
    assertEquals(
      (await core.readNamespacedService({ namespace: NS, name: "s" })).metadata!
        .name,
      "s",
    );
  },
);

simTest(
  "an update carrying another object's uid is a 409 precondition failure (copied objects)",
  async ({ core }) => {
    await core.createNamespace({ body: { metadata: { name: NS } } });
    await core.createNamespacedConfigMap({
      namespace: NS,
      body: { metadata: { name: "a" } },
    });
    const s = await expectStatus(() =>
      core.replaceNamespacedConfigMap({
        namespace: NS,
        name: "a",
        body: { metadata: { name: "a", uid: "from-elsewhere" } },
      })
    );
    assertEquals([s.code, s.reason], [409, "Conflict"]);
    assertMatch(
      s.message!,
      /Precondition failed: UID in precondition: from-elsewhere, UID in object meta: /,
    );
  },
);

simTest(
  "create with a resourceVersion fails like the apiserver's storage layer (500)",
  async ({ core }) => {
    await core.createNamespace({ body: { metadata: { name: NS } } });
    const s = await expectStatus(() =>
      core.createNamespacedConfigMap({
        namespace: NS,
        body: { metadata: { name: "copied", resourceVersion: "42" } },
      })
    );
    assertEquals([s.code, s.reason, s.message], [
      500,
      undefined,
      "resourceVersion should not be set on objects to be created",
    ]);
  },
);

simTest(
  "two clusters in one sim are independent (data, resourceVersions, ports)",
  async ({ sim }) => {
    const src = clientsFor(sim.clusters.source);
    const dr = clientsFor(sim.clusters.dr);
    assert(sim.clusters.source.url !== sim.clusters.dr.url, "separate servers");
    await src.core.createNamespace({ body: { metadata: { name: NS } } });
    const a = await src.core.createNamespacedConfigMap({
      namespace: NS,
      body: { metadata: { name: "only-src" } },
    });
    assertEquals(
      (await expectStatus(() => dr.core.readNamespace({ name: NS }))).code,
      404,
    );
    assertEquals(
      sim.clusters.dr.store.resourceVersion <
        Number(a.metadata!.resourceVersion),
      true,
      "dr did not advance",
    );
  },
  { clusters: ["source", "dr"] },
);
