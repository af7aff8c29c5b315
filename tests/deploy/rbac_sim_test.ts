/**
 * The RBAC of deploy/ is enough and no more: the controller, running as the
 * deploy/ ServiceAccount on the source and with the deploy/dr-cluster
 * account's token in the kubeconfig Secret, completes an end-to-end sync
 * under kube-sim's RBAC enforcement, and verbs outside the roles get 403.
 */
import "../../lib/preload.ts";
import { assert, assertEquals } from "../assert.ts";
import { ClusterClient, type JsonRequest } from "../../lib/kube/client.ts";
import { classifyError } from "../../lib/kube/errors.ts";
import { configMap, deployment } from "../lib/engine/fixtures.ts";
import {
  conditionOf,
  type E2e,
  NS,
  standardSetup,
  statusOf,
  until,
  withController,
} from "../controllers/harness.ts";
import { installSide } from "./sim-rbac.ts";
import type { WorldCluster } from "../world/mod.ts";

async function seedShop(e: E2e): Promise<void> {
  await e.src.create(e.type("namespaces"), {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: "shop" },
  });
  await e.src.create(e.type("deployments", "apps"), {
    ...deployment("api", 2),
    metadata: { name: "api", namespace: "shop", labels: { app: "api" } },
  });
  await e.src.create(e.type("configmaps"), {
    ...configMap("settings", { a: "1" }),
    metadata: { name: "settings", namespace: "shop" },
  });
  await e.src.create(e.type("secrets"), {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "db", namespace: "shop" },
    stringData: { password: "rbac-test-pw" },
  });
}

Deno.test("rbac: the controller syncs end to end with only the deploy/ roles", async () => {
  await withController(async (e) => {
    await seedShop(e);
    await standardSetup(e);
    e.start();
    await until(
      "first sync",
      async () => (await statusOf(e)).phase === "Synced",
    )
      .catch(async (err) => {
        console.log(JSON.stringify(await statusOf(e)), e.logs.join("\n"));
        throw err;
      });
    const rc = await e.getOwn("RemoteCluster", "dr");
    assertEquals(
      conditionOf(rc?.status as Record<string, unknown>, "Ready")?.status,
      "True",
    );
    for (
      const [type, name] of [
        ["deployments", "api"],
        ["configmaps", "settings"],
        ["secrets", "db"],
      ]
    ) {
      const t = e.type(type, type === "deployments" ? "apps" : "");
      assert(await e.drApi.get(t, "shop-dr", name), `${type}/${name} copied`);
    }
    const cm = e.type("configmaps");
    const live = await e.src.get(cm, "shop", "settings");
    await e.src.replace(cm, { ...live!, data: { a: "2" } });
    await until(
      "change arrived",
      async () =>
        ((await e.drApi.get(cm, "shop-dr", "settings"))?.data as Record<
          string,
          string
        >)?.a === "2",
    );
    await e.src.remove(cm, "shop", "settings");
    await until(
      "pruned",
      async () => !(await e.drApi.get(cm, "shop-dr", "settings")),
    );
    // A refusal names the reason or a 403 status/code; a bare 403 may be a
    // duration ("durationMs":403) or a port.
    const refused = /forbidden|(status|code)\D{0,3}403\b/i;
    const forbidden = e.logs.filter((l) => refused.test(l));
    assertEquals(forbidden, [], "no request was refused");
    const failures = (await statusOf(e)).failures ?? [];
    assertEquals(failures, []);
  }, { rbac: true });
});

async function attempt(
  cluster: WorldCluster,
  kubeconfig: string,
  method: JsonRequest["method"],
  path: string,
  body?: unknown,
): Promise<string> {
  const client = new ClusterClient((kc) => kc.loadFromString(kubeconfig), {
    name: cluster.name,
  });
  try {
    await client.requestJson(path, {
      method,
      body,
      contentType: method === "PATCH"
        ? "application/merge-patch+json"
        : undefined,
    });
    return "allowed";
  } catch (err) {
    return classifyError(err).reason;
  } finally {
    await client.close();
  }
}

const GROUP = "/apis/drsyncer.io/v1alpha1/namespaces/dr-syncer-system";

function anEvent() {
  return {
    metadata: { name: "shop-to-dr.1" },
    involvedObject: {
      apiVersion: "drsyncer.io/v1alpha1",
      kind: "NamespaceReplication",
      name: "shop-to-dr",
      namespace: NS,
    },
    reason: "Test",
    message: "rbac test",
    type: "Normal",
  };
}

Deno.test("rbac: verbs outside the roles are refused with 403", async () => {
  await withController(async (e) => {
    await seedShop(e);
    await standardSetup(e);
    const src = await installSide(e.source, "source");
    const dr = await installSide(e.dr, "dr");
    const cases: [
      string,
      WorldCluster,
      string,
      JsonRequest["method"],
      string,
      unknown?,
    ][] = [
      [
        "source: read a replicated type",
        e.source,
        src.kubeconfig,
        "GET",
        "/api/v1/namespaces/shop/configmaps",
        undefined,
      ],
      [
        "source: write an application object",
        e.source,
        src.kubeconfig,
        "POST",
        "/api/v1/namespaces/shop/configmaps",
        configMap("x", {}),
      ],
      [
        "source: scale a source workload",
        e.source,
        src.kubeconfig,
        "PATCH",
        "/apis/apps/v1/namespaces/shop/deployments/api",
        { spec: { replicas: 0 } },
      ],
      [
        "source: write a replication's spec",
        e.source,
        src.kubeconfig,
        "PATCH",
        `${GROUP}/namespacereplications/shop-to-dr`,
        { spec: { suspend: true } },
      ],
      [
        "source: write a Secret in its own namespace",
        e.source,
        src.kubeconfig,
        "POST",
        `/api/v1/namespaces/${NS}/secrets`,
        { metadata: { name: "s" } },
      ],
      [
        "source: write a replication's status",
        e.source,
        src.kubeconfig,
        "PATCH",
        `${GROUP}/namespacereplications/shop-to-dr/status`,
        { status: { phase: "Pending" } },
      ],
      [
        "source: record an Event in its namespace",
        e.source,
        src.kubeconfig,
        "POST",
        `/api/v1/namespaces/${NS}/events`,
        anEvent(),
      ],
      [
        "source: read pods",
        e.source,
        src.kubeconfig,
        "GET",
        "/api/v1/namespaces/shop/pods",
        undefined,
      ],
      [
        "dr: create a copy",
        e.dr,
        dr.kubeconfig,
        "POST",
        "/api/v1/namespaces/default/configmaps",
        configMap("y", {}),
      ],
      [
        "dr: delete a namespace",
        e.dr,
        dr.kubeconfig,
        "DELETE",
        "/api/v1/namespaces/default",
        undefined,
      ],
      [
        "dr: write cluster RBAC",
        e.dr,
        dr.kubeconfig,
        "POST",
        "/apis/rbac.authorization.k8s.io/v1/clusterroles",
        { metadata: { name: "x" }, rules: [] },
      ],
    ];
    const got = [];
    for (const [name, cluster, kc, method, path, body] of cases) {
      got.push(`${name}: ${await attempt(cluster, kc, method, path, body)}`);
    }
    assertEquals(got, [
      "source: read a replicated type: allowed",
      "source: write an application object: Forbidden",
      "source: scale a source workload: Forbidden",
      "source: write a replication's spec: Forbidden",
      "source: write a Secret in its own namespace: Forbidden",
      "source: write a replication's status: allowed",
      "source: record an Event in its namespace: allowed",
      "source: read pods: Forbidden",
      "dr: create a copy: allowed",
      "dr: delete a namespace: Forbidden",
      "dr: write cluster RBAC: Forbidden",
    ]);
  });
});
