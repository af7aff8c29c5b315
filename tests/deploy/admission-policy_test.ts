/**
 * The DR identity's ValidatingAdmissionPolicy (deploy/dr-cluster/
 * admission-policy.yaml), its CEL evaluated by a CEL implementation over
 * the requests it must allow and deny. kube-sim does not run admission
 * policies; admission-policy_real_test.ts sends such requests to a real
 * kube-apiserver.
 */
import "../../lib/preload.ts";
import { run as runCel } from "@bufbuild/cel";
import { parseAllDocuments } from "yaml";
import { assert, assertEquals } from "../assert.ts";
import { ROOT } from "./manifests.ts";

interface Policy {
  spec: {
    matchConditions: { expression: string }[];
    variables: { name: string; expression: string }[];
    validations: { expression: string; message: string }[];
  };
}

const docs = parseAllDocuments(
  Deno.readTextFileSync(`${ROOT}deploy/dr-cluster/admission-policy.yaml`),
).map((d) => d.toJS());
const policy = docs.find((d) =>
  d.kind === "ValidatingAdmissionPolicy"
) as Policy;
const binding = docs.find((d) => d.kind === "ValidatingAdmissionPolicyBinding");

/** CEL over plain JSON (the library types its inputs more narrowly). */
function run(expression: string, input: Record<string, unknown>): unknown {
  return runCel(expression, input as Parameters<typeof runCel>[1]);
}

const DR_USER = "system:serviceaccount:dr-syncer-system:dr-syncer-remote";
const OURS = { "drsyncer.io/replication": "dr-syncer-system.shop" };

type Obj = Record<string, unknown> & {
  metadata: {
    name: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
};

interface Req {
  operation: "CREATE" | "UPDATE" | "DELETE";
  kind: string;
  group?: string;
  namespace: string;
  name: string;
  object?: Obj | null;
  oldObject?: Obj | null;
  namespaceObject?: Obj | null;
  user?: string;
}

function ns(
  name: string,
  labels?: Record<string, string>,
  annotations?: Record<string, string>,
): Obj {
  return { metadata: { name, labels, annotations } };
}

function obj(
  name: string,
  labels?: Record<string, string>,
  extra: Record<string, unknown> = {},
): Obj {
  return { metadata: { name, ...(labels ? { labels } : {}) }, ...extra };
}

/** "allow", or the message of the first failing validation. */
function admit(r: Req): string {
  const vars: Record<string, unknown> = {
    request: {
      operation: r.operation,
      kind: { group: r.group ?? "", version: "v1", kind: r.kind },
      namespace: r.namespace,
      name: r.name,
      userInfo: { username: r.user ?? DR_USER },
    },
    object: r.object ?? null,
    oldObject: r.oldObject ?? null,
    namespaceObject: r.namespaceObject === undefined
      ? ns(r.namespace)
      : r.namespaceObject,
  };
  const matches = policy.spec.matchConditions.every((c) =>
    run(c.expression, vars) === true
  );
  if (!matches) return "allow";
  const variables: Record<string, unknown> = {};
  for (const v of policy.spec.variables) {
    variables[v.name] = run(v.expression, { ...vars, variables });
    assertEquals(
      typeof variables[v.name],
      "boolean",
      `${v.name} evaluated to ${String(variables[v.name])}`,
    );
  }
  for (const v of policy.spec.validations) {
    const ok = run(v.expression, { ...vars, variables });
    assertEquals(typeof ok, "boolean", v.expression);
    if (!ok) return v.message;
  }
  return "allow";
}

const shop = ns("shop-dr", OURS);
const cases: { name: string; req: Req; allow: boolean; why?: RegExp }[] = [
  {
    name: "create a copy in a DR namespace",
    req: {
      operation: "CREATE",
      kind: "ConfigMap",
      namespace: "shop-dr",
      name: "c",
      object: obj("c", OURS),
      namespaceObject: shop,
    },
    allow: true,
  },
  {
    name: "update our copy",
    req: {
      operation: "UPDATE",
      kind: "ConfigMap",
      namespace: "shop-dr",
      name: "c",
      object: obj("c", OURS),
      oldObject: obj("c", OURS),
      namespaceObject: shop,
    },
    allow: true,
  },
  {
    name: "delete our copy (prune)",
    req: {
      operation: "DELETE",
      kind: "ConfigMap",
      namespace: "shop-dr",
      name: "c",
      oldObject: obj("c", OURS),
      namespaceObject: shop,
    },
    allow: true,
  },
  {
    name: "update an object without our label",
    req: {
      operation: "UPDATE",
      kind: "ConfigMap",
      namespace: "shop-dr",
      name: "theirs",
      object: obj("theirs", OURS),
      oldObject: obj("theirs"),
      namespaceObject: shop,
    },
    allow: false,
    why: /only objects labelled/,
  },
  {
    name: "delete an object without our label",
    req: {
      operation: "DELETE",
      kind: "ConfigMap",
      namespace: "shop-dr",
      name: "kube-root-ca.crt",
      oldObject: obj("kube-root-ca.crt"),
      namespaceObject: shop,
    },
    allow: false,
    why: /only objects labelled/,
  },
  {
    name: "Adopt's first write: our label and adopted=true at once",
    req: {
      operation: "UPDATE",
      kind: "Service",
      namespace: "shop-dr",
      name: "api",
      object: obj("api", { ...OURS, "drsyncer.io/adopted": "true" }),
      oldObject: obj("api"),
      namespaceObject: shop,
    },
    allow: true,
  },
  {
    name: "delete an adopted object",
    req: {
      operation: "DELETE",
      kind: "Service",
      namespace: "shop-dr",
      name: "api",
      oldObject: obj("api", { ...OURS, "drsyncer.io/adopted": "true" }),
      namespaceObject: shop,
    },
    allow: false,
    why: /never delete adopted/,
  },
  {
    name: "merge imagePullSecrets into the default ServiceAccount",
    req: {
      operation: "UPDATE",
      kind: "ServiceAccount",
      namespace: "shop-dr",
      name: "default",
      object: obj("default", undefined, {
        secrets: [{ name: "t" }],
        imagePullSecrets: [{ name: "registry" }],
      }),
      oldObject: obj("default", undefined, { secrets: [{ name: "t" }] }),
      namespaceObject: shop,
    },
    allow: true,
  },
  {
    name: "label the default ServiceAccount as ours",
    req: {
      operation: "UPDATE",
      kind: "ServiceAccount",
      namespace: "shop-dr",
      name: "default",
      object: obj("default", OURS),
      oldObject: obj("default"),
      namespaceObject: shop,
    },
    allow: false,
  },
  {
    name: "change the default ServiceAccount's token secrets",
    req: {
      operation: "UPDATE",
      kind: "ServiceAccount",
      namespace: "shop-dr",
      name: "default",
      object: obj("default", undefined, { secrets: [{ name: "mine" }] }),
      oldObject: obj("default", undefined, { secrets: [{ name: "t" }] }),
      namespaceObject: shop,
    },
    allow: false,
  },
  {
    name: "delete the default ServiceAccount",
    req: {
      operation: "DELETE",
      kind: "ServiceAccount",
      namespace: "shop-dr",
      name: "default",
      oldObject: obj("default"),
      namespaceObject: shop,
    },
    allow: false,
  },
  ...["kube-system", "kube-public", "default", "dr-syncer-system"].map((n) => ({
    name: `create anything in ${n}`,
    req: {
      operation: "CREATE" as const,
      kind: "Secret",
      namespace: n,
      name: "x",
      object: obj("x", OURS),
      namespaceObject: ns(n),
    },
    allow: false,
    why: /kube-\*, default or its own namespace/,
  })),
  {
    name: "create in default when an admin opted it in",
    req: {
      operation: "CREATE",
      kind: "ConfigMap",
      namespace: "default",
      name: "x",
      object: obj("x", OURS),
      namespaceObject: ns("default", { "drsyncer.io/dr-writable": "true" }),
    },
    allow: true,
  },
  {
    name: "update the kube-system Namespace itself",
    req: {
      operation: "UPDATE",
      kind: "Namespace",
      namespace: "kube-system",
      name: "kube-system",
      object: ns("kube-system", OURS),
      oldObject: ns("kube-system"),
      namespaceObject: null,
    },
    allow: false,
  },
  {
    name: "opt a namespace in by itself",
    req: {
      operation: "UPDATE",
      kind: "Namespace",
      namespace: "shop-dr",
      name: "shop-dr",
      object: ns("shop-dr", { ...OURS, "drsyncer.io/dr-writable": "true" }),
      oldObject: shop,
      namespaceObject: null,
    },
    allow: false,
    why: /may not set drsyncer.io\/dr-writable/,
  },
  {
    name: "create a DR namespace",
    req: {
      operation: "CREATE",
      kind: "Namespace",
      namespace: "shop-dr",
      name: "shop-dr",
      object: shop,
      namespaceObject: null,
    },
    allow: true,
  },
  {
    name: "update our DR namespace (metadata, prune history)",
    req: {
      operation: "UPDATE",
      kind: "Namespace",
      namespace: "shop-dr",
      name: "shop-dr",
      object: shop,
      oldObject: shop,
      namespaceObject: null,
    },
    allow: true,
  },
  {
    name: "record the prune budget on a namespace we did not create",
    req: {
      operation: "UPDATE",
      kind: "Namespace",
      namespace: "shop-dr",
      name: "shop-dr",
      object: ns("shop-dr", { team: "a" }, {
        quota: "x",
        "drsyncer.io/prune-history": "[1]",
      }),
      oldObject: ns("shop-dr", { team: "a" }, { quota: "x" }),
      namespaceObject: null,
    },
    allow: true,
  },
  ...[
    ["change a label", ns("shop-dr", { team: "b" }, { quota: "x" })],
    ["drop an annotation", ns("shop-dr", { team: "a" })],
    ["change an annotation", ns("shop-dr", { team: "a" }, { quota: "y" })],
  ].map(([what, object]) => ({
    name: `${what} of a namespace we did not create (beside the prune budget)`,
    req: {
      operation: "UPDATE" as const,
      kind: "Namespace",
      namespace: "shop-dr",
      name: "shop-dr",
      object: {
        ...(object as Obj),
        metadata: {
          ...(object as Obj).metadata,
          annotations: {
            ...(object as Obj).metadata.annotations,
            "drsyncer.io/prune-history": "[1]",
          },
        },
      },
      oldObject: ns("shop-dr", { team: "a" }, { quota: "x" }),
      namespaceObject: null,
    },
    allow: false,
    why: /only objects labelled/,
  })),
  {
    name: "write into a promoted namespace",
    req: {
      operation: "UPDATE",
      kind: "Deployment",
      group: "apps",
      namespace: "shop-dr",
      name: "web",
      object: obj("web", OURS),
      oldObject: obj("web", OURS),
      namespaceObject: ns("shop-dr", OURS, {
        "drsyncer.io/promoted": "2026-12-04T10:00:00Z",
      }),
    },
    allow: false,
    why: /promoted/,
  },
  {
    name: "create in a namespace labelled promoted",
    req: {
      operation: "CREATE",
      kind: "ConfigMap",
      namespace: "shop-dr",
      name: "c",
      object: obj("c", OURS),
      namespaceObject: ns("shop-dr", {
        ...OURS,
        "drsyncer.io/promoted": "true",
      }),
    },
    allow: false,
  },
  {
    name: "unmark a promoted namespace",
    req: {
      operation: "UPDATE",
      kind: "Namespace",
      namespace: "shop-dr",
      name: "shop-dr",
      object: shop,
      oldObject: ns("shop-dr", OURS, {
        "drsyncer.io/promoted": "2026-12-04T10:00:00Z",
      }),
      namespaceObject: null,
    },
    allow: false,
    why: /promoted/,
  },
  {
    name: "anyone else (promote by the operator) is not matched",
    req: {
      operation: "UPDATE",
      kind: "Deployment",
      group: "apps",
      namespace: "kube-system",
      name: "coredns",
      object: obj("coredns"),
      oldObject: obj("coredns"),
      user: "kubernetes-admin",
    },
    allow: true,
  },
];

for (const c of cases) {
  Deno.test(`admission policy: ${c.allow ? "allows" : "denies"} ${c.name}`, () => {
    const verdict = admit(c.req);
    if (c.allow) assertEquals(verdict, "allow");
    else {
      assert(verdict !== "allow", "allowed");
      if (c.why) assert(c.why.test(verdict), verdict);
    }
  });
}

Deno.test("admission policy: the binding denies (not only warns) and names the policy", () => {
  assertEquals(binding?.spec.policyName, "dr-syncer-remote-guard");
  assertEquals(binding?.spec.validationActions, ["Deny"]);
});
