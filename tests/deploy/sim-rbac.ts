/**
 * Puts the identities of deploy/ into a test world's clusters, so tests and
 * the demo run the controller with exactly the rights an install grants: the
 * RBAC objects of a kustomization (Namespace, ServiceAccount, Roles,
 * bindings) are created, and the cluster (kube-sim's tests/sim/rbac.ts, or
 * the real authorizer) authorizes the ServiceAccount's token from them.
 */
import { parse, parseAllDocuments } from "yaml";
import type { WorldCluster } from "../world/mod.ts";
import { ROOT } from "./manifests.ts";

/** The two kustomizations and the ServiceAccount each binds. */
export const SIDES = {
  source: { dir: "deploy", account: "dr-syncer" },
  dr: { dir: "deploy/dr-cluster", account: "dr-syncer-remote" },
} as const;
export type Side = keyof typeof SIDES;

/** Namespace of both ServiceAccounts. */
export const SYSTEM_NS = "dr-syncer-system";

const RBAC = "/apis/rbac.authorization.k8s.io/v1";
/** Collection path of each kind installed (others are skipped). */
const PATHS: Record<string, (ns: string) => string> = {
  Namespace: () => "/api/v1/namespaces",
  ServiceAccount: (ns) => `/api/v1/namespaces/${ns}/serviceaccounts`,
  ClusterRole: () => `${RBAC}/clusterroles`,
  ClusterRoleBinding: () => `${RBAC}/clusterrolebindings`,
  Role: (ns) => `${RBAC}/namespaces/${ns}/roles`,
  RoleBinding: (ns) => `${RBAC}/namespaces/${ns}/rolebindings`,
};
const CLUSTER_SCOPED = new Set([
  "Namespace",
  "ClusterRole",
  "ClusterRoleBinding",
]);

interface Doc {
  kind: string;
  metadata: { name: string; namespace?: string };
}

/**
 * The RBAC-relevant objects a kustomization renders: its own `resources`
 * files (sub-directories are opt-in add-ons, skipped), with the
 * kustomization's namespace applied as `kubectl kustomize` would.
 */
export function renderedRbac(dir: string): Doc[] {
  const k = parse(Deno.readTextFileSync(`${ROOT}${dir}/kustomization.yaml`));
  const files = (k.resources as string[]).filter((r) => /\.ya?ml$/.test(r));
  return files.flatMap((f) =>
    parseAllDocuments(Deno.readTextFileSync(`${ROOT}${dir}/${f}`))
      .map((d) => d.toJS() as Doc)
  ).filter((d) => d && d.kind in PATHS).map((d) =>
    CLUSTER_SCOPED.has(d.kind) ? d : {
      ...d,
      metadata: {
        ...d.metadata,
        namespace: k.namespace ?? d.metadata.namespace,
      },
    }
  );
}

/** What installing needs of a cluster (a WorldCluster or a SimCluster). */
type Cluster =
  & Pick<WorldCluster, "url" | "adminToken" | "caPem" | "kubeconfigFor">
  & {
    createServiceAccountToken(
      ns: string,
      name: string,
    ): Promise<string> | string;
  };

async function post(c: Cluster, path: string, body: unknown): Promise<void> {
  const res = await fetch(`${c.url}${path}`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${c.adminToken}`,
      "content-type": "application/json",
    },
    body: JSON.stringify(body),
    client: httpClient(c),
  } as RequestInit);
  const text = await res.text();
  // An existing Namespace (created by the test first) is fine.
  if (!res.ok && res.status !== 409) {
    throw new Error(`POST ${path}: ${res.status} ${text}`);
  }
}

const clients = new WeakMap<Cluster, Deno.HttpClient>();
function httpClient(c: Cluster): Deno.HttpClient {
  let client = clients.get(c);
  if (!client) {
    client = Deno.createHttpClient({ caCerts: [c.caPem] });
    clients.set(c, client);
  }
  return client;
}

/**
 * Installs one side's RBAC into `cluster` and returns a kubeconfig (YAML)
 * for its ServiceAccount: the only rights it has are the installed ones.
 */
export async function installSide(
  cluster: Cluster,
  side: Side,
): Promise<{ kubeconfig: string; token: string }> {
  const { dir, account } = SIDES[side];
  try {
    for (const doc of renderedRbac(dir)) {
      await post(cluster, PATHS[doc.kind](doc.metadata.namespace ?? ""), doc);
    }
  } finally {
    clients.get(cluster)?.close();
    clients.delete(cluster);
  }
  const token = await cluster.createServiceAccountToken(SYSTEM_NS, account);
  return { kubeconfig: cluster.kubeconfigFor(token, account), token };
}

/** Installs the RBAC objects of an opt-in add-on directory (as admin). */
export async function installAddOn(
  cluster: Cluster,
  dir: string,
): Promise<void> {
  try {
    for (const doc of renderedRbac(dir)) {
      await post(cluster, PATHS[doc.kind](doc.metadata.namespace ?? ""), doc);
    }
  } finally {
    clients.get(cluster)?.close();
    clients.delete(cluster);
  }
}
