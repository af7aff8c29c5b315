/**
 * Issue 15 item 3, contract §2 counts: created/updated/deleted are the
 * writes of the last pass that wrote anything; a pass with nothing to do
 * never zeroes them; per-object writes reach status; our own writes'
 * echoes (the DR Namespace event) do not start passes.
 */
import "../../../lib/preload.ts";
import { assertEquals } from "../../assert.ts";
import { configMap } from "../../lib/engine/fixtures.ts";
import {
  type E2e,
  sourceNamespace,
  standardSetup,
  statusOf,
  until,
  withController,
} from "../harness.ts";

interface Counts {
  desired: number;
  inSync: number;
  created: number;
  updated: number;
  deleted: number;
  skipped: number;
  failed: number;
}

const countsOf = async (e: E2e) => (await statusOf(e)).counts as Counts;
const passes = (e: E2e) =>
  e.logs.filter((l) => l.includes("sync finished")).length;

async function configMaps(e: E2e, prefix: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    await e.src.create(e.type("configmaps"), {
      ...configMap(`${prefix}${i}`, { i: String(i) }),
      metadata: { name: `${prefix}${i}`, namespace: "shop" },
    });
  }
}

async function tenConfigMaps(e: E2e): Promise<void> {
  await sourceNamespace(e, "shop");
  await configMaps(e, "c", 10);
}

Deno.test("counts: the first sync's creates stay in status; our own DR Namespace event starts no second pass", async () => {
  await withController(async (e) => {
    await tenConfigMaps(e);
    await standardSetup(e);
    e.start();
    await until("synced", async () => (await statusOf(e)).phase === "Synced");
    // Long enough for an echo-driven pass (it came 8 ms after the first).
    await new Promise((r) => setTimeout(r, 500));
    const counts = await countsOf(e);
    assertEquals(passes(e), 1, e.logs.join("\n"));
    // The ten ConfigMaps, plus the namespace's default ServiceAccount.
    assertEquals([counts.desired, counts.created], [11, 10]);
  });
});

Deno.test("counts: a pass with nothing to do keeps created; a per-object write reaches status", async () => {
  await withController(async (e) => {
    await tenConfigMaps(e);
    await standardSetup(e);
    e.start();
    await until("synced", async () => (await statusOf(e)).phase === "Synced");
    // A new generation makes a pass, which finds nothing to do.
    await standardSetup(e, { resyncInterval: "11m" });
    await until("an empty pass", () => passes(e) >= 2);
    assertEquals((await countsOf(e)).created, 10);
    // One new object through the fast path: its create shows in status.
    await e.src.create(e.type("configmaps"), {
      ...configMap("late", { i: "late" }),
      metadata: { name: "late", namespace: "shop" },
    });
    await until(
      "the create reaches status",
      async () => {
        const c = await countsOf(e);
        return c.created === 1 && c.desired === 12;
      },
      15_000,
    );
    assertEquals(passes(e), 2, "the fast path, not a pass, wrote it");
  });
});

Deno.test("counts: a burst of per-object writes reaches status in one rate-limited status write", async () => {
  await withController(async (e) => {
    await tenConfigMaps(e);
    await standardSetup(e);
    e.start();
    await until("synced", async () => (await statusOf(e)).phase === "Synced");
    e.source.counters.reset();
    await configMaps(e, "burst", 8);
    await until(
      "the burst reaches status",
      async () => (await countsOf(e)).created === 8,
      15_000,
    );
    // One status write per object would be 8; the flush window makes it 1
    // (2 if the burst straddled a flush).
    const statusWrites = e.source.counters.get(
      "patch",
      "namespacereplications/status",
    );
    assertEquals(
      statusWrites >= 1 && statusWrites <= 2,
      true,
      `${statusWrites} status writes`,
    );
    assertEquals(passes(e), 1, "the fast path, not a pass, wrote them");
  });
});
