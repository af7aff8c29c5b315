import "../../lib/preload.ts";
import { assert, assertEquals } from "../assert.ts";
import { findOne, loadManifests, type Manifest } from "./manifests.ts";

interface Rule {
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
  verbs: string[];
}

const READ_VERBS = new Set(["get", "list", "watch"]);
const WRITE_VERBS = new Set([
  "create",
  "update",
  "patch",
  "delete",
  "deletecollection",
]);
const DISCOVERY_URLS = new Set([
  "/api",
  "/api/*",
  "/apis",
  "/apis/*",
  "/version",
]);
/** Contract §4: never copied, so never granted on either side. */
const NEVER_COPIED = [
  "pods",
  "events",
  "replicasets.apps",
  "endpoints",
  "endpointslices.discovery.k8s.io",
  "controllerrevisions.apps",
  "leases.coordination.k8s.io",
];
/** Read on the source for discovery and mappings, not replicated as copies. */
const SOURCE_ONLY = [
  "namespaces",
  "customresourcedefinitions.apiextensions.k8s.io",
];
const DR_DIR = "deploy/dr-cluster/";
const OPT_IN_DIR = "deploy/dr-cluster/rbac-replication/";

/** Opt-in add-ons for spec.dataReplication (VolSync), checked on their own. */
const DATA_REPLICATION_DIRS = [
  "deploy/data-replication/",
  "deploy/dr-cluster/data-replication/",
];
const isDataReplication = (m: Manifest) =>
  DATA_REPLICATION_DIRS.some((d) => m.file.startsWith(d));

const manifests = loadManifests();
const allRoles = manifests.filter((m) => /^(Cluster)?Role$/.test(m.doc.kind));
const dataReplicationRoles = allRoles.filter(isDataReplication);
const roles = allRoles.filter((m) => !isDataReplication(m));
const sourceRoles = roles.filter((m) => !m.file.startsWith(DR_DIR));
const sourceClusterRoles = sourceRoles.filter((m) =>
  m.doc.kind === "ClusterRole"
);
const drBaseRoles = roles.filter((m) =>
  m.file.startsWith(DR_DIR) && !m.file.startsWith(OPT_IN_DIR)
);

/** Every (resource.group, verb) pair a set of roles grants. */
function grants(ms: Manifest[]): { res: string; verb: string }[] {
  return ms.flatMap((m) =>
    (m.doc.rules as Rule[]).flatMap((r) =>
      (r.resources ?? []).flatMap((res) =>
        (r.apiGroups ?? []).flatMap((g) =>
          r.verbs.map((verb) => ({ res: g ? `${res}.${g}` : res, verb }))
        )
      )
    )
  );
}

function resourcesWith(
  ms: Manifest[],
  verb: (v: string) => boolean,
): Set<string> {
  return new Set(grants(ms).filter((g) => verb(g.verb)).map((g) => g.res));
}

Deno.test("no wildcard verb, resource, group or name in any role", () => {
  for (const m of roles) {
    for (const r of m.doc.rules as Rule[]) {
      const fields = [r.verbs, r.resources, r.apiGroups, r.resourceNames];
      for (const values of fields) {
        assert(!values?.some((v) => v.includes("*")), `${m.file}: wildcard`);
      }
      for (const url of r.nonResourceURLs ?? []) {
        assert(DISCOVERY_URLS.has(url), `${m.file}: non-resource URL ${url}`);
        assertEquals(r.verbs, ["get"]);
      }
    }
  }
});

Deno.test("source cluster-wide roles only read", () => {
  const writes = grants(sourceClusterRoles).filter((g) =>
    !READ_VERBS.has(g.verb)
  );
  assertEquals(writes, []);
});

Deno.test("source writes are confined to status, events and the lease", () => {
  const role = findOne(manifests, "Role", "dr-syncer");
  assertEquals(role.doc.metadata.namespace, "dr-syncer-system");
  const writes = resourcesWith([role], (v) => !READ_VERBS.has(v));
  assertEquals([...writes].sort(), [
    "events",
    "leases.coordination.k8s.io",
    "namespacemappings/status.drsyncer.io",
    "namespacereplications/status.drsyncer.io",
    "remoteclusters/status.drsyncer.io",
  ]);
});

Deno.test("source Secrets are readable, never writable", () => {
  const secretVerbs = grants(sourceRoles).filter((g) => g.res === "secrets");
  assert(secretVerbs.length > 0, "Secrets could not be replicated");
  for (const g of secretVerbs) {
    assert(READ_VERBS.has(g.verb), `secrets ${g.verb}`);
  }
  // The cluster-wide grant lives alone, so it can be narrowed or dropped.
  const holders = sourceClusterRoles.filter((m) =>
    grants([m]).some((g) => g.res === "secrets")
  );
  assertEquals(holders.map((m) => m.doc.metadata.name), [
    "dr-syncer-source-secret-reader",
  ]);
  assertEquals(grants(holders).map((g) => g.res), [
    "secrets",
    "secrets",
    "secrets",
  ]);
});

Deno.test("never-copied types are granted on neither side", () => {
  const granted = resourcesWith(
    [...sourceClusterRoles, ...drBaseRoles],
    () => true,
  );
  for (const res of NEVER_COPIED) assert(!granted.has(res), `${res} granted`);
});

Deno.test("every type read on the source is writable on the DR side", () => {
  const read = resourcesWith(sourceClusterRoles, (v) => v === "list");
  for (const res of SOURCE_ONLY) read.delete(res);
  const written = resourcesWith(drBaseRoles, (v) => v === "create");
  written.delete("namespaces");
  assertEquals([...written].sort(), [...read].sort());
  for (const verb of ["get", "list", "watch", "update", "patch", "delete"]) {
    const missing = [...written].filter((res) =>
      !resourcesWith(drBaseRoles, (v) => v === verb).has(res)
    );
    assertEquals(missing, [], `DR side lacks ${verb}`);
  }
});

Deno.test("DR namespaces are created and updated, never deleted", () => {
  const verbs = grants(drBaseRoles).filter((g) => g.res === "namespaces")
    .map((g) => g.verb).sort();
  assertEquals(verbs, ["create", "get", "list", "patch", "update", "watch"]);
});

Deno.test("escalate, bind and impersonate exist only in the opt-in add-on", () => {
  const risky = new Set(["escalate", "bind", "impersonate"]);
  for (const m of roles) {
    const found = grants([m]).filter((g) => risky.has(g.verb));
    if (!m.file.startsWith(OPT_IN_DIR)) assertEquals(found, [], m.file);
    for (const g of found) assert(g.verb !== "impersonate", m.file);
  }
  // Even bind/escalate stay namespaced: nothing may write cluster-wide RBAC.
  const clusterWrites = resourcesWith(roles, (v) => WRITE_VERBS.has(v));
  assert(!clusterWrites.has("clusterrolebindings.rbac.authorization.k8s.io"));
  assert(!clusterWrites.has("clusterroles.rbac.authorization.k8s.io"));
});

Deno.test("bindings point at roles defined here and at the right account", () => {
  const bindings = manifests.filter((m) => /RoleBinding$/.test(m.doc.kind));
  assert(bindings.length > 0, "no bindings");
  for (const b of bindings) {
    const { kind, name } = b.doc.roleRef;
    findOne(manifests, kind, name);
    const account = b.file.startsWith(DR_DIR)
      ? "dr-syncer-remote"
      : "dr-syncer";
    assertEquals(b.doc.subjects, [
      { kind: "ServiceAccount", name: account, namespace: "dr-syncer-system" },
    ], b.file);
  }
});

Deno.test("data replication add-ons grant only VolSync objects, the key Secrets and the cleanup finalizer", () => {
  const byDir = (dir: string) =>
    grants(dataReplicationRoles.filter((m) => m.file.startsWith(dir)))
      .map((g) => `${g.res}:${g.verb}`).sort();
  const verbs = ["create", "delete", "get", "list", "update"];
  assertEquals(
    byDir("deploy/data-replication/"),
    [
      ...verbs.map((v) => `replicationsources.volsync.backube:${v}`),
      ...verbs.map((v) => `secrets:${v}`),
      // The cleanup finalizer, in the controller's namespace only (below).
      "namespacereplications.drsyncer.io:patch",
    ].sort(),
  );
  const finalizer = findOne(
    manifests,
    "Role",
    "dr-syncer-data-replication-finalizer",
  );
  assertEquals(finalizer.doc.metadata.namespace, "dr-syncer-system");
  assertEquals(
    byDir("deploy/dr-cluster/data-replication/"),
    verbs.map((v) => `replicationdestinations.volsync.backube:${v}`),
  );
});
