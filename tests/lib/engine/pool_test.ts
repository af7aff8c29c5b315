import "../../../lib/preload.ts";
import { assertEquals } from "../../assert.ts";
import { runPool } from "../../../lib/engine/pool.ts";

Deno.test("runPool: at most `limit` calls in flight, every item once, started in order", async () => {
  let inFlight = 0;
  let peak = 0;
  const startedOrder: number[] = [];
  await runPool([...Array(10).keys()], 3, async (i) => {
    startedOrder.push(i);
    peak = Math.max(peak, ++inFlight);
    await new Promise((r) => setTimeout(r, 1));
    inFlight--;
  });
  assertEquals(peak, 3);
  assertEquals(startedOrder, [...Array(10).keys()]);
});
