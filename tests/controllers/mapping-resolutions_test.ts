/** Mappings resolved once: shared answers until the mapping or a namespace changes. */
import "../../lib/preload.ts";
import { assertEquals } from "../assert.ts";
import type { InformerHandler } from "../../lib/informer/informer.ts";
import type { KubeObject } from "../../lib/sync/types.ts";
import { MappingResolutions } from "../../controllers/mapping-resolutions.ts";

function ns(name: string, labels: Record<string, string> = {}): KubeObject {
  return { apiVersion: "v1", kind: "Namespace", metadata: { name, labels } };
}

function mapping(resourceVersion: string, app: string): KubeObject {
  return {
    apiVersion: "drsyncer.io/v1alpha1",
    kind: "NamespaceMapping",
    metadata: { name: "m", namespace: "dr-syncer-system", resourceVersion },
    spec: { namespaceSelector: { matchLabels: { app } } },
  };
}

/** A namespace cache that counts its lists (one per resolution). */
function namespaceCache(items: KubeObject[]) {
  const handlers = new Set<InformerHandler>();
  const cache = {
    lists: 0,
    list: () => {
      cache.lists++;
      return [...items];
    },
    get: (name: string) => items.find((n) => n.metadata.name === name),
    addHandler: (h: InformerHandler) => {
      handlers.add(h);
      return () => handlers.delete(h);
    },
    add: (n: KubeObject) => {
      items.push(n);
      for (const h of handlers) h({ type: "add", object: n });
    },
    handlers,
  };
  return cache;
}

const sources = (r: { pairs: { source: string }[] }) =>
  r.pairs.map((p) => p.source);

Deno.test("mapping resolutions: resolved once per mapping version and namespace state", () => {
  const cache = namespaceCache([ns("a", { app: "shop" }), ns("b")]);
  const resolutions = new MappingResolutions(cache, "dr-syncer-system");
  assertEquals(sources(resolutions.of(mapping("1", "shop"))), ["a"]);
  assertEquals(sources(resolutions.of(mapping("1", "shop"))), ["a"]);
  assertEquals(cache.lists, 1, "the second reader shares the answer");
  cache.add(ns("c", { app: "shop" }));
  assertEquals(sources(resolutions.of(mapping("1", "shop"))), ["a", "c"]);
  assertEquals(sources(resolutions.of(mapping("2", "web"))), []);
  assertEquals(
    cache.lists,
    3,
    "a namespace event and a new version re-resolve",
  );
  resolutions.close();
  assertEquals(cache.handlers.size, 0);
});

Deno.test("mapping resolutions: a source from the last status that vanished is missing", () => {
  const cache = namespaceCache([ns("a", { app: "shop" })]);
  const resolutions = new MappingResolutions(cache, "dr-syncer-system");
  const previous = [
    { source: "a", destination: "a" },
    { source: "gone", destination: "gone" },
  ];
  const r = resolutions.of(mapping("1", "shop"), previous);
  assertEquals([sources(r), r.missing], [["a"], ["gone"]]);
  assertEquals(resolutions.of(mapping("1", "shop")).missing, []);
  resolutions.close();
});
