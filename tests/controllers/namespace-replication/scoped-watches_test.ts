import "../../../lib/preload.ts";
import type { KubeObject } from "../../../lib/sync/types.ts";
import { assert, assertEquals } from "../../assert.ts";
import { configMap } from "../../lib/engine/fixtures.ts";
import {
  type E2e,
  NS,
  put,
  simOf,
  simOnly,
  sourceNamespace,
  synced,
  until,
  withController,
} from "../harness.ts";

function secret(name: string, value: string): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name },
    type: "Opaque",
    stringData: { value },
  } as KubeObject;
}

/** Namespaces of every Secret read the source served ("" = all). */
function secretNamespaces(e: E2e): Set<string> {
  const out = new Set<string>();
  for (const r of simOf(e).source.requests.entries()) {
    if (r.method !== "GET") continue; // the test's own creates
    const path = r.url.split("?")[0];
    if (!/\/secrets(\/|$)/.test(path)) continue;
    out.add(path.match(/\/namespaces\/([^/]+)\/secrets/)?.[1] ?? "");
  }
  return out;
}

/** Namespaces the source has open watches in, for one resource. */
function watchedNamespaces(e: E2e, resource: string): string[] {
  return simOf(e).source.hub.watching()
    .filter((w) => w.resource === resource)
    .map((w) => w.namespace)
    .sort();
}

async function label(
  e: E2e,
  name: string,
  labels: Record<string, string>,
): Promise<void> {
  const ns = await e.src.getNamespace(name);
  await e.src.replace(e.type("namespaces"), {
    ...ns!,
    metadata: { ...ns!.metadata, labels },
  });
}

Deno.test(
  "controller: source watches cover only mapped namespaces; Secrets elsewhere are never read",
  simOnly("reads kube-sim's request log and open watches (hub)", async () => {
    await withController(async (e) => {
      const secrets = e.type("secrets");
      const cm = e.type("configmaps");
      await sourceNamespace(e, "blue", { dr: "enabled" });
      await sourceNamespace(e, "vault");
      await put(e, "blue", [secret("s", "blue"), configMap("c", { a: "1" })]);
      await put(e, "vault", [secret("helm-release", "private")]);
      await e.apply("RemoteCluster", "dr", {
        kubeconfigSecretRef: { name: "dr-kubeconfig" },
      });
      await e.apply("NamespaceMapping", "labelled", {
        namespaceSelector: { matchLabels: { dr: "enabled" } },
      });
      await e.apply("NamespaceReplication", "labelled-to-dr", {
        remoteClusterRef: { name: "dr" },
        namespaceMappingRefs: [{ name: "labelled" }],
        pruneSafety: { delay: "0s" },
      });
      e.start();
      await synced(e, "labelled-to-dr");
      assert(await e.drApi.get(secrets, "blue", "s"), "mapped Secret copied");
      assertEquals([...secretNamespaces(e)].sort(), ["blue", NS]);
      assertEquals(watchedNamespaces(e, "secrets"), ["blue", NS]);
      assertEquals(watchedNamespaces(e, "configmaps"), ["blue"]);

      // A namespace that becomes mapped is watched and synced.
      await label(e, "vault", { dr: "enabled" });
      await until(
        "vault copied",
        async () =>
          (await e.drApi.get(secrets, "vault", "helm-release")) !==
            undefined,
      );
      assertEquals(watchedNamespaces(e, "secrets"), ["blue", NS, "vault"]);
      await put(e, "vault", [configMap("later", { b: "2" })]);
      await until(
        "a change in the newly mapped namespace propagates",
        async () => (await e.drApi.get(cm, "vault", "later")) !== undefined,
      );

      // Unmapped again: its watches end, and it is read no more.
      await label(e, "vault", {});
      await until(
        "vault watches released",
        () => !watchedNamespaces(e, "secrets").includes("vault"),
      );
      assertEquals(watchedNamespaces(e, "configmaps"), ["blue"]);
      simOf(e).source.requests.clear();
      await put(e, "vault", [secret("after", "private")]);
      await put(e, "blue", [configMap("c2", { a: "2" })]);
      await until(
        "blue still synced",
        async () => (await e.drApi.get(cm, "blue", "c2")) !== undefined,
      );
      assert(!secretNamespaces(e).has("vault"), "no Secret read in vault");
      assertEquals(await e.drApi.get(secrets, "vault", "after"), undefined);
    });
  }),
);
