import "../../../lib/preload.ts";
import { assertEquals } from "../../assert.ts";
import { runPool, Slots } from "../../../lib/engine/pool.ts";

Deno.test("slots: callers sharing slots never exceed the bound together", async () => {
  const slots = new Slots(3);
  let inFlight = 0;
  let peak = 0;
  const work = () =>
    slots.run(async () => {
      peak = Math.max(peak, ++inFlight);
      await new Promise((r) => setTimeout(r, 1));
      inFlight--;
    });
  // Two "namespaces", each with wide pools of their own.
  await Promise.all([
    runPool([...Array(10).keys()], 10, work),
    runPool([...Array(10).keys()], 10, work),
  ]);
  assertEquals(peak, 3);
  assertEquals(inFlight, 0);
});

Deno.test("slots: a failing task frees its slot", async () => {
  const slots = new Slots(1);
  await slots.run(() => Promise.reject(new Error("boom"))).catch(() => {});
  assertEquals(await slots.run(() => Promise.resolve(7)), 7);
});
