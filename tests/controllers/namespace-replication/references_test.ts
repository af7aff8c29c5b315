import "../../../lib/preload.ts";
import { assertEquals } from "../../assert.ts";
import type { KubeObject } from "../../../lib/sync/types.ts";
import { replicationsReferencing } from "../../../controllers/namespace-replication/references.ts";

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
