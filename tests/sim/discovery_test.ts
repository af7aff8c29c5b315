// Discovery documents are inspected as raw JSON here.
// deno-lint-ignore-file no-explicit-any
import "../../lib/preload.ts";
import {
  ApiextensionsV1Api,
  ApisApi,
  CoreApi,
  VersionApi,
} from "@kubernetes/client-node";
import { assert, assertEquals } from "../assert.ts";
import { AGGREGATED_CONTENT_TYPE } from "./discovery.ts";
import { simTest } from "./harness.ts";
import type { SimCluster } from "./cluster.ts";

const KUBECTL_ACCEPT =
  "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList," +
  "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";

/** Raw GET with Deno's fetch, trusting the sim CA. */
async function get(
  c: SimCluster,
  path: string,
  accept = "application/json",
): Promise<{ type: string; body: any }> {
  const client = Deno.createHttpClient({ caCerts: [c.caPem] });
  try {
    const r = await fetch(`${c.url}${path}`, {
      client,
      headers: { authorization: `Bearer ${c.adminToken}`, accept },
    });
    return { type: r.headers.get("content-type") ?? "", body: await r.json() };
  } finally {
    client.close();
  }
}

const CRD = {
  metadata: { name: "gadgets.example.com" },
  spec: {
    group: "example.com",
    scope: "Namespaced",
    names: { plural: "gadgets", kind: "Gadget", singular: "gadget" },
    versions: [{
      name: "v1",
      served: true,
      storage: true,
      schema: {
        openAPIV3Schema: {
          type: "object",
          x_kubernetes_preserve_unknown_fields: true,
        },
      },
    }],
  },
};

simTest(
  "/version, legacy /api and /apis through client-node",
  async ({ kc }) => {
    const v = await kc.makeApiClient(VersionApi).getCode();
    assertEquals([v.major, v.minor], ["1", "32"]);
    const api = await kc.makeApiClient(CoreApi).getAPIVersions();
    assertEquals(api.versions, ["v1"]);
    const groups = await kc.makeApiClient(ApisApi).getAPIVersions();
    const names = groups.groups.map((g) => g.name);
    for (
      const g of [
        "apps",
        "batch",
        "networking.k8s.io",
        "policy",
        "autoscaling",
        "rbac.authorization.k8s.io",
        "coordination.k8s.io",
        "events.k8s.io",
        "apiextensions.k8s.io",
      ]
    ) {
      assert(names.includes(g), `group ${g} served`);
    }
  },
);

simTest(
  "aggregated discovery answers with the exact v2 content type",
  async ({ cluster }) => {
    const apis = await get(cluster, "/apis", KUBECTL_ACCEPT);
    assertEquals(apis.type, AGGREGATED_CONTENT_TYPE);
    assertEquals(apis.body.kind, "APIGroupDiscoveryList");
    const apps = apis.body.items.find((i: any) => i.metadata.name === "apps");
    const deploy = apps.versions[0].resources.find((r: any) =>
      r.resource === "deployments"
    );
    assertEquals(deploy.scope, "Namespaced");
    assertEquals(deploy.subresources.map((s: any) => s.subresource), [
      "status",
      "scale",
    ]);
    const core = await get(cluster, "/api", KUBECTL_ACCEPT);
    assertEquals(core.body.items[0].versions[0].version, "v1");
    const legacy = await get(cluster, "/apis");
    assertEquals(legacy.body.kind, "APIGroupList");
  },
);

simTest(
  "APIResourceLists and openapi/v3 reflect CRDs as they come and go",
  async ({ cluster, kc }) => {
    const ext = kc.makeApiClient(ApiextensionsV1Api);
    assertEquals((await get(cluster, "/apis/example.com/v1")).body.code, 404);
    await ext.createCustomResourceDefinition({ body: CRD });
    const list = await get(cluster, "/apis/example.com/v1");
    assertEquals(list.body.resources.map((r: any) => r.name), ["gadgets"]);
    const root = await get(cluster, "/openapi/v3");
    const url = root.body.paths["apis/example.com/v1"].serverRelativeURL;
    const doc = await get(cluster, url);
    const op = doc.body
      .paths["/apis/example.com/v1/namespaces/{namespace}/gadgets/{name}"]
      .patch;
    assertEquals(op["x-kubernetes-group-version-kind"], {
      group: "example.com",
      version: "v1",
      kind: "Gadget",
    });
    const v1 = await get(cluster, "/api/v1");
    assert(
      v1.body.resources.some((r: any) => r.name === "deployments/scale") ===
        false,
    );
    assert(v1.body.resources.some((r: any) => r.name === "namespaces/status"));
    await ext.deleteCustomResourceDefinition({ name: CRD.metadata.name });
    assertEquals((await get(cluster, "/apis/example.com/v1")).body.code, 404);
    const agg = await get(cluster, "/apis", KUBECTL_ACCEPT);
    assert(
      !agg.body.items.some((i: any) => i.metadata.name === "example.com"),
      "group gone from discovery",
    );
  },
);

simTest(
  "KubernetesObjectApi resolves built-in kinds and CRD kinds via discovery",
  async ({ objects, kc, core }) => {
    await kc.makeApiClient(ApiextensionsV1Api).createCustomResourceDefinition({
      body: CRD,
    });
    await core.createNamespace({ body: { metadata: { name: "o" } } });
    await objects.create({
      apiVersion: "example.com/v1",
      kind: "Gadget",
      metadata: { name: "g", namespace: "o" },
      spec: { any: 1 },
    });
    const g = await objects.read({
      apiVersion: "example.com/v1",
      kind: "Gadget",
      metadata: { name: "g", namespace: "o" },
    });
    assertEquals((g as unknown as { spec: unknown }).spec, { any: 1 });
  },
);
