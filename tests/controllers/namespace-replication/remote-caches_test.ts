import "../../../lib/preload.ts";
import { assert, assertEquals } from "../../assert.ts";
import { LABEL_REPLICATION } from "../../../lib/api/v1alpha1.ts";
import { RemoteCaches } from "../../../controllers/namespace-replication/remote-caches.ts";
import type { SimCluster } from "../../sim/mod.ts";
import { eventually, withSim } from "../../lib/sim-helpers.ts";

const configMaps = {
  group: "",
  version: "v1",
  resource: "configmaps",
  kind: "ConfigMap",
};
const fast = { backoff: { initialMs: 100, maxMs: 300, jitter: 0 } };

/** A copy of replication `owner` in namespace `ns` (and one not ours). */
function copies(c: SimCluster, namespaces: string[]) {
  const cm = c.registry.find("", "v1", "configmaps")!;
  const ns = c.registry.find("", "v1", "namespaces")!;
  for (const name of namespaces) {
    c.engine.create(ns, "", { metadata: { name } });
    c.engine.create(cm, name, {
      metadata: { name: "copy", labels: { [LABEL_REPLICATION]: `r-${name}` } },
    });
    c.engine.create(cm, name, { metadata: { name: "not-ours" } });
  }
}

const held = (i: { list(): { metadata: { namespace?: string } }[] }) =>
  i.list().map((o) => o.metadata.namespace).sort();

Deno.test("DR caches with sharding keep only the claimed namespaces' copies", async () => {
  await withSim(async (c, clients) => {
    copies(c, ["a", "b", "c"]);
    const caches = new RemoteCaches(fast, () => {}, undefined, true);
    const client = clients.make();
    try {
      const first = caches.claim("dr");
      first.set(["a"]);
      const informer = await caches.informer("dr", client, configMaps);
      await informer.whenCovers(["a"]);
      assertEquals(held(informer), ["a"], "only a's copy, only ours");
      assert(!informer.covers("b"));

      const second = caches.claim("dr");
      second.set(["b", "c"]);
      assert(!informer.covers("b"), "not before the relist");
      await informer.whenCovers(["a", "b", "c"]);
      assertEquals(held(informer), ["a", "b", "c"]);

      first.release();
      assertEquals(held(informer), ["b", "c"], "released: dropped at once");
      second.set(["c"]);
      assertEquals(held(informer), ["c"]);
      const namespaces = await caches.namespaces("dr", client);
      await namespaces.synced;
      assert(namespaces.covers(), "the namespaces cache is never scoped");
    } finally {
      await caches.close();
    }
  });
});

Deno.test("DR caches without sharding keep every copy whatever is claimed", async () => {
  await withSim(async (c, clients) => {
    copies(c, ["a", "b"]);
    const caches = new RemoteCaches(fast, () => {}, undefined, false);
    try {
      caches.claim("dr").set(["a"]);
      const informer = await caches.informer("dr", clients.make(), configMaps);
      await informer.synced;
      await eventually(() => held(informer).length === 2);
      assertEquals(held(informer), ["a", "b"]);
      assert(informer.covers("b"));
    } finally {
      await caches.close();
    }
  });
});
