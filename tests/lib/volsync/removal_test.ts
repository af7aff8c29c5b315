import type { KubeObject } from "../../../lib/sync/types.ts";
import {
  planRemoval,
  type RemovalInput,
} from "../../../lib/volsync/removal.ts";
import { assertEquals } from "../../assert.ts";

function obj(
  kind: string,
  namespace: string,
  name: string,
  source?: string,
): KubeObject {
  return {
    apiVersion: kind === "Secret" ? "v1" : "volsync.backube/v1alpha1",
    kind,
    metadata: {
      name,
      namespace,
      uid: `uid-${name}`,
      annotations: source ? { "drsyncer.io/source": source } : undefined,
    },
  };
}

function input(extra: Partial<RemovalInput> = {}): RemovalInput {
  return {
    sources: [obj("ReplicationSource", "shop", "drs-data")],
    keySecrets: [obj("Secret", "shop", "drs-data-key")],
    destinations: [
      obj("ReplicationDestination", "shop-dr", "drs-data", "shop/data"),
    ],
    prune: true,
    promoted: new Set(),
    sourceNamespaces: new Set(["shop"]),
    ...extra,
  };
}

const ops = (i: RemovalInput) =>
  planRemoval(i).actions.map((a) =>
    `${a.cluster} delete ${a.type.kind} ${a.object.metadata.namespace}/${a.object.metadata.name}`
  );

Deno.test("removal: source objects and, with prune, the DR destination go", () => {
  assertEquals(ops(input()), [
    "source delete ReplicationSource shop/drs-data",
    "source delete Secret shop/drs-data-key",
    "dr delete ReplicationDestination shop-dr/drs-data",
  ]);
  assertEquals(planRemoval(input()).kept, []);
});

Deno.test("removal: the DR data stays without prune, in a promoted namespace, for a missing source namespace", () => {
  const cases: [Partial<RemovalInput>, string][] = [
    [{ prune: false }, "PruneOff"],
    [{ promoted: new Set(["shop-dr"]) }, "Promoted"],
    [{ sourceNamespaces: new Set() }, "SourceNamespaceMissing"],
    [{
      destinations: [obj("ReplicationDestination", "shop-dr", "drs-data")],
    }, "NoSource"],
  ];
  for (const [extra, reason] of cases) {
    const plan = planRemoval(input(extra));
    assertEquals(ops(input(extra)), [
      "source delete ReplicationSource shop/drs-data",
      "source delete Secret shop/drs-data-key",
    ], reason);
    assertEquals(plan.kept, [{
      namespace: "shop-dr",
      name: "drs-data",
      reason,
    }]);
  }
});
