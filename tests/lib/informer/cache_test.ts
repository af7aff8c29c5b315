import "../../../lib/preload.ts";
import { assertEquals } from "../../assert.ts";
import { ObjectCache, slim } from "../../../lib/informer/cache.ts";
import type { KubeObject } from "../../../lib/sync/types.ts";

function aConfigMap(
  name: string,
  rv: string,
  extra: Partial<KubeObject["metadata"]> = {},
): KubeObject {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name, namespace: "ns", resourceVersion: rv, ...extra },
  };
}

const summary = (events: { type: string; object: KubeObject }[]) =>
  events.map((e) => `${e.type}:${e.object.metadata.name}`);

Deno.test("cache: relist diff yields add, update (rv changed) and delete", () => {
  const cache = new ObjectCache();
  cache.replace([
    aConfigMap("keep", "1"),
    aConfigMap("change", "2"),
    aConfigMap("gone", "3"),
  ]);
  const events = cache.replace([
    aConfigMap("keep", "1"),
    aConfigMap("change", "9"),
    aConfigMap("new", "10"),
  ]);
  assertEquals(summary(events), ["update:change", "add:new", "delete:gone"]);
  assertEquals(cache.size, 3);
});

Deno.test("cache: watch events map to informer events", () => {
  const cache = new ObjectCache();
  assertEquals(cache.apply("ADDED", aConfigMap("a", "1"))?.type, "add");
  assertEquals(
    cache.apply("MODIFIED", aConfigMap("a", "1")),
    undefined,
    "same rv: no event",
  );
  const upd = cache.apply("MODIFIED", aConfigMap("a", "2"));
  assertEquals(upd?.type === "update" && upd.old.metadata.resourceVersion, "1");
  assertEquals(cache.apply("DELETED", aConfigMap("a", "3"))?.type, "delete");
  assertEquals(cache.size, 0);
});

Deno.test("cache: managedFields and last-applied are stripped", () => {
  const o = aConfigMap("a", "1", {
    managedFields: [{ manager: "kubectl" }],
    annotations: {
      "kubectl.kubernetes.io/last-applied-configuration": "{...}",
      keep: "yes",
    },
  });
  const s = slim(o);
  assertEquals(s.metadata.managedFields, undefined);
  assertEquals(s.metadata.annotations, { keep: "yes" });
  assertEquals(o.metadata.annotations?.keep, "yes", "input untouched");
});

Deno.test("cache: listNamespace is list() filtered by namespace, kept through updates, deletes and relists", () => {
  const cache = new ObjectCache();
  const inNs = (name: string, namespace: string, rv = "1") =>
    aConfigMap(name, rv, { namespace });
  const byFilter = (ns: string) =>
    cache.list().filter((o) => o.metadata.namespace === ns);
  const names = (os: KubeObject[]) => os.map((o) => o.metadata.name);
  cache.replace([inNs("a", "x"), inNs("b", "y"), inNs("c", "x")]);
  cache.apply("ADDED", inNs("d", "x"));
  cache.apply("MODIFIED", inNs("a", "x", "2"));
  cache.apply("DELETED", inNs("c", "x"));
  cache.apply("ADDED", inNs("c", "x", "3"));
  for (const ns of ["x", "y", "z"]) {
    assertEquals(cache.listNamespace(ns), byFilter(ns));
  }
  assertEquals(names(cache.listNamespace("x")), ["a", "d", "c"]);
  assertEquals(cache.listNamespace("x")[0].metadata.resourceVersion, "2");
  cache.replace([inNs("b", "y"), inNs("e", "z")]);
  for (const ns of ["x", "y", "z"]) {
    assertEquals(cache.listNamespace(ns), byFilter(ns));
  }
  assertEquals(cache.listNamespace("x"), []);
  // A returned list is a copy: changing it leaves the cache alone.
  cache.listNamespace("y").pop();
  assertEquals(names(cache.listNamespace("y")), ["b"]);
});

Deno.test("cache: a namespace filter keeps other namespaces out, and retain drops them silently", () => {
  const cache = new ObjectCache();
  const inA = (ns: string | undefined) => ns === "a";
  const at = (name: string, namespace: string) =>
    aConfigMap(name, "1", { namespace });
  const events = cache.replace([at("x", "a"), at("y", "b")], inA);
  assertEquals(summary(events), ["add:x"]);
  assertEquals(cache.apply("ADDED", at("z", "b"), inA), undefined);
  assertEquals(cache.listNamespace("b"), []);
  // Both namespaces kept, then only b: a's object leaves with no event.
  const both = (ns: string | undefined) => ns === "a" || ns === "b";
  assertEquals(
    summary(cache.replace([at("x", "a"), at("y", "b")], both)),
    ["add:y"],
  );
  const inB = (ns: string | undefined) => ns === "b";
  assertEquals(summary(cache.replace([at("x", "a"), at("y", "b")], inB)), []);
  assertEquals(cache.list().map((o) => o.metadata.name), ["y"]);
  cache.retain(() => false);
  assertEquals(cache.size, 0);
  assertEquals(cache.listNamespace("b"), []);
});
