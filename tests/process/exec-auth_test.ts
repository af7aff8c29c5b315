/**
 * Issue 15 item 8: `allowExecAuth: true` with a kubeconfig whose user runs
 * a credential plugin. The binary may not start programs, so the plugin
 * never runs; the RemoteCluster used to say "Unreachable: Requires run
 * access". It must say what is wrong and what to do.
 */
import "../../lib/preload.ts";
import { assert, assertEquals, assertMatch } from "../assert.ts";
import { GROUP, SYSTEM_NS, waitFor, withWorld } from "./fixture.ts";

Deno.test("run: an exec-plugin kubeconfig with allowExecAuth says the binary cannot run plugins and what to use instead", async () => {
  await withWorld(async (w) => {
    const dr = w.sim.clusters.dr;
    const kubeconfig = [
      "apiVersion: v1",
      "kind: Config",
      `clusters: [{name: dr, cluster: {server: "${dr.url}", certificate-authority-data: "${
        btoa(dr.caPem)
      }"}}]`,
      "users: [{name: u, user: {exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: aws, args: [eks, get-token]}}}]",
      "contexts: [{name: dr, context: {cluster: dr, user: u}}]",
      "current-context: dr",
    ].join("\n");
    await w.src.create(`/api/v1/namespaces/${SYSTEM_NS}/secrets`, {
      metadata: { name: "dr-kubeconfig" },
      stringData: { kubeconfig },
    });
    await w.src.create(`${GROUP}/remoteclusters`, {
      apiVersion: "drsyncer.io/v1alpha1",
      kind: "RemoteCluster",
      metadata: { name: "dr" },
      spec: {
        kubeconfigSecretRef: { name: "dr-kubeconfig" },
        allowExecAuth: true,
      },
    });
    await w.spawn();
    const ready = await waitFor("a Ready condition", async () => {
      const rc = await w.src.get(`${GROUP}/remoteclusters/dr`);
      return rc?.status?.conditions?.find((c: { type: string }) =>
        c.type === "Ready"
      );
    });
    assertEquals(ready.status, "False");
    assert(!/Requires run access/.test(ready.message), ready.message);
    assertEquals(ready.reason, "ExecAuthRefused", ready.message);
    assertMatch(ready.message, /aws/);
    assertMatch(ready.message, /token or (a )?client certificate/);
  });
});
