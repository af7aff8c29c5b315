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
import { PER_NAMESPACE_LIMIT } from "../../../controllers/namespace-replication/watch-plan.ts";

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

Deno.test(
  "controller: beyond the per-namespace watch limit, the cluster-wide cache holds only mapped namespaces' objects",
  async () => {
    await withController(async (e) => {
      const cm = e.type("configmaps");
      const mapped = Array.from(
        { length: PER_NAMESPACE_LIMIT + 1 },
        (_, i) => `wide-${i}`,
      );
      for (const ns of mapped) {
        await sourceNamespace(e, ns, { wide: "yes" });
        await put(e, ns, [configMap("c", { a: ns })]);
      }
      await sourceNamespace(e, "wide-later");
      await put(e, "wide-later", [configMap("late", { b: "1" })]);
      await sourceNamespace(e, "unmapped");
      await put(
        e,
        "unmapped",
        Array.from({ length: 5 }, (_, i) => configMap(`u${i}`, { c: "1" })),
      );
      await e.apply("RemoteCluster", "dr", {
        kubeconfigSecretRef: { name: "dr-kubeconfig" },
      });
      await e.apply("NamespaceMapping", "wide", {
        namespaceSelector: { matchLabels: { wide: "yes" } },
      });
      await e.apply("NamespaceReplication", "wide-to-dr", {
        remoteClusterRef: { name: "dr" },
        namespaceMappingRefs: [{ name: "wide" }],
        pruneSafety: { delay: "0s" },
      });
      e.start();
      await synced(e, "wide-to-dr", "Synced", 30_000);
      // The one cluster-wide ConfigMap informer (more than the limit mapped).
      const cached = () =>
        e.stats()?.informers.find((i) =>
          i.resource === "configmaps" && i.namespace === ""
        )?.cached;
      const inSource = async (namespaces: string[]) => {
        let n = 0;
        for (const ns of namespaces) n += (await e.src.list(cm, ns)).length;
        return n;
      };
      let seen: [number | undefined, number] = [undefined, 0];
      const holdsExactly = (namespaces: string[]) => async () => {
        seen = [cached(), await inSource(namespaces)];
        return seen[0] === seen[1];
      };
      await until(
        "the cache holds the mapped namespaces only",
        holdsExactly(mapped),
      )
        .catch((err) => {
          throw new Error(`${err.message}: cached/mapped ${seen}`);
        });

      // Mapped later: listed into the cache and copied.
      await label(e, "wide-later", { wide: "yes" });
      await until(
        "wide-later copied",
        async () => (await e.drApi.get(cm, "wide-later", "late")) !== undefined,
        30_000,
      );
      await until(
        "the cache holds wide-later's objects too",
        holdsExactly([...mapped, "wide-later"]),
      );
      await put(e, "wide-later", [configMap("later-still", { d: "1" })]);
      await until(
        "a change there propagates",
        async () =>
          (await e.drApi.get(cm, "wide-later", "later-still")) !== undefined,
        30_000,
      );

      // Unmapped again: its objects leave the cache.
      await label(e, "wide-later", {});
      await until("wide-later dropped from the cache", holdsExactly(mapped))
        .catch((err) => {
          throw new Error(`${err.message}: cached/mapped ${seen}`);
        });
    });
  },
);
