import "../../lib/preload.ts";
import { RbacAuthorizationV1Api } from "@kubernetes/client-node";
import { assertEquals } from "../assert.ts";
import { clientsFor, expectStatus, simTest } from "./harness.ts";
import { ruleAllows } from "./rbac.ts";

const CM = {
  verb: "get",
  group: "",
  resource: "configmaps",
  namespace: "a",
  name: "x",
};

const RULES: {
  name: string;
  rule: Record<string, string[]>;
  attrs: typeof CM & { subresource?: string };
  want: boolean;
}[] = [
  {
    name: "exact match",
    rule: { verbs: ["get"], apiGroups: [""], resources: ["configmaps"] },
    attrs: CM,
    want: true,
  },
  {
    name: "wildcards",
    rule: { verbs: ["*"], apiGroups: ["*"], resources: ["*"] },
    attrs: CM,
    want: true,
  },
  {
    name: "other verb",
    rule: { verbs: ["list"], apiGroups: [""], resources: ["configmaps"] },
    attrs: CM,
    want: false,
  },
  {
    name: "other group",
    rule: { verbs: ["get"], apiGroups: ["apps"], resources: ["configmaps"] },
    attrs: CM,
    want: false,
  },
  {
    name: "subresource needs its own entry",
    rule: {
      verbs: ["update"],
      apiGroups: ["apps"],
      resources: ["deployments"],
    },
    attrs: {
      ...CM,
      verb: "update",
      group: "apps",
      resource: "deployments",
      subresource: "scale",
    },
    want: false,
  },
  {
    name: "subresource entry",
    rule: {
      verbs: ["update"],
      apiGroups: ["apps"],
      resources: ["deployments/scale"],
    },
    attrs: {
      ...CM,
      verb: "update",
      group: "apps",
      resource: "deployments",
      subresource: "scale",
    },
    want: true,
  },
  {
    name: "resourceNames allows the named object",
    rule: {
      verbs: ["get"],
      apiGroups: [""],
      resources: ["configmaps"],
      resourceNames: ["x"],
    },
    attrs: CM,
    want: true,
  },
  {
    name: "resourceNames never allows an unnamed request",
    rule: {
      verbs: ["list"],
      apiGroups: [""],
      resources: ["configmaps"],
      resourceNames: ["x"],
    },
    attrs: { ...CM, verb: "list", name: undefined as unknown as string },
    want: false,
  },
];

for (const c of RULES) {
  Deno.test(`RBAC rule: ${c.name}`, () =>
    assertEquals(ruleAllows(c.rule, c.attrs), c.want));
}

simTest(
  "ServiceAccount tokens get exactly what RoleBindings and ClusterRoleBindings grant",
  async ({ cluster, core, kc }) => {
    const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
    for (const ns of ["a", "b"]) {
      await core.createNamespace({ body: { metadata: { name: ns } } });
    }
    const sa = clientsFor(
      cluster,
      cluster.createServiceAccountToken("a", "op"),
    );
    assertEquals(
      (await expectStatus(() =>
        sa.core.listNamespacedConfigMap({ namespace: "a" })
      )).code,
      403,
      "nothing bound yet",
    );
    await rbac.createNamespacedRole({
      namespace: "a",
      body: {
        metadata: { name: "cm-reader" },
        rules: [{
          verbs: ["list"],
          apiGroups: [""],
          resources: ["configmaps"],
        }],
      },
    });
    await rbac.createNamespacedRoleBinding({
      namespace: "a",
      body: {
        metadata: { name: "op-reads" },
        roleRef: {
          apiGroup: "rbac.authorization.k8s.io",
          kind: "Role",
          name: "cm-reader",
        },
        subjects: [{ kind: "ServiceAccount", name: "op", namespace: "a" }],
      },
    });
    assertEquals(
      (await sa.core.listNamespacedConfigMap({ namespace: "a" })).items.length,
      1,
    );
    const other = await expectStatus(() =>
      sa.core.listNamespacedConfigMap({ namespace: "b" })
    );
    assertEquals(
      other.message,
      'configmaps is forbidden: User "system:serviceaccount:a:op" cannot list resource "configmaps" in API group "" in the namespace "b"',
    );
    await rbac.createClusterRoleBinding({
      body: {
        metadata: { name: "all-sa-admin" },
        roleRef: {
          apiGroup: "rbac.authorization.k8s.io",
          kind: "ClusterRole",
          name: "cluster-admin",
        },
        subjects: [{
          kind: "Group",
          name: "system:serviceaccounts:a",
          apiGroup: "rbac.authorization.k8s.io",
        }],
      },
    });
    assertEquals(
      (await sa.core.listNamespacedConfigMap({ namespace: "b" })).items.length,
      1,
      "group binding to cluster-admin",
    );
    await sa.core.createNamespace({ body: { metadata: { name: "c" } } });
  },
);

simTest(
  "RBAC object names may contain colons (path-segment names)",
  async ({ kc }) => {
    const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
    const r = await rbac.createClusterRole({
      body: { metadata: { name: "dr-syncer:manager" }, rules: [] },
    });
    assertEquals(r.metadata!.name, "dr-syncer:manager");
    const bad = await expectStatus(() =>
      rbac.createClusterRole({ body: { metadata: { name: "a/b" }, rules: [] } })
    );
    assertEquals(bad.code, 422);
  },
);
