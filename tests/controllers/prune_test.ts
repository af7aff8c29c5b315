/**
 * Deletions end to end: a deleted source object deletes only its own copy,
 * the mass-deletion guard blocks and reports, and the allow token releases
 * the blocked prunes exactly once.
 */
import "../../lib/preload.ts";
import { assert, assertEquals } from "../assert.ts";
import { configMap } from "../lib/engine/fixtures.ts";
import {
  conditionOf,
  type E2e,
  eventFor,
  NS,
  put,
  sourceNamespace,
  standardSetup,
  statusOf,
  synced,
  until,
  withController,
} from "./harness.ts";

const COPIES = 20;
const ALLOW = "drsyncer.io/allow-mass-prune";

/** Deletes the named source ConfigMaps in one deletecollection request. */
async function deleteBatch(e: E2e, batch: string): Promise<void> {
  await e.src.client.requestJson(`/api/v1/namespaces/shop/configmaps`, {
    method: "DELETE",
    query: { labelSelector: `batch=${batch}` },
  });
}

async function drNames(e: E2e): Promise<string[]> {
  const items = await e.drApi.list(e.type("configmaps"), "shop-dr");
  return items.map((o) => o.metadata.name).filter((n) => n.startsWith("c"));
}

function batchOf(i: number): string {
  if (i === 0) return "single";
  if (i <= 8) return "first";
  if (i <= 14) return "second";
  return "kept";
}

Deno.test("controller: prune deletes only our copies; a mass deletion is blocked, reported and released once", async () => {
  await withController(async (e) => {
    await sourceNamespace(e, "shop");
    const names = Array.from({ length: COPIES }, (_, i) => `c${i}`);
    await put(
      e,
      "shop",
      names.map((n, i) => configMap(n, { n }, { batch: batchOf(i) })),
    );
    await standardSetup(e, { pruneSafety: { delay: "1s" } });
    e.start();
    await synced(e);
    // Made by hand on DR, same label as the batch that will be deleted.
    await e.drApi.create(e.type("configmaps"), {
      ...configMap("c-theirs", {}, { batch: "first" }),
      metadata: { name: "c-theirs", namespace: "shop-dr" },
    });

    await deleteBatch(e, "single");
    await until("single prune", async () => !(await drNames(e)).includes("c0"));

    await deleteBatch(e, "first");
    await until(
      "guard",
      async () =>
        conditionOf(await statusOf(e), "PruneBlocked")?.status === "True",
      15_000,
    );
    const event = await eventFor(e, "shop-to-dr", "PruneBlocked");
    assertEquals(event.type, "Warning");
    const blocked = await statusOf(e);
    assertEquals(
      (blocked.blockedPrunes as { name: string }[]).map((b) => b.name).sort(),
      names.slice(1, 9).sort(),
    );
    assertEquals((await drNames(e)).length, COPIES, "nothing deleted yet");

    await annotate(e, "t1");
    await until(
      "released",
      async () => (await statusOf(e)).lastMassPruneApproval === "t1",
    );
    await until(
      "first batch gone",
      async () => (await drNames(e)).length === 12,
    );
    assert((await drNames(e)).includes("c-theirs"), "foreign object kept");
    assertEquals(conditionOf(await synced(e), "PruneBlocked")?.status, "False");

    // A token set before the next mass deletion does not pre-approve it.
    await annotate(e, "early");
    await deleteBatch(e, "second");
    await until(
      "blocked again",
      async () =>
        conditionOf(await statusOf(e), "PruneBlocked")?.status === "True",
      15_000,
    );
    await new Promise((r) => setTimeout(r, 1500));
    assertEquals((await drNames(e)).length, 12, "not pre-approved");
    await annotate(e, "t2");
    await until(
      "second batch gone",
      async () => (await drNames(e)).length === 6,
    );
    // Status is written when the pass ends, after its deletes: on a real cluster a read can
    // fall between the two.
    await until(
      "t2 recorded",
      async () => (await statusOf(e)).lastMassPruneApproval === "t2",
    );
  });
});

async function annotate(e: E2e, token: string): Promise<void> {
  const nr = await e.getOwn("NamespaceReplication", "shop-to-dr");
  await e.src.client.requestJson(
    `/apis/drsyncer.io/v1alpha1/namespaces/${NS}/namespacereplications/shop-to-dr`,
    {
      method: "PATCH",
      contentType: "application/merge-patch+json",
      body: { metadata: { annotations: { [ALLOW]: token } } },
    },
  );
  assert(nr, "replication exists");
}

Deno.test("controller: a deleted source namespace never deletes its DR copy (SourceNamespaceMissing)", async () => {
  await withController(async (e) => {
    await sourceNamespace(e, "shop");
    await put(e, "shop", ["c1", "c2", "c3"].map((n) => configMap(n, { n })));
    await standardSetup(e, { pruneSafety: { delay: "0s" } });
    e.start();
    await synced(e);
    await e.src.remove(e.type("namespaces"), undefined, "shop");
    await until(
      "SourceNamespaceMissing",
      async () =>
        conditionOf(await statusOf(e), "SourceNamespaceMissing")?.status ===
          "True",
    );
    await eventFor(e, "shop-to-dr", "SourceNamespaceMissing");
    await new Promise((r) => setTimeout(r, 500)); // passes had their chance
    assert(await e.drApi.getNamespace("shop-dr"), "DR namespace kept");
    assertEquals((await drNames(e)).sort(), ["c1", "c2", "c3"]);
  });
});

Deno.test("controller: ignore added later: on an object its copy is pruned, on the namespace the DR copy is left as is", async () => {
  await withController(async (e) => {
    const cm = e.type("configmaps");
    await sourceNamespace(e, "shop");
    await put(e, "shop", ["c1", "c2", "c3"].map((n) => configMap(n, { n })));
    await standardSetup(e);
    e.start();
    await synced(e);

    const c1 = await e.src.get(cm, "shop", "c1");
    await e.src.replace(cm, {
      ...c1!,
      metadata: { ...c1!.metadata, labels: { "drsyncer.io/ignore": "true" } },
    });
    await until(
      "ignored object's copy pruned",
      async () => (await drNames(e)).join() === "c2,c3",
    );

    const ns = await e.src.getNamespace("shop");
    await e.src.replace(e.type("namespaces"), {
      ...ns!,
      metadata: { ...ns!.metadata, labels: { "drsyncer.io/ignore": "true" } },
    });
    await new Promise((r) => setTimeout(r, 300));
    e.dr.counters.reset();
    await e.src.remove(cm, "shop", "c2");
    const c3 = await e.src.get(cm, "shop", "c3");
    await e.src.replace(cm, { ...c3!, data: { n: "changed" } });
    await new Promise((r) => setTimeout(r, 500));
    assertEquals(
      e.dr.counters.total({ verbs: ["create", "update", "delete"] }),
      0,
    );
    assertEquals((await drNames(e)).join(), "c2,c3");
  });
});
