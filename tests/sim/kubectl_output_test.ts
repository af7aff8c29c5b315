import "../../lib/preload.ts";
import { assert, assertEquals, assertMatch } from "../assert.ts";
import { simTest } from "./harness.ts";
import { assertSubset, kubectl, MANIFESTS, ok } from "./kubectl.ts";
import type { SimCluster } from "./cluster.ts";

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

simTest(
  "kubectl get events prints the columns kube-apiserver's event printer has",
  async ({ cluster }) => {
    await ok(cluster, ["create", "namespace", "ev"]);
    const ago = (min: number) =>
      new Date(Date.now() - min * 60_000).toISOString().replace(/\.\d+Z/, "Z");
    const core = {
      apiVersion: "v1",
      kind: "Event",
      metadata: { name: "x.1", namespace: "ev" },
      involvedObject: { kind: "ConfigMap", name: "x", fieldPath: "data.k" },
      reason: "Tested",
      message: "hello  ",
      type: "Normal",
      source: { component: "conf", host: "h1" },
      count: 3,
      firstTimestamp: ago(60),
      lastTimestamp: ago(30),
    };
    const newer = {
      apiVersion: "events.k8s.io/v1",
      kind: "Event",
      metadata: { name: "y.2", namespace: "ev" },
      regarding: { kind: "ConfigMap", name: "x" },
      reason: "New",
      note: "via events.k8s.io",
      type: "Warning",
      action: "Test",
      reportingController: "conf/ctl",
      reportingInstance: "inst-1",
      eventTime: new Date(Date.now() - 20 * 60_000).toISOString(),
    };
    await ok(cluster, ["create", "-f", "-"], JSON.stringify(core));
    await ok(cluster, ["create", "-f", "-"], JSON.stringify(newer));
    const lines = (s: string) =>
      s.trim().split("\n").map((l) => l.split(/\s{2,}/));
    assertEquals(lines(await ok(cluster, ["get", "events", "-n", "ev"])), [
      ["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"],
      ["30m", "Normal", "Tested", "configmap/x", "hello"],
    ]);
    assertEquals(
      lines(
        await ok(cluster, [
          "get",
          "events.events.k8s.io",
          "-n",
          "ev",
          "-o",
          "wide",
        ]),
      ),
      [
        [
          "LAST SEEN",
          "TYPE",
          "REASON",
          "OBJECT",
          "SUBOBJECT",
          "SOURCE",
          "MESSAGE",
          "FIRST SEEN",
          "COUNT",
          "NAME",
        ],
        [
          "20m",
          "Warning",
          "New",
          "configmap/x",
          "conf/ctl, inst-1",
          "via events.k8s.io",
          "20m",
          "1",
          "y.2",
        ],
      ],
    );
  },
);

simTest(
  "kubectl explain describes a custom resource from its CRD schema",
  async ({ cluster }) => {
    await ok(
      cluster,
      ["create", "-f", "-"],
      `apiVersion: apiextensions.k8s.io/v1
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
    schema:
      openAPIV3Schema:
        type: object
        description: A remote cluster.
        properties:
          spec:
            type: object
            properties:
              server: {type: string, description: Where the API server listens.}
`,
    );
    assertEquals(
      await ok(cluster, ["explain", "remotes.spec.server"]),
      "GROUP:      example.com\nKIND:       Remote\nVERSION:    v1\n\n" +
        "FIELD: server <string>\n\n\nDESCRIPTION:\n" +
        "    Where the API server listens.\n    \n\n",
    );
    const top = await ok(cluster, ["explain", "remotes"]);
    assert(top.includes("A remote cluster."), top);
    assertMatch(top, /metadata\t<ObjectMeta>\n/);
    assertMatch(
      await ok(cluster, ["explain", "remotes.metadata.labels"]),
      /FIELD: labels <map\[string\]string>/,
    );
  },
);
