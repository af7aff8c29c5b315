import { assertEquals } from "../../assert.ts";
import { unsyncedReasons } from "../../../controllers/namespace-replication/report.ts";
import type { NamespaceSyncResult } from "../../../lib/engine/namespace-sync.ts";
import type { ActionOutcome } from "../../../lib/engine/outcome.ts";

const counts = {
  desired: 0,
  inSync: 0,
  created: 0,
  updated: 0,
  deleted: 0,
  failed: 0,
};

function result(
  source: string,
  extra: Partial<NamespaceSyncResult> = {},
): NamespaceSyncResult {
  return {
    pair: { source, destination: source },
    state: "Synced",
    outcomes: [],
    warnings: [],
    counts,
    ...extra,
  } as NamespaceSyncResult;
}

function failed(name: string): ActionOutcome {
  return {
    action: "update",
    key: `ConfigMap/${name}`,
    kind: "ConfigMap",
    namespace: "a",
    name,
    status: "failed",
  } as ActionOutcome;
}

Deno.test("unsyncedReasons: a fully copied pass has no reasons", () => {
  assertEquals(
    unsyncedReasons({ results: [result("a"), result("b")], notes: [] }),
    [],
  );
});

Deno.test("unsyncedReasons: names every kind of reason a pass is partial", () => {
  const why = unsyncedReasons({
    notes: [{
      kind: "NamespaceMapping",
      namespace: "",
      name: "m1",
      reason: "MappingNotFound",
      message: "NamespaceMapping m1 not found",
    }],
    loadingCaches: ["source configmaps"],
    results: [
      result("a", { outcomes: [failed("x"), failed("y")] }),
      result("b", { state: "DestinationPromoted" }),
      result("c", {
        prune: {
          blocked: true,
          deletes: [],
          waiting: [],
        } as unknown as NamespaceSyncResult["prune"],
      }),
    ],
  });
  assertEquals(why, [
    "mappings: MappingNotFound m1",
    "caches loading: source configmaps",
    "namespaces not synced: b (DestinationPromoted)",
    "prune held: c",
    "failed: ConfigMap/x, ConfigMap/y",
  ]);
});

Deno.test("unsyncedReasons: long lists are cut with a count", () => {
  const results = ["a", "b", "c", "d", "e"].map((s) =>
    result(s, { state: "SourceNamespaceMissing" })
  );
  assertEquals(unsyncedReasons({ results, notes: [] }), [
    "namespaces not synced: a (SourceNamespaceMissing), b (SourceNamespaceMissing), c (SourceNamespaceMissing) and 2 more",
  ]);
});
