import "../../lib/preload.ts";
import type * as k8s from "@kubernetes/client-node";
import {
  ApiextensionsV1Api,
  PatchStrategy,
  setHeaderOptions,
} from "@kubernetes/client-node";
import { assert, assertEquals, assertMatch } from "../assert.ts";
import { expectStatus, recordWatch, simTest } from "./harness.ts";

const GROUP = "example.com";
const NS = "crd";

function widgetCrd(
  scope: "Namespaced" | "Cluster" = "Namespaced",
): k8s.V1CustomResourceDefinition {
  return {
    metadata: { name: `widgets.${GROUP}` },
    spec: {
      group: GROUP,
      scope,
      names: {
        plural: "widgets",
        singular: "widget",
        kind: "Widget",
        shortNames: ["wg"],
      },
      versions: [{
        name: "v1",
        served: true,
        storage: true,
        subresources: {
          status: {},
          scale: {
            specReplicasPath: ".spec.replicas",
            statusReplicasPath: ".status.replicas",
          },
        },
        schema: {
          openAPIV3Schema: {
            type: "object",
            properties: {
              spec: {
                type: "object",
                required: ["size"],
                properties: {
                  size: { type: "integer", minimum: 1 },
                  mode: {
                    type: "string",
                    _enum: ["fast", "slow"],
                    _default: "fast",
                  },
                  replicas: { type: "integer", _default: 1 },
                },
              },
              status: {
                type: "object",
                properties: {
                  replicas: { type: "integer" },
                  phase: { type: "string" },
                },
              },
            },
          },
        },
      }],
    },
  };
}

function widget(name: string, spec: Record<string, unknown>) {
  return {
    apiVersion: `${GROUP}/v1`,
    kind: "Widget",
    metadata: { name },
    spec,
  };
}

const W = { group: GROUP, version: "v1", plural: "widgets" };

simTest(
  "creating a CRD serves it; schema defaults are applied; unknown fields pruned",
  async ({ core, custom, kc }) => {
    const ext = kc.makeApiClient(ApiextensionsV1Api);
    const crd = await ext.createCustomResourceDefinition({ body: widgetCrd() });
    assert(
      crd.status!.conditions!.some((c) =>
        c.type === "Established" && c.status === "True"
      ),
    );
    await core.createNamespace({ body: { metadata: { name: NS } } });
    const w = await custom.createNamespacedCustomObject({
      ...W,
      namespace: NS,
      body: { ...widget("a", { size: 2, extra: 1 }), status: { phase: "x" } },
    });
    assertEquals(w.spec, { size: 2, mode: "fast", replicas: 1 });
    assertEquals(
      w.status,
      undefined,
      "status ignored on create with a status subresource",
    );
    assertEquals(w.metadata.generation, 1);
  },
);

const INVALID = [
  {
    name: "wrong type",
    spec: { size: "big" },
    field: "spec.size",
    reason: "FieldValueTypeInvalid",
  },
  {
    name: "enum",
    spec: { size: 1, mode: "warp" },
    field: "spec.mode",
    reason: "FieldValueNotSupported",
  },
  {
    name: "required",
    spec: { mode: "fast" },
    field: "spec.size",
    reason: "FieldValueRequired",
  },
  {
    name: "minimum",
    spec: { size: 0 },
    field: "spec.size",
    reason: "FieldValueInvalid",
  },
];

for (const c of INVALID) {
  simTest(
    `CR schema violation (${c.name}) is 422 with a field cause`,
    async ({ core, custom, kc }) => {
      await kc.makeApiClient(ApiextensionsV1Api).createCustomResourceDefinition(
        { body: widgetCrd() },
      );
      await core.createNamespace({ body: { metadata: { name: NS } } });
      const s = await expectStatus(() =>
        custom.createNamespacedCustomObject({
          ...W,
          namespace: NS,
          body: widget("a", c.spec),
        })
      );
      assertEquals([s.code, s.reason], [422, "Invalid"]);
      assertEquals([
        s.causes![0].field,
        (s.causes![0] as { reason?: string }).reason,
      ], [c.field, c.reason]);
      assertMatch(s.message!, /^Widget\.example\.com "a" is invalid: /);
    },
  );
}

simTest(
  "CR status subresource and generation",
  async ({ core, custom, kc }) => {
    await kc.makeApiClient(ApiextensionsV1Api).createCustomResourceDefinition({
      body: widgetCrd(),
    });
    await core.createNamespace({ body: { metadata: { name: NS } } });
    const w = await custom.createNamespacedCustomObject({
      ...W,
      namespace: NS,
      body: widget("a", { size: 1 }),
    });
    const st = await custom.replaceNamespacedCustomObjectStatus({
      ...W,
      namespace: NS,
      name: "a",
      body: { ...w, spec: { size: 9 }, status: { phase: "Ready" } },
    });
    assertEquals([st.spec.size, st.status.phase, st.metadata.generation], [
      1,
      "Ready",
      1,
    ]);
    const sp = await custom.patchNamespacedCustomObject(
      { ...W, namespace: NS, name: "a", body: { spec: { size: 3 } } },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
    assertEquals([sp.spec.size, sp.metadata.generation, sp.status.phase], [
      3,
      2,
      "Ready",
    ]);
    const smp = await expectStatus(() =>
      custom.patchNamespacedCustomObject(
        { ...W, namespace: NS, name: "a", body: { spec: { size: 4 } } },
        setHeaderOptions("Content-Type", PatchStrategy.StrategicMergePatch),
      )
    );
    assertEquals(
      smp.code,
      415,
      "strategic merge is not supported for custom resources",
    );
  },
);

simTest(
  "cluster-scoped CRD serves cluster-scoped objects",
  async ({ custom, kc }) => {
    await kc.makeApiClient(ApiextensionsV1Api).createCustomResourceDefinition({
      body: widgetCrd("Cluster"),
    });
    const w = await custom.createClusterCustomObject({
      ...W,
      body: widget("c", { size: 1 }),
    });
    assertEquals(w.metadata.namespace, undefined);
    const list = await custom.listClusterCustomObject(W);
    assertEquals(list.items.length, 1);
  },
);

simTest(
  "deleting a CRD removes its objects, ends their watches and stops serving",
  async ({ core, custom, kc }) => {
    const ext = kc.makeApiClient(ApiextensionsV1Api);
    await ext.createCustomResourceDefinition({ body: widgetCrd() });
    await core.createNamespace({ body: { metadata: { name: NS } } });
    await custom.createNamespacedCustomObject({
      ...W,
      namespace: NS,
      body: widget("a", { size: 1 }),
    });
    const w = await recordWatch(kc, `/apis/${GROUP}/v1/widgets`, {
      resourceVersion: "1",
    });
    await w.until((e) => e.length === 1);
    await ext.deleteCustomResourceDefinition({ name: `widgets.${GROUP}` });
    assertEquals(await w.ended, null, "watch ended by the server");
    assertEquals(w.events.map((e) => e.type), ["ADDED", "DELETED"]);
    const s = await expectStatus(() =>
      custom.listNamespacedCustomObject({ ...W, namespace: NS })
    );
    assertEquals(s.code, 404);
    await ext.createCustomResourceDefinition({ body: widgetCrd() });
    const again = await custom.listNamespacedCustomObject({
      ...W,
      namespace: NS,
    });
    assertEquals(again.items, [], "objects did not come back with the CRD");
  },
);

simTest(
  "scale subresource: Deployment, StatefulSet and a CRD with scale",
  async ({ core, apps, custom, kc }) => {
    await core.createNamespace({ body: { metadata: { name: NS } } });
    const spec = {
      selector: { matchLabels: { a: "b" } },
      template: {
        metadata: { labels: { a: "b" } },
        spec: { containers: [{ name: "c", image: "x:1" }] },
      },
    };
    await apps.createNamespacedDeployment({
      namespace: NS,
      body: { metadata: { name: "d" }, spec },
    });
    await apps.createNamespacedStatefulSet({
      namespace: NS,
      body: { metadata: { name: "s" }, spec: { ...spec, serviceName: "s" } },
    });
    const sc = await apps.readNamespacedDeploymentScale({
      namespace: NS,
      name: "d",
    });
    assertEquals([
      sc.kind,
      sc.apiVersion,
      sc.spec!.replicas,
      sc.status!.selector,
    ], ["Scale", "autoscaling/v1", 1, "a=b"]);
    await apps.replaceNamespacedDeploymentScale({
      namespace: NS,
      name: "d",
      body: { ...sc, spec: { replicas: 4 } },
    });
    assertEquals(
      (await apps.readNamespacedDeployment({ namespace: NS, name: "d" })).spec!
        .replicas,
      4,
    );
    const stale = await expectStatus(() =>
      apps.replaceNamespacedDeploymentScale({
        namespace: NS,
        name: "d",
        body: { ...sc, spec: { replicas: 5 } },
      })
    );
    assertEquals(stale.code, 409);
    await apps.patchNamespacedStatefulSetScale(
      { namespace: NS, name: "s", body: { spec: { replicas: 0 } } },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
    assertEquals(
      (await apps.readNamespacedStatefulSet({ namespace: NS, name: "s" })).spec!
        .replicas,
      0,
    );
    await kc.makeApiClient(ApiextensionsV1Api).createCustomResourceDefinition({
      body: widgetCrd(),
    });
    await custom.createNamespacedCustomObject({
      ...W,
      namespace: NS,
      body: widget("w", { size: 1 }),
    });
    const ws = await custom.getNamespacedCustomObjectScale({
      ...W,
      namespace: NS,
      name: "w",
    });
    assertEquals(ws.spec.replicas, 1);
  },
);

simTest(
  "a CRD serving two versions shows one object through both",
  async ({ core, custom, kc }) => {
    const crd = widgetCrd();
    const v1 = crd.spec.versions[0];
    crd.spec.versions = [{ ...v1, storage: false }, {
      ...v1,
      name: "v2",
      storage: true,
    }];
    await kc.makeApiClient(ApiextensionsV1Api).createCustomResourceDefinition({
      body: crd,
    });
    await core.createNamespace({ body: { metadata: { name: NS } } });
    await custom.createNamespacedCustomObject({
      ...W,
      namespace: NS,
      body: widget("a", { size: 1 }),
    });
    const viaV2 = await custom.getNamespacedCustomObject({
      ...W,
      version: "v2",
      namespace: NS,
      name: "a",
    });
    assertEquals([viaV2.apiVersion, viaV2.spec.size], [`${GROUP}/v2`, 1]);
  },
);

simTest(
  "without a status subresource, a status change is a spec-like change (generation bumps)",
  async ({ core, custom, kc }) => {
    const crd = widgetCrd();
    delete crd.spec.versions[0].subresources;
    await kc.makeApiClient(ApiextensionsV1Api).createCustomResourceDefinition({
      body: crd,
    });
    await core.createNamespace({ body: { metadata: { name: NS } } });
    const w = await custom.createNamespacedCustomObject({
      ...W,
      namespace: NS,
      body: { ...widget("a", { size: 1 }), status: { phase: "x" } },
    });
    assertEquals(
      [w.status.phase, w.metadata.generation],
      ["x", 1],
      "status kept on create",
    );
    const p = await custom.patchNamespacedCustomObject(
      { ...W, namespace: NS, name: "a", body: { status: { phase: "y" } } },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
    assertEquals([p.status.phase, p.metadata.generation], ["y", 2]);
  },
);

simTest("a CRD whose name is not <plural>.<group> is 422", async ({ kc }) => {
  const crd = widgetCrd();
  crd.metadata!.name = "widgets.other.com";
  const s = await expectStatus(() =>
    kc.makeApiClient(ApiextensionsV1Api).createCustomResourceDefinition({
      body: crd,
    })
  );
  assertEquals([s.code, s.causes![0].field], [422, "metadata.name"]);
});
