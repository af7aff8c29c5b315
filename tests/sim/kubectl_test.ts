import "../../lib/preload.ts";
import { assert, assertEquals, assertMatch } from "../assert.ts";
import { simTest } from "./harness.ts";
import type { SimCluster } from "./cluster.ts";

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

const decoder = new TextDecoder();

/** Runs the real kubectl against a cluster with a fresh discovery cache. */
async function kubectl(
  c: SimCluster,
  args: string[],
  stdin?: string,
): Promise<Run> {
  const cacheDir = `${c.kubeconfigPath}.cache`;
  const cmd = new Deno.Command("kubectl", {
    args: ["--kubeconfig", c.kubeconfigPath, "--cache-dir", cacheDir, ...args],
    stdin: stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  });
  let child: Deno.ChildProcess;
  try {
    child = cmd.spawn();
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new Error(
        "kubectl is not on PATH: the kube-sim fidelity tests need kubectl v1.32 installed",
      );
    }
    throw e;
  }
  if (stdin !== undefined) {
    const w = child.stdin.getWriter();
    await w.write(new TextEncoder().encode(stdin));
    await w.close();
  }
  const out = await child.output();
  return {
    code: out.code,
    stdout: decoder.decode(out.stdout),
    stderr: decoder.decode(out.stderr),
  };
}

async function ok(
  c: SimCluster,
  args: string[],
  stdin?: string,
): Promise<string> {
  const r = await kubectl(c, args, stdin);
  assertEquals(r.code, 0, `kubectl ${args.join(" ")} failed: ${r.stderr}`);
  return r.stdout;
}

const MANIFESTS = `apiVersion: v1
kind: Namespace
metadata:
  name: kc
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: c1
  namespace: kc
data:
  a: "1"
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: kc
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: c
        image: nginx:1.25
`;

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
        'v1.LabelSelector{MatchLabels:map[string]string{"app":"other"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: ' +
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

/** Every non-empty leaf of `want` is present with the same value in `got`. */
function assertSubset(got: unknown, want: unknown, path = ""): void {
  if (want === null || want === undefined) return;
  if (Array.isArray(want)) {
    assert(Array.isArray(got), `${path}: expected an array`);
    want.forEach((w, i) =>
      assertSubset((got as unknown[])[i], w, `${path}[${i}]`)
    );
  } else if (typeof want === "object") {
    for (const [k, v] of Object.entries(want)) {
      assertSubset((got as Record<string, unknown>)?.[k], v, `${path}.${k}`);
    }
  } else assertEquals(got, want, path);
}

const GENERATORS = [
  ["create", "namespace", "gen"],
  ["create", "configmap", "c", "--from-literal=a=b", "--from-literal=c=d"],
  ["create", "secret", "generic", "s", "--from-literal=p=q"],
  [
    "create",
    "secret",
    "tls",
    "t",
    `--cert=${new URL("./certs/server.crt", import.meta.url).pathname}`,
    `--key=${new URL("./certs/server.key", import.meta.url).pathname}`,
  ],
  ["create", "serviceaccount", "sa"],
  ["create", "deployment", "d", "--image=nginx:1", "--replicas=2", "--port=80"],
  ["create", "service", "clusterip", "svc", "--tcp=80:8080"],
  ["create", "service", "nodeport", "np", "--tcp=81:8081"],
  ["create", "job", "j", "--image=busybox:1", "--", "echo", "hi"],
  [
    "create",
    "role",
    "r",
    "--verb=get,list",
    "--resource=pods,deployments.apps",
  ],
  [
    "create",
    "rolebinding",
    "rb",
    "--role=r",
    "--user=u",
    "--serviceaccount=default:sa",
  ],
  ["create", "clusterrole", "cr", "--verb=get", "--resource=configmaps"],
  ["create", "clusterrolebinding", "crb", "--clusterrole=cr", "--group=g"],
];

simTest(
  "kubectl create generators (protobuf bodies) store what kubectl meant",
  async ({ cluster }) => {
    for (const args of GENERATORS) {
      const dash = args.indexOf("--");
      const [head, tail] = dash >= 0
        ? [args.slice(0, dash), args.slice(dash)]
        : [args, []];
      const ns =
        ["namespace", "clusterrole", "clusterrolebinding"].includes(args[1])
          ? []
          : ["-n", "default"];
      const want = JSON.parse(
        await ok(cluster, [
          ...head,
          ...ns,
          "--dry-run=client",
          "-o",
          "json",
          ...tail,
        ]),
      );
      const got = JSON.parse(
        await ok(cluster, [...head, ...ns, "-o", "json", ...tail]),
      );
      assertSubset(got, want, args.slice(0, 3).join(" "));
    }
  },
);

simTest(
  "kubectl get all lists the workload categories; auth can-i asks the sim's authorizer",
  async ({ cluster }) => {
    await ok(cluster, ["create", "-f", "-"], MANIFESTS);
    const all = await ok(cluster, ["get", "all", "-n", "kc", "-o", "name"]);
    assertEquals(all.trim(), "deployment.apps/web");
    assertEquals(
      (await ok(cluster, ["auth", "can-i", "delete", "nodes"])).trim(),
      "yes",
    );
    const token = cluster.createToken({
      name: "viewer",
      rules: [{
        verbs: ["list"],
        apiGroups: [""],
        resources: ["configmaps"],
        namespaces: ["kc"],
      }],
    });
    const limited = {
      ...cluster,
      kubeconfigPath: `${cluster.kubeconfigPath}.viewer`,
    } as SimCluster;
    await Deno.writeTextFile(
      limited.kubeconfigPath,
      cluster.kubeconfigFor(token, "viewer"),
    );
    assertEquals(
      (await ok(limited, ["auth", "can-i", "list", "configmaps", "-n", "kc"]))
        .trim(),
      "yes",
    );
    const no = await kubectl(limited, [
      "auth",
      "can-i",
      "list",
      "configmaps",
      "-n",
      "default",
    ]);
    assertEquals([no.code, no.stdout.trim()], [1, "no"]);
    const denied = await kubectl(limited, ["get", "cm", "-n", "default"]);
    assertEquals(
      denied.stderr.trim(),
      'Error from server (Forbidden): configmaps is forbidden: User "viewer" cannot list resource "configmaps" in API group "" in the namespace "default"',
    );
  },
);

simTest(
  "kubectl apply (client side) creates, then patches with the last-applied annotation",
  async ({ cluster }) => {
    const out = await ok(cluster, ["apply", "-f", "-"], MANIFESTS);
    assertEquals(out.trim().split("\n"), [
      "namespace/kc created",
      "configmap/c1 created",
      "deployment.apps/web created",
    ]);
    const changed = MANIFESTS.replace('a: "1"', 'a: "2"').replace(
      "nginx:1.25",
      "nginx:1.26",
    );
    const again = await ok(cluster, ["apply", "-f", "-"], changed);
    assertEquals(again.trim().split("\n"), [
      "namespace/kc unchanged",
      "configmap/c1 configured",
      "deployment.apps/web configured",
    ]);
    const d = JSON.parse(
      await ok(cluster, ["get", "deploy", "web", "-n", "kc", "-o", "json"]),
    );
    assertEquals(
      d.spec.template.spec.containers.map((c: { image: string }) => c.image),
      ["nginx:1.26"],
    );
    assertEquals(d.metadata.generation, 2);
    assert(
      d.metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"]
        .includes("nginx:1.26"),
    );
  },
);

simTest(
  "kubectl get prints server-side Table columns, including CRD printer columns",
  async ({ cluster }) => {
    await ok(cluster, ["create", "-f", "-"], MANIFESTS);
    const ns = await ok(cluster, ["get", "ns", "kc"]);
    assertMatch(ns, /^NAME\s+STATUS\s+AGE\nkc\s+Active\s+\d+s\n$/);
    const deploy = await ok(cluster, ["get", "deploy", "-n", "kc"]);
    assertMatch(
      deploy,
      /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\nweb\s+0\/1\s+0\s+0\s+\d+s\n$/,
    );
    const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: remotes.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {plural: remotes, singular: remote, kind: Remote}
  versions:
  - name: v1
    served: true
    storage: true
    subresources: {status: {}}
    additionalPrinterColumns:
    - {name: Ready, type: string, jsonPath: '.status.conditions[?(@.type=="Ready")].status'}
    - {name: Server, type: string, jsonPath: .spec.server}
    - {name: Age, type: date, jsonPath: .metadata.creationTimestamp}
    schema:
      openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
`;
    await ok(cluster, ["create", "-f", "-"], crd);
    await ok(
      cluster,
      ["create", "-f", "-"],
      "apiVersion: example.com/v1\nkind: Remote\nmetadata: {name: dr, namespace: kc}\nspec: {server: 'https://dr'}\n",
    );
    const remote = await ok(cluster, ["get", "remotes", "-n", "kc"]);
    assertMatch(
      remote,
      /^NAME\s+READY\s+SERVER\s+AGE\ndr\s+https:\/\/dr\s+\d+s\n$/,
    );
  },
);

simTest(
  "kubectl rollout status finishes when workloadStatus is on",
  async ({ cluster }) => {
    await ok(cluster, ["create", "-f", "-"], MANIFESTS);
    const out = await ok(cluster, [
      "rollout",
      "status",
      "deploy/web",
      "-n",
      "kc",
      "--timeout=5s",
    ]);
    assertEquals(out.trim(), 'deployment "web" successfully rolled out');
    assertMatch(
      await ok(cluster, ["get", "deploy", "web", "-n", "kc"]),
      /web\s+1\/1\s+1\s+1\s+/,
    );
  },
  { workloadStatus: true },
);
