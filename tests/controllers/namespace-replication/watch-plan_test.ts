import {
  PER_NAMESPACE_LIMIT,
  sourceWatchKey,
  sourceWatchPlan,
} from "../../../controllers/namespace-replication/watch-plan.ts";
import type { ApiResource } from "../../../lib/sync/types.ts";
import { assertEquals } from "../../assert.ts";

function type(resource: string, group = ""): ApiResource {
  return {
    group,
    version: "v1",
    resource,
    kind: resource,
    namespaced: true,
    verbs: [],
  };
}

const TYPES = [
  type("secrets"),
  type("configmaps"),
  type("deployments", "apps"),
];
const nss = (n: number) => Array.from({ length: n }, (_, i) => `ns-${i}`);
const keys = (n: number) =>
  sourceWatchPlan(TYPES, nss(n)).map((w) => sourceWatchKey(w.type, w.namespace))
    .sort();

Deno.test("watch plan: few mapped namespaces, every type per namespace", () => {
  assertEquals(keys(2), [
    "configmaps|ns-0",
    "configmaps|ns-1",
    "deployments.apps|ns-0",
    "deployments.apps|ns-1",
    "secrets|ns-0",
    "secrets|ns-1",
  ]);
});

Deno.test("watch plan: many mapped namespaces, Secrets still per namespace, the rest cluster-wide", () => {
  const n = PER_NAMESPACE_LIMIT + 1;
  const plan = keys(n);
  assertEquals(plan.filter((k) => k.startsWith("secrets|")).length, n);
  assertEquals(plan.filter((k) => !k.startsWith("secrets|")), [
    "configmaps|*",
    "deployments.apps|*",
  ]);
});

Deno.test("watch plan: no mapped namespace, no Secret watch", () => {
  assertEquals(keys(0).filter((k) => k.startsWith("secrets")), []);
});
