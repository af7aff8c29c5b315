import "../../../lib/preload.ts";
import { assertEquals } from "../../assert.ts";
import type { KubeObject } from "../../../lib/sync/types.ts";
import {
  mappingPairsChanged,
  replicationsReferencing,
} from "../../../controllers/namespace-replication/references.ts";

function replication(name: string, remote: string, mappings: string[]) {
  return {
    apiVersion: "drsyncer.io/v1alpha1",
    kind: "NamespaceReplication",
    metadata: { name, namespace: "dr-syncer-system" },
    spec: {
      remoteClusterRef: { name: remote },
      namespaceMappingRefs: mappings.map((m) => ({ name: m })),
    },
  } as KubeObject;
}

const cache = {
  list: () => [
    replication("a", "dr", ["shop"]),
    replication("b", "dr-west", ["shop", "billing"]),
    replication("c", "dr", ["billing"]),
  ],
};

Deno.test("replicationsReferencing: by RemoteCluster and by NamespaceMapping", () => {
  assertEquals(
    replicationsReferencing(cache, { kind: "RemoteCluster", name: "dr" }),
    ["a", "c"],
  );
  assertEquals(
    replicationsReferencing(cache, { kind: "NamespaceMapping", name: "shop" }),
    ["a", "b"],
  );
  assertEquals(
    replicationsReferencing(cache, { kind: "RemoteCluster", name: "none" }),
    [],
  );
});

function mappingWith(namespaces?: string[], rv = "1"): KubeObject {
  return {
    apiVersion: "drsyncer.io/v1alpha1",
    kind: "NamespaceMapping",
    metadata: {
      name: "shop",
      namespace: "dr-syncer-system",
      resourceVersion: rv,
    },
    status: namespaces
      ? { namespaces: namespaces.map((n) => ({ source: n, destination: n })) }
      : {},
  } as KubeObject;
}

Deno.test("mappingPairsChanged: only a mapping coming, going or changing its pairs wakes replications", () => {
  const changed = (e: Parameters<typeof mappingPairsChanged>[0]) =>
    mappingPairsChanged(e);
  assertEquals(changed({ type: "add", object: mappingWith() }), false);
  assertEquals(changed({ type: "add", object: mappingWith(["a"]) }), true);
  assertEquals(
    changed({
      type: "update",
      old: mappingWith(["a"], "1"),
      object: mappingWith(["a"], "2"),
    }),
    false,
    "a status write that keeps the pairs (conditions, probe time)",
  );
  assertEquals(
    changed({
      type: "update",
      old: mappingWith(["a"]),
      object: mappingWith(["a", "b"], "2"),
    }),
    true,
  );
  assertEquals(changed({ type: "delete", object: mappingWith() }), true);
});
