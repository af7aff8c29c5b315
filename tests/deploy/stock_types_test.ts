// Found against a real kube-apiserver v1.37.2: the default `resourceTypes: ["*"]` picked stock
// types deploy/ did not grant (replicationcontrollers, podtemplates, resourceclaims,
// resourceclaimtemplates, podcertificaterequests), their watches were refused forever and no
// replication reached Synced. kube-sim serves none of these types, so this pins it offline.
import "../../lib/preload.ts";
import { parseAllDocuments } from "yaml";
import { assertEquals } from "../assert.ts";
import { resolveResourceTypes } from "../../lib/sync/resource-types.ts";
import { groupResource } from "../../lib/sync/types.ts";
import { ROOT } from "./manifests.ts";

const ALL = ["create", "delete", "get", "list", "patch", "update", "watch"];

/** Namespaced types a stock v1.37 kube-apiserver serves (its discovery, abridged to GA). */
const STOCK: [string, string, string, string[]][] = [
  ["", "v1", "configmaps", ALL],
  ["", "v1", "endpoints", ALL],
  ["", "v1", "events", ALL],
  ["", "v1", "limitranges", ALL],
  ["", "v1", "persistentvolumeclaims", ALL],
  ["", "v1", "pods", ALL],
  ["", "v1", "podtemplates", ALL],
  ["", "v1", "replicationcontrollers", ALL],
  ["", "v1", "resourcequotas", ALL],
  ["", "v1", "secrets", ALL],
  ["", "v1", "serviceaccounts", ALL],
  ["", "v1", "services", ALL],
  ["apps", "v1", "controllerrevisions", ALL],
  ["apps", "v1", "daemonsets", ALL],
  ["apps", "v1", "deployments", ALL],
  ["apps", "v1", "replicasets", ALL],
  ["apps", "v1", "statefulsets", ALL],
  ["authorization.k8s.io", "v1", "localsubjectaccessreviews", ["create"]],
  ["autoscaling", "v2", "horizontalpodautoscalers", ALL],
  ["batch", "v1", "cronjobs", ALL],
  ["batch", "v1", "jobs", ALL],
  ["certificates.k8s.io", "v1beta1", "podcertificaterequests", ALL],
  ["coordination.k8s.io", "v1", "leases", ALL],
  ["coordination.k8s.io", "v1beta1", "leasecandidates", ALL],
  ["discovery.k8s.io", "v1", "endpointslices", ALL],
  ["events.k8s.io", "v1", "events", ALL],
  ["networking.k8s.io", "v1", "ingresses", ALL],
  ["networking.k8s.io", "v1", "networkpolicies", ALL],
  ["policy", "v1", "poddisruptionbudgets", ALL],
  ["rbac.authorization.k8s.io", "v1", "rolebindings", ALL],
  ["rbac.authorization.k8s.io", "v1", "roles", ALL],
  ["resource.k8s.io", "v1", "resourceclaims", ALL],
  ["resource.k8s.io", "v1", "resourceclaimtemplates", ALL],
  ["storage.k8s.io", "v1", "csistoragecapacities", ALL],
];

interface Rule {
  apiGroups?: string[];
  resources?: string[];
  verbs: string[];
}

/** group/resource pairs a ClusterRole file grants `verbs` on. */
function granted(file: string, verbs: string[]): Set<string> {
  const out = new Set<string>();
  for (
    const doc of parseAllDocuments(Deno.readTextFileSync(`${ROOT}${file}`))
  ) {
    for (const r of ((doc.toJS()?.rules ?? []) as Rule[])) {
      if (!verbs.every((v) => r.verbs.includes(v))) continue;
      for (const g of r.apiGroups ?? []) {
        for (const res of r.resources ?? []) {
          out.add(
            groupResource({ group: g, resource: res }),
          );
        }
      }
    }
  }
  return out;
}

Deno.test("deploy: every type the default resourceTypes picks on a stock cluster is granted on both sides", () => {
  const discovery = STOCK.map(([group, version, resource, verbs]) => ({
    group,
    version,
    resource,
    kind: resource,
    namespaced: true,
    verbs,
  }));
  const picked = resolveResourceTypes({ include: ["*"] }, discovery).selected
    .map(groupResource);
  const read = new Set([
    ...granted("deploy/source-clusterrole.yaml", ["get", "list", "watch"]),
    ...granted("deploy/source-clusterrole-secrets.yaml", [
      "get",
      "list",
      "watch",
    ]),
  ]);
  const write = granted("deploy/dr-cluster/clusterrole.yaml", ALL);
  assertEquals(
    picked.filter((t) => !read.has(t)),
    [],
    "not readable on the source",
  );
  assertEquals(picked.filter((t) => !write.has(t)), [], "not writable on DR");
});
