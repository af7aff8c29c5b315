import "../../../lib/preload.ts";
import { assert, assertEquals } from "../../assert.ts";
import {
  type DiscoveredResource,
  resolveResourceTypes,
  type ResourceTypesSpec,
} from "../../../lib/sync/resource-types.ts";
import { groupResource } from "../../../lib/sync/types.ts";

const ALL_VERBS = [
  "create",
  "delete",
  "get",
  "list",
  "patch",
  "update",
  "watch",
];

function aType(
  gr: string,
  kind: string,
  opts: Partial<DiscoveredResource> = {},
): DiscoveredResource {
  const dot = gr.indexOf(".");
  return {
    group: dot < 0 ? "" : gr.slice(dot + 1),
    version: "v1",
    resource: dot < 0 ? gr : gr.slice(0, dot),
    kind,
    namespaced: true,
    verbs: ALL_VERBS,
    ...opts,
  };
}

/** A trimmed-down but realistic discovery of a 1.31 cluster with two CRDs. */
const discovery: DiscoveredResource[] = [
  aType("configmaps", "ConfigMap"),
  aType("secrets", "Secret"),
  aType("services", "Service"),
  aType("services/proxy", "ServiceProxyOptions", { verbs: ["create", "get"] }),
  aType("serviceaccounts", "ServiceAccount"),
  aType("pods", "Pod"),
  aType("pods/log", "Pod", { verbs: ["get"] }),
  aType("events", "Event"),
  aType("endpoints", "Endpoints"),
  aType("bindings", "Binding", { verbs: ["create"] }),
  aType("namespaces", "Namespace", { namespaced: false }),
  aType("nodes", "Node", { namespaced: false }),
  aType("deployments.apps", "Deployment"),
  aType("replicasets.apps", "ReplicaSet"),
  aType("controllerrevisions.apps", "ControllerRevision"),
  aType("statefulsets.apps", "StatefulSet"),
  aType("events.events.k8s.io", "Event"),
  aType("endpointslices.discovery.k8s.io", "EndpointSlice"),
  aType("leases.coordination.k8s.io", "Lease"),
  aType("csistoragecapacities.storage.k8s.io", "CSIStorageCapacity"),
  aType("pods.metrics.k8s.io", "PodMetrics", {
    version: "v1beta1",
    verbs: ["get", "list"],
  }),
  aType(
    "localsubjectaccessreviews.authorization.k8s.io",
    "LocalSubjectAccessReview",
    {
      verbs: ["create"],
    },
  ),
  aType("horizontalpodautoscalers.autoscaling", "HorizontalPodAutoscaler", {
    version: "v2",
  }),
  aType("horizontalpodautoscalers.autoscaling", "HorizontalPodAutoscaler"),
  aType("widgets.example.com", "Widget"),
  aType("widgets.other.io", "Widget"),
  aType("gadgets.example.com", "Gadget", { version: "v1beta1" }),
  aType("gadgets.example.com", "Gadget", { version: "v1", preferred: true }),
  aType("clusterroles.rbac.authorization.k8s.io", "ClusterRole", {
    namespaced: false,
  }),
];

const COPYABLE = [
  "configmaps",
  "deployments.apps",
  "gadgets.example.com",
  "horizontalpodautoscalers.autoscaling",
  "secrets",
  "serviceaccounts",
  "services",
  "statefulsets.apps",
  "widgets.example.com",
  "widgets.other.io",
];

const cases: {
  name: string;
  spec: ResourceTypesSpec | undefined;
  selected: string[];
  unknown?: string[];
  ignoredNeverCopy?: string[];
  problems?: string[];
}[] = [
  {
    name: "no spec means every copyable namespaced type",
    spec: undefined,
    selected: COPYABLE,
  },
  {
    name:
      "wildcard: never-copy, cluster-scoped, subresources and create-only types are left out",
    spec: { include: ["*"] },
    selected: COPYABLE,
  },
  {
    name: "exclude wins over the wildcard",
    spec: { include: ["*"], exclude: ["secrets", "deployments"] },
    selected: COPYABLE.filter((t) =>
      t !== "secrets" && t !== "deployments.apps"
    ),
  },
  {
    name: "exclude wins over an explicit include",
    spec: { include: ["configmaps", "secrets"], exclude: ["secrets"] },
    selected: ["configmaps"],
  },
  {
    name: "plural.group and bare plural name the same type once",
    spec: { include: ["deployments", "deployments.apps", "deployments"] },
    selected: ["deployments.apps"],
  },
  {
    name: "names are trimmed and lower-cased",
    spec: { include: [" Deployments ", "CONFIGMAPS"] },
    selected: ["configmaps", "deployments.apps"],
  },
  {
    name: "explicit never-copy types are reported, not honoured",
    spec: {
      include: ["configmaps", "pods", "events", "replicasets.apps", "leases"],
    },
    selected: ["configmaps"],
    ignoredNeverCopy: ["events", "leases", "pods", "replicasets.apps"],
  },
  {
    name: "added never-copy types (storage capacities)",
    spec: { include: ["csistoragecapacities.storage.k8s.io"] },
    selected: [],
    ignoredNeverCopy: ["csistoragecapacities.storage.k8s.io"],
    problems: ["spec.resourceTypes: no resource type is selected"],
  },
  {
    name: "bare events means the core group (also never copied)",
    spec: { include: ["events", "events.events.k8s.io", "configmaps"] },
    selected: ["configmaps"],
    ignoredNeverCopy: ["events", "events.events.k8s.io"],
  },
  {
    name: "a bare plural of one non-core group resolves to it",
    spec: { include: ["gadgets"] },
    selected: ["gadgets.example.com"],
  },
  {
    name: "an ambiguous bare plural selects nothing and says so",
    spec: { include: ["widgets", "configmaps"] },
    selected: ["configmaps"],
    problems: [
      'spec.resourceTypes.include[0]: "widgets" is ambiguous (widgets.example.com, widgets.other.io): nothing selected; write plural.group',
    ],
  },
  {
    name: "an ambiguous bare plural in exclude excludes every match",
    spec: { exclude: ["widgets"] },
    selected: COPYABLE.filter((t) => !t.startsWith("widgets.")),
    problems: [
      'spec.resourceTypes.exclude[0]: "widgets" is ambiguous (widgets.example.com, widgets.other.io): all excluded; write plural.group',
    ],
  },
  {
    name: "unknown names are reported from include and exclude",
    spec: {
      include: ["widgtes.example.com", "configmaps"],
      exclude: ["secret"],
    },
    selected: ["configmaps"],
    unknown: ["secret", "widgtes.example.com"],
    problems: [
      'spec.resourceTypes.exclude[0]: unknown resource type "secret" (did you mean secrets?)',
      'spec.resourceTypes.include[0]: unknown resource type "widgtes.example.com"',
    ],
  },
  {
    name: "a kind name gets a hint to every type of that kind",
    spec: { include: ["Widget"] },
    selected: [],
    unknown: ["Widget"],
    problems: [
      'spec.resourceTypes.include[0]: unknown resource type "Widget" (did you mean widgets.example.com or widgets.other.io?)',
      "spec.resourceTypes: no resource type is selected",
    ],
  },
  {
    name: "versioned names are not accepted",
    spec: { include: ["deployments.v1.apps"] },
    selected: [],
    unknown: ["deployments.v1.apps"],
    problems: [
      'spec.resourceTypes.include[0]: unknown resource type "deployments.v1.apps"',
      "spec.resourceTypes: no resource type is selected",
    ],
  },
  {
    name: "cluster-scoped and verb-less types are reported when named",
    spec: {
      include: ["nodes", "bindings", "localsubjectaccessreviews", "configmaps"],
    },
    selected: ["configmaps"],
    problems: [
      'spec.resourceTypes.include: "bindings" does not support list, watch, create',
      'spec.resourceTypes.include: "localsubjectaccessreviews" does not support list, watch, create',
      'spec.resourceTypes.include: "nodes" is cluster-scoped; only namespaced types are copied',
    ],
  },
  {
    name: "subresources are ignored even when named",
    spec: { include: ["pods/log"] },
    selected: [],
    unknown: ["pods/log"],
    problems: [
      'spec.resourceTypes.include[0]: unknown resource type "pods/log"',
      "spec.resourceTypes: no resource type is selected",
    ],
  },
  {
    name: "an explicit empty include selects nothing",
    spec: { include: [] },
    selected: [],
    problems: ["spec.resourceTypes: no resource type is selected"],
  },
  {
    name: "exclude * empties the selection",
    spec: { include: ["*"], exclude: ["*"] },
    selected: [],
    problems: ["spec.resourceTypes: no resource type is selected"],
  },
  {
    name: "empty and non-string entries are problems",
    spec: { include: ["configmaps", "", "  ", 3 as unknown as string] },
    selected: ["configmaps"],
    problems: [
      "spec.resourceTypes.include[1]: must be a non-empty string",
      "spec.resourceTypes.include[2]: must be a non-empty string",
      "spec.resourceTypes.include[3]: must be a non-empty string",
    ],
  },
  {
    name: "a non-list include is a problem",
    spec: { include: "configmaps" as unknown as string[] },
    selected: [],
    problems: [
      "spec.resourceTypes.include: must be a list of strings",
      "spec.resourceTypes: no resource type is selected",
    ],
  },
];

for (const c of cases) {
  Deno.test(`resolveResourceTypes: ${c.name}`, () => {
    const got = resolveResourceTypes(c.spec, discovery);
    assertEquals(got.selected.map(groupResource), c.selected);
    assertEquals(got.unknown, c.unknown ?? []);
    assertEquals(got.ignoredNeverCopy, c.ignoredNeverCopy ?? []);
    assertEquals(got.problems, c.problems ?? []);
  });
}

Deno.test("resolveResourceTypes: preferred flag, else first listed version", () => {
  const got = resolveResourceTypes({
    include: ["gadgets", "horizontalpodautoscalers"],
  }, discovery);
  assertEquals(got.selected.map((r) => `${groupResource(r)}@${r.version}`), [
    "gadgets.example.com@v1",
    "horizontalpodautoscalers.autoscaling@v2",
  ]);
  // The flag is an input detail and does not leak into the result.
  assertEquals("preferred" in got.selected[0], false);
});

Deno.test("resolveResourceTypes: result does not depend on discovery order", () => {
  const a = resolveResourceTypes(undefined, discovery);
  const reversed = [...discovery].reverse().map((r) =>
    // Reversing would change "first listed"; pin the versions with the flag.
    r.resource === "horizontalpodautoscalers"
      ? { ...r, preferred: r.version === "v2" }
      : r
  );
  assertEquals(resolveResourceTypes(undefined, reversed), a);
});

Deno.test("resolveResourceTypes: empty discovery reports, never throws", () => {
  const got = resolveResourceTypes({ include: ["*", "configmaps"] }, []);
  assertEquals(got, {
    selected: [],
    unknown: ["configmaps"],
    ignoredNeverCopy: [],
    problems: [
      'spec.resourceTypes.include[1]: unknown resource type "configmaps"',
      "spec.resourceTypes: no resource type is selected",
    ],
    warnings: [],
  });
});

Deno.test("resolveResourceTypes: excluding a type the source does not serve is only a warning", () => {
  const got = resolveResourceTypes(
    { include: ["*"], exclude: ["secrets", "sprockets.example.org"] },
    discovery,
  );
  assertEquals(got.problems, []);
  assertEquals(got.unknown, []);
  assertEquals(got.warnings, [
    'spec.resourceTypes.exclude[1]: "sprockets.example.org" is not served by the source cluster; nothing to exclude',
  ]);
  assert(got.selected.length > 0);
});

Deno.test("resolveResourceTypes: read-only metrics 'pods' does not shadow core pods", () => {
  const got = resolveResourceTypes(
    { include: ["pods.metrics.k8s.io"] },
    discovery,
  );
  assertEquals(got.ignoredNeverCopy, ["pods.metrics.k8s.io"]);
  assertEquals(got.selected, []);
});

Deno.test('resource types: DR Syncer\'s own kinds are never copied by "*"', () => {
  const own = ["remoteclusters", "namespacemappings", "namespacereplications"]
    .map((resource) => ({
      group: "drsyncer.io",
      version: "v1alpha1",
      resource,
      kind: resource,
      namespaced: true,
      verbs: ["list", "watch", "create", "get"],
    }));
  const configmaps = {
    group: "",
    version: "v1",
    resource: "configmaps",
    kind: "ConfigMap",
    namespaced: true,
    verbs: ["list", "watch", "create", "get"],
  };
  const r = resolveResourceTypes({ include: ["*"] }, [configmaps, ...own]);
  assertEquals(r.selected.map((t) => t.resource), ["configmaps"]);
});
