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
