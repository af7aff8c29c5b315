import "../../../lib/preload.ts";
import { assert, assertEquals } from "../../assert.ts";
import { informerKey, SharedInformers } from "../../../lib/informer/shared.ts";
import { anEventLog, eventually, simWriter, withSim } from "../sim-helpers.ts";

const spec = {
  type: { group: "", version: "v1", resource: "configmaps" },
  namespace: "app",
};

Deno.test("shared informers: consumers of one type share one watch, refcounted", async () => {
  await withSim(async (c, clients) => {
    const w = simWriter(c, "app");
    w.namespace();
    w.create("early");
    const shared = new SharedInformers();
    const client = clients.make();
    const first = anEventLog();
    const second = anEventLog();
    const a = shared.acquire(client, spec, first.handler);
    await a.informer.synced;
    const b = shared.acquire(client, { ...spec }, second.handler);
    assert(a.informer === b.informer, "same informer");
    assert(second.has("add:early"), "a late consumer gets the cache as adds");
    const other = shared.acquire(client, { ...spec, labelSelector: "x=y" });
    assertEquals(
      shared.size,
      2,
      "a different selector is a different informer",
    );
    await eventually(() => c.hub.size === 2, 5000, "two watches");
    w.create("later");
    await eventually(() => first.has("add:later") && second.has("add:later"));
    await a.release();
    assertEquals(shared.size, 2, "still used by b");
    await b.release();
    await other.release();
    assertEquals(shared.size, 0);
    await eventually(() => c.hub.size === 0, 5000, "watches closed");
  });
});

Deno.test("shared informers: key includes cluster, type, namespace and selector", () => {
  assertEquals(informerKey("dr", spec), "dr|configmaps./v1|app|");
  assertEquals(
    informerKey("src", {
      type: { group: "apps", version: "v1", resource: "deployments" },
      labelSelector: "a=b",
    }),
    "src|deployments.apps/v1|*|a=b",
  );
});
