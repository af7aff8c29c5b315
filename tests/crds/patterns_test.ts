import "../../lib/preload.ts";
import { assertEquals } from "../assert.ts";
import { crdFor, rootSchema, type SchemaNode } from "./schema.ts";

/** The schema node at a /-separated path under spec. */
function specNode(kind: string, path: string): SchemaNode {
  let node = rootSchema(crdFor(kind)).properties!.spec;
  for (const p of path.split("/")) {
    node = p === "items" ? node.items! : node.properties![p];
  }
  return node;
}

function accepts(node: SchemaNode, value: string): boolean {
  // Kubernetes matches patterns with RE2; ours use no feature where
  // JavaScript's unanchored RegExp.test differs (they are all anchored).
  return new RegExp(node.pattern as string).test(value);
}

const cases = [
  {
    field: ["RemoteCluster", "probeInterval"],
    good: ["60s", "10m", "1h30m", "1.5s", "250ms", "2h"],
    bad: ["", "60", "1 m", "-5s", "1d", "s", "1.s", "10M"],
  },
  {
    field: ["NamespaceReplication", "pruneSafety/delay"],
    good: ["0s", "90s", "1m30s"],
    bad: ["soon", "1w"],
  },
  {
    field: ["NamespaceReplication", "schedule"],
    good: [
      "*/5 * * * *",
      "0 3 * * 1-5",
      "15,45 * * JAN-MAR MON",
      "0 0 1 * ?",
      "@hourly",
      "@daily",
      "@weekly",
      "@monthly",
      "@yearly",
      "@annually",
      "@midnight",
      "30m",
      "1h30m",
    ],
    bad: [
      "* * * *",
      "* * * * * * *",
      "@every 5m",
      "@sometimes",
      "hourly",
      "",
      " * * * * *",
    ],
  },
  {
    field: ["NamespaceReplication", "resourceTypes/include/items"],
    good: [
      "*",
      "deployments",
      "deployments.apps",
      "widgets.example.com",
      "ingresses.networking.k8s.io",
    ],
    bad: [
      "Deployments",
      "deployment/apps",
      "*.apps",
      ".apps",
      "apps.",
      "",
      "a b",
    ],
  },
  {
    field: ["NamespaceReplication", "resourceTypes/exclude/items"],
    good: ["jobs.batch", "secrets"],
    bad: ["*"],
  },
  {
    field: ["NamespaceMapping", "destinationNameTemplate"],
    good: ["{name}", "{name}-dr", "dr-{name}", "a-{name}-b"],
    bad: ["shop-dr", "{NAME}", "{name}_dr", "{ name }"],
  },
  {
    field: ["NamespaceMapping", "sourceNamespace"],
    good: ["shop", "shop-prod", "a1"],
    bad: ["Shop", "-shop", "shop-", "shop.prod", ""],
  },
  {
    field: ["RemoteCluster", "kubeconfigSecretRef/key"],
    good: ["kubeconfig", "config.yaml", "KUBE_CONFIG"],
    bad: ["a/b", "", "a b"],
  },
]; // deno-fmt-ignore

for (const c of cases) {
  const [kind, path] = c.field;
  Deno.test(`pattern of ${kind} ${path}`, () => {
    const node = specNode(kind, path);
    const wrong = [
      ...c.good.filter((v) => !accepts(node, v)).map((v) => `refused ${v}`),
      ...c.bad.filter((v) => accepts(node, v)).map((v) => `accepted ${v}`),
    ];
    assertEquals(wrong, []);
  });
}
