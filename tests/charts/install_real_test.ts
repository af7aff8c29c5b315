/**
 * The chart installed into a real control plane (tests/kube, built from Go
 * modules): the API server accepts every object of the default rendering
 * (strict server-side field validation), and the ServiceAccount's rights are
 * what deploy/README.md promises, checked by impersonation
 * (`kubectl auth can-i --as`). Runs wherever Go is present (see
 * tests/kube/harness.ts); skipped with a message otherwise.
 */
import "../../lib/preload.ts";
import { assert, assertEquals } from "../assert.ts";
import { GO_PRESENT } from "../kube/harness.ts";
import { startKube } from "../kube/mod.ts";
import { helmBinary } from "../kube/helm.ts";
import { crdYamlStream } from "../../crds/mod.ts";

const CHART = new URL("../../charts/dr-syncer", import.meta.url).pathname;
const SA = "system:serviceaccount:dr-syncer-system:dr-syncer";

async function run(cmd: string, args: string[], stdin?: string) {
  const child = new Deno.Command(cmd, {
    args,
    stdin: stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (stdin !== undefined) {
    const w = child.stdin.getWriter();
    await w.write(new TextEncoder().encode(stdin));
    await w.close();
  }
  const out = await child.output();
  const text = new TextDecoder();
  return {
    code: out.code,
    stdout: text.decode(out.stdout),
    stderr: text.decode(out.stderr),
  };
}

/** [verb, resource, namespace or "-A", allowed] as the ServiceAccount. */
const RIGHTS: [string, string, string, boolean][] = [
  ["list", "deployments.apps", "-A", true],
  ["watch", "secrets", "-A", true],
  // Watched so a new CRD's objects are copied at once (issue 15).
  ["get", "customresourcedefinitions.apiextensions.k8s.io", "-A", true],
  ["list", "namespacereplications.drsyncer.io", "dr-syncer-system", true],
  [
    "patch",
    "namespacereplications.drsyncer.io --subresource=status",
    "dr-syncer-system",
    true,
  ],
  ["create", "leases.coordination.k8s.io", "dr-syncer-system", true],
  ["create", "events", "dr-syncer-system", true],
  // Never: writes outside its own status, Events and Lease.
  ["update", "namespacereplications.drsyncer.io", "dr-syncer-system", false],
  ["create", "deployments.apps", "shop", false],
  ["patch", "deployments.apps", "shop", false],
  ["delete", "secrets", "dr-syncer-system", false],
  ["create", "secrets", "shop", false],
  ["delete", "namespaces", "-A", false],
  ["create", "leases.coordination.k8s.io", "shop", false],
];

Deno.test({
  name:
    "chart: installed into a real API server, every object is accepted and the RBAC is as documented",
  ignore: !GO_PRESENT,
  async fn() {
    const rendered = await run(await helmBinary(), [
      "template",
      "dr-syncer",
      CHART,
    ]);
    assertEquals(rendered.code, 0, rendered.stderr);
    const kube = await startKube({ clusters: ["source"] });
    try {
      const kc = ["--kubeconfig", kube.clusters.source.kubeconfigPath];
      const crds = await run(
        "kubectl",
        [...kc, "apply", "--server-side", "-f", "-"],
        crdYamlStream(),
      );
      assertEquals(crds.code, 0, crds.stderr);
      const applied = await run(
        "kubectl",
        [...kc, "apply", "--validate=strict", "-f", "-"],
        rendered.stdout,
      );
      assertEquals(applied.code, 0, applied.stderr);
      const kinds = rendered.stdout.match(/^kind: \S+$/gm) ?? [];
      const created = applied.stdout.trim().split("\n");
      assertEquals(created.length, kinds.length, applied.stdout);
      for (const [verb, resource, ns, allowed] of RIGHTS) {
        const where = ns === "-A" ? ["-A"] : ["-n", ns];
        const r = await run("kubectl", [
          ...kc,
          "auth",
          "can-i",
          verb,
          ...resource.split(" "),
          ...where,
          `--as=${SA}`,
        ]);
        const answer = r.stdout.trim();
        assert(["yes", "no"].includes(answer), `${r.stdout}${r.stderr}`);
        assertEquals(
          answer,
          allowed ? "yes" : "no",
          `${verb} ${resource} ${ns}`,
        );
      }
    } finally {
      await kube.stop();
    }
  },
});
