import "../../lib/preload.ts";
import { parseAllDocuments } from "yaml";
import { assert, assertEquals } from "../assert.ts";
import {
  DEPLOY_DIR,
  loadManifests,
  parseFile,
  ROOT,
  yamlFiles,
} from "./manifests.ts";

const KUSTOMIZATION = "kustomization.yaml";
const INSTALL_NAMESPACE = "dr-syncer-system";
const CLUSTER_SCOPED = new Set([
  "Namespace",
  "ClusterRole",
  "ClusterRoleBinding",
  "ValidatingAdmissionPolicy",
  "ValidatingAdmissionPolicyBinding",
]);

/** Each kustomization and the kinds it must render. */
const kustomizations = [
  {
    dir: DEPLOY_DIR,
    kinds: [
      "ClusterRole",
      "ClusterRoleBinding",
      "Deployment",
      "Namespace",
      "PodDisruptionBudget",
      "Role",
      "RoleBinding",
      "Service",
      "ServiceAccount",
    ],
  },
  {
    dir: `${DEPLOY_DIR}/monitoring`,
    kinds: ["ConfigMap", "PrometheusRule", "ServiceMonitor"],
  },
  {
    dir: `${DEPLOY_DIR}/dr-cluster`,
    kinds: [
      "ClusterRole",
      "ClusterRoleBinding",
      "Namespace",
      "Secret",
      "ServiceAccount",
      "ValidatingAdmissionPolicy",
      "ValidatingAdmissionPolicyBinding",
    ],
  },
  {
    dir: `${DEPLOY_DIR}/dr-cluster/rbac-replication`,
    kinds: ["ClusterRole", "ClusterRoleBinding"],
  },
  {
    dir: `${DEPLOY_DIR}/data-replication`,
    kinds: ["ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"],
  },
  {
    dir: `${DEPLOY_DIR}/dr-cluster/data-replication`,
    kinds: ["ClusterRole", "ClusterRoleBinding"],
  },
];

Deno.test("every YAML file under deploy/ parses into named objects", () => {
  const files = yamlFiles();
  assert(files.length > 0, "no manifests found");
  for (const file of files) {
    for (const { doc } of parseFile(file)) {
      assert(doc.apiVersion && doc.kind, `${file}: apiVersion/kind missing`);
      if (!String(doc.apiVersion).startsWith("kustomize.config.k8s.io/")) {
        assert(doc.metadata?.name, `${file}: ${doc.kind} without a name`);
      }
    }
  }
});

Deno.test("namespaced objects live in the install namespace", () => {
  for (const { file, doc } of loadManifests()) {
    if (CLUSTER_SCOPED.has(doc.kind)) continue;
    assertEquals(doc.metadata.namespace, INSTALL_NAMESPACE, file);
  }
});

Deno.test("every directory with manifests is a kustomization", () => {
  const dirs = new Set(yamlFiles().map((f) => f.slice(0, f.lastIndexOf("/"))));
  assertEquals(
    [...dirs].sort(),
    kustomizations.map((k) => k.dir).sort(),
  );
});

for (const k of kustomizations) {
  Deno.test(`${k.dir}: kustomization lists exactly its directory's files`, () => {
    const [kustomization] = parseFile(`${k.dir}/${KUSTOMIZATION}`);
    const listed = (kustomization.doc.resources as string[]).slice().sort();
    const onDisk = yamlFiles(k.dir)
      .filter((f) => f.lastIndexOf("/") === k.dir.length)
      .map((f) => f.slice(k.dir.length + 1))
      .filter((name) => name !== KUSTOMIZATION);
    assertEquals(listed, onDisk);
  });

  Deno.test(`${k.dir}: kubectl kustomize renders it`, async () => {
    const out = await new Deno.Command("kubectl", {
      args: ["kustomize", ROOT + k.dir],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert(out.success, `kubectl kustomize failed: ${stderr}`);
    const rendered = parseAllDocuments(new TextDecoder().decode(out.stdout))
      .map((d) => d.toJS());
    const kinds = [...new Set(rendered.map((o) => o.kind as string))].sort();
    assertEquals(kinds, k.kinds);
    for (const o of rendered) {
      assertEquals(
        o.metadata.labels?.["app.kubernetes.io/part-of"],
        "dr-syncer",
        `${o.kind}/${o.metadata.name} lacks the part-of label`,
      );
    }
  });
}
