/**
 * Which objects are copied, end to end: include/exclude with "*", the
 * object selector, preserveNodePorts false, and a custom resource whose CRD
 * exists only on the source (fails alone with ResourceTypeMissing).
 */
import "../../lib/preload.ts";
import type { KubeObject } from "../../lib/sync/types.ts";
import { assert, assertEquals } from "../assert.ts";
import { configMap, deployment } from "../lib/engine/fixtures.ts";
import { classifyError } from "../../lib/kube/errors.ts";
import { type Side, SIDES, SYSTEM_NS } from "../deploy/sim-rbac.ts";
import {
  type E2e,
  eventFor,
  put,
  sourceNamespace,
  standardSetup,
  synced,
  withController,
} from "./harness.ts";

const GROUP = "example.com";

const WIDGET_CRD = {
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: `widgets.${GROUP}` },
  spec: {
    group: GROUP,
    scope: "Namespaced",
    names: {
      plural: "widgets",
      singular: "widget",
      kind: "Widget",
      listKind: "WidgetList",
    },
    versions: [{
      name: "v1",
      served: true,
      storage: true,
      schema: {
        openAPIV3Schema: {
          type: "object",
          "x-kubernetes-preserve-unknown-fields": true,
        },
      },
    }],
  },
};

const NODE_PORT = 30080;

const RBAC = "/apis/rbac.authorization.k8s.io/v1";

/**
 * Lets deploy/'s identities read widgets on the source and write them on DR,
 * as deploy/source-clusterrole.yaml tells a user to for a CRD's objects.
 * Without it the source refuses the widgets watch and the DR side refuses
 * the write (Forbidden comes before the missing CRD's 404), so the missing
 * CRD is never what fails.
 */
async function grantWidgets(e: E2e): Promise<void> {
  const sides: [E2e["src"], Side, string[]][] = [
    [e.src, "source", ["get", "list", "watch"]],
    [e.drApi, "dr", [
      "create",
      "delete",
      "get",
      "list",
      "patch",
      "update",
      "watch",
    ]],
  ];
  for (const [api, side, verbs] of sides) {
    const name = `dr-syncer-${side}-widgets`;
    const docs: [string, Record<string, unknown>][] = [
      [`${RBAC}/clusterroles`, {
        metadata: { name },
        rules: [{ apiGroups: [GROUP], resources: ["widgets"], verbs }],
      }],
      [`${RBAC}/clusterrolebindings`, {
        metadata: { name },
        roleRef: {
          apiGroup: "rbac.authorization.k8s.io",
          kind: "ClusterRole",
          name,
        },
        subjects: [{
          kind: "ServiceAccount",
          name: SIDES[side].account,
          namespace: SYSTEM_NS,
        }],
      }],
    ];
    for (const [path, body] of docs) {
      // Cluster-scoped: a shared world keeps it from an earlier test.
      await api.client.requestJson(path, { method: "POST", body }).catch(
        (err) => {
          if (classifyError(err).reason !== "AlreadyExists") throw err;
        },
      );
    }
  }
}

Deno.test('controller: include/exclude with "*", selector, preserveNodePorts false, and a CRD missing on DR', async () => {
  await withController(async (e) => {
    await e.src.create(
      e.type("customresourcedefinitions", "apiextensions.k8s.io"),
      WIDGET_CRD,
    );
    await sourceNamespace(e, "shop");
    await put(e, "shop", [
      configMap("front", { v: "1" }, { tier: "front" }),
      configMap("back", { v: "1" }, { tier: "back" }),
      deployment("api", 2),
      {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: "exposed" },
        spec: {
          type: "NodePort",
          selector: { app: "api" },
          ports: [{ port: 80, nodePort: NODE_PORT }],
        },
      },
    ]);
    await e.src.client.requestJson(
      `/apis/${GROUP}/v1/namespaces/shop/widgets`,
      {
        method: "POST",
        body: {
          apiVersion: `${GROUP}/v1`,
          kind: "Widget",
          metadata: { name: "w1" },
          spec: { size: 1 },
        },
      },
    );
    await grantWidgets(e);
    await standardSetup(e, {
      resourceTypes: { include: ["*"], exclude: ["deployments"] },
      services: { preserveNodePorts: false },
    });
    await e.apply("NamespaceMapping", "selected", {
      sourceNamespace: "shop",
      destinationNamespace: "shop-selected",
    });
    await e.apply("NamespaceReplication", "selected", {
      remoteClusterRef: { name: "dr" },
      namespaceMappingRefs: [{ name: "selected" }],
      resourceTypes: { include: ["configmaps"] },
      selector: { matchLabels: { tier: "front" } },
    });
    e.start();

    const all = await synced(e, "shop-to-dr", "Degraded");
    const failures = all.failures as { kind: string; reason: string }[];
    assertEquals(
      failures.map((f) => [f.kind, f.reason]),
      [["Widget", "ResourceTypeMissing"]],
      "only the custom resource fails",
    );
    const cm = e.type("configmaps");
    assert(await e.drApi.get(cm, "shop-dr", "front"));
    assert(await e.drApi.get(cm, "shop-dr", "back"));
    const deps = e.type("deployments", "apps");
    assertEquals(await e.drApi.get(deps, "shop-dr", "api"), undefined);
    const svc = await e.drApi.get(e.type("services"), "shop-dr", "exposed");
    const port = (svc?.spec as { ports: { nodePort: number }[] }).ports[0];
    assert(port.nodePort !== NODE_PORT, `DR allocated ${port.nodePort}`);

    await synced(e, "selected");
    const names = (await e.drApi.list(cm, "shop-selected"))
      .filter((o: KubeObject) => o.metadata.labels?.["drsyncer.io/replication"])
      .map((o) => o.metadata.name);
    assertEquals(names, ["front"]);
    const svcs = await e.drApi.list(e.type("services"), "shop-selected");
    assertEquals(svcs.length, 0);
    // deploy/'s identities in both worlds, as on a real cluster.
  }, { rbac: true });
});

/** A CRD whose objects deploy/'s source role does not grant (unlike widgets above). */
const GADGET_CRD = {
  ...WIDGET_CRD,
  metadata: { name: `gadgets.${GROUP}` },
  spec: {
    ...WIDGET_CRD.spec,
    names: {
      plural: "gadgets",
      singular: "gadget",
      kind: "Gadget",
      listKind: "GadgetList",
    },
  },
};

Deno.test('controller: with include "*", a type the source role does not grant is reported as refused and the rest is copied', async () => {
  await withController(async (e) => {
    await e.src.create(
      e.type("customresourcedefinitions", "apiextensions.k8s.io"),
      GADGET_CRD,
    );
    await sourceNamespace(e, "shop");
    await put(e, "shop", [configMap("front", { v: "1" })]);
    await standardSetup(e, { resourceTypes: { include: ["*"] } });
    e.start();

    const event = await eventFor(e, "shop-to-dr", "SyncWarning");
    assert(
      event.message.includes("gadgets") && /forbidden/i.test(event.message),
      `the refusal is named, not a cache still syncing: ${event.message}`,
    );
    assert(await e.drApi.get(e.type("configmaps"), "shop-dr", "front"));
  }, { rbac: true });
});
