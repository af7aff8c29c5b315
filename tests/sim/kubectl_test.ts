import "../../lib/preload.ts";
import { assertEquals, assertMatch } from "../assert.ts";
import { simTest } from "./harness.ts";
import { kubectl, MANIFESTS, ok } from "./kubectl.ts";

simTest(
  "kubectl create -f, get -o json, label, annotate, patch, scale, delete",
  async ({ cluster }) => {
    const created = await ok(cluster, ["create", "-f", "-"], MANIFESTS);
    assertEquals(created.trim().split("\n"), [
      "namespace/kc created",
      "configmap/c1 created",
      "deployment.apps/web created",
    ]);
    const cm = JSON.parse(
      await ok(cluster, ["get", "cm", "c1", "-n", "kc", "-o", "json"]),
    );
    assertEquals([cm.kind, cm.apiVersion, cm.data], ["ConfigMap", "v1", {
      a: "1",
    }]);
    assertEquals(
      (await ok(cluster, ["label", "cm", "c1", "-n", "kc", "tier=front"]))
        .trim(),
      "configmap/c1 labeled",
    );
    assertEquals(
      (await ok(cluster, ["annotate", "cm", "c1", "-n", "kc", "note=hi"]))
        .trim(),
      "configmap/c1 annotated",
    );
    assertEquals(
      (await ok(cluster, [
        "patch",
        "cm",
        "c1",
        "-n",
        "kc",
        "--type",
        "merge",
        "-p",
        '{"data":{"b":"2"}}',
      ])).trim(),
      "configmap/c1 patched",
    );
    assertEquals(
      (await ok(cluster, [
        "patch",
        "cm",
        "c1",
        "-n",
        "kc",
        "--type",
        "merge",
        "-p",
        '{"data":{"b":"2"}}',
      ])).trim(),
      "configmap/c1 patched (no change)",
    );
    assertEquals(
      (await ok(cluster, [
        "scale",
        "deploy",
        "web",
        "-n",
        "kc",
        "--replicas=3",
      ])).trim(),
      "deployment.apps/web scaled",
    );
    const d = cluster.store.get("deployments.apps", "kc", "web")!
      .obj as unknown as { spec: { replicas: number } };
    assertEquals(d.spec.replicas, 3);
    const after = JSON.parse(
      await ok(cluster, [
        "get",
        "cm",
        "-n",
        "kc",
        "-l",
        "tier=front",
        "-o",
        "json",
      ]),
    );
    assertEquals(after.items[0].metadata.annotations, { note: "hi" });
    assertEquals(after.items[0].data, { a: "1", b: "2" });
    assertEquals(
      (await ok(cluster, ["delete", "cm", "c1", "-n", "kc"])).trim(),
      'configmap "c1" deleted',
    );
    assertEquals(cluster.store.get("configmaps", "kc", "c1"), undefined);
  },
);

simTest(
  "kubectl replace with a stale resourceVersion prints the apiserver's conflict",
  async ({ cluster }) => {
    await ok(cluster, ["create", "-f", "-"], MANIFESTS);
    const stale = await ok(cluster, [
      "get",
      "cm",
      "c1",
      "-n",
      "kc",
      "-o",
      "json",
    ]);
    await ok(cluster, ["label", "cm", "c1", "-n", "kc", "bump=1"]);
    const fresh = JSON.parse(stale);
    fresh.data.a = "changed";
    const r = await kubectl(
      cluster,
      ["replace", "-f", "-"],
      JSON.stringify(fresh),
    );
    assertEquals(r.code, 1);
    assertEquals(
      r.stderr.trim(),
      'Error from server (Conflict): error when replacing "STDIN": Operation cannot be fulfilled on configmaps "c1": ' +
        "the object has been modified; please apply your changes to the latest version and try again",
    );
    delete fresh.metadata.resourceVersion;
    assertEquals(
      (await ok(cluster, ["replace", "-f", "-"], JSON.stringify(fresh))).trim(),
      "configmap/c1 replaced",
    );
  },
);

simTest(
  "kubectl prints immutable-field errors like against a real server",
  async ({ cluster }) => {
    await ok(cluster, ["create", "-f", "-"], MANIFESTS);
    const r = await kubectl(cluster, [
      "patch",
      "deploy",
      "web",
      "-n",
      "kc",
      "--type",
      "merge",
      "-p",
      '{"spec":{"selector":{"matchLabels":{"app":"other"}},"template":{"metadata":{"labels":{"app":"other"}}}}}',
    ]);
    assertEquals(r.code, 1);
    assertEquals(
      r.stderr.trim(),
      'The Deployment "web" is invalid: spec.selector: Invalid value: ' +
        '{"matchLabels":{"app":"other"}}: ' +
        "field is immutable",
    );
    const dup = await kubectl(cluster, ["create", "-f", "-"], MANIFESTS);
    assertMatch(
      dup.stderr,
      /Error from server \(AlreadyExists\): error when creating "STDIN": configmaps "c1" already exists/,
    );
  },
);

simTest("kubectl get -w streams changes", async ({ cluster }) => {
  await ok(cluster, ["create", "-f", "-"], MANIFESTS);
  const child = new Deno.Command("kubectl", {
    args: [
      "--kubeconfig",
      cluster.kubeconfigPath,
      "--cache-dir",
      `${cluster.kubeconfigPath}.cache`,
      "get",
      "cm",
      "-n",
      "kc",
      "-w",
      "--output-watch-events",
      "-o",
      "json",
      "--request-timeout=5s",
    ],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  const until = async (re: RegExp) => {
    while (!re.test(seen)) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`kubectl watch ended early: ${seen}`);
      seen += value;
    }
  };
  await until(/"name": ?"c1"/);
  await ok(cluster, ["label", "cm", "c1", "-n", "kc", "w=1"]);
  await until(/"type": ?"MODIFIED"/);
  child.kill("SIGTERM");
  await reader.cancel();
  await child.stderr.cancel();
  await child.status;
  assertMatch(seen, /"type": ?"ADDED"/);
});

simTest(
  "kubectl works with custom resources and the minimal OpenAPI (no --validate=false)",
  async ({ cluster }) => {
    const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wg]}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              size: {type: integer}
`;
    await ok(cluster, ["create", "-f", "-"], crd);
    const out = await ok(
      cluster,
      ["create", "-f", "-"],
      "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w, namespace: default}\nspec: {size: 2}\n",
    );
    assertEquals(out.trim(), "widget.example.com/w created");
    const got = JSON.parse(await ok(cluster, ["get", "wg", "w", "-o", "json"]));
    assertEquals(got.spec, { size: 2 });
    const bad = await kubectl(
      cluster,
      ["create", "-f", "-"],
      "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: x, namespace: default}\nspec: {size: 2, color: red}\n",
    );
    assertEquals(bad.code, 1);
    assertMatch(
      bad.stderr,
      /strict decoding error: unknown field "spec\.color"/,
    );
  },
);
