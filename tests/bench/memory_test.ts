/** The soak's growth verdicts, on made-up sample series. */
import { assert, assertEquals } from "../assert.ts";
import { liveHeapFigures, soakFigures } from "./scenarios/memory.ts";

const MB = 1024 * 1024;
const series = (n: number, at: (i: number) => number) =>
  Array.from({ length: n }, (_, i) => at(i) * MB);

Deno.test("a flat soak with noise is no growth", () => {
  const noisy = series(20, (i) => 300 + (i % 3) * 4);
  const [, growth, trend] = soakFigures(290 * MB, noisy, 1_800_000);
  assert(growth.met, `growth ${growth.value}`);
  assert(trend.met, `trend ${trend.value}`);
  assertEquals(liveHeapFigures(series(20, () => 80))[0].met, true);
});

Deno.test("a steady climb fails both the RSS and the live-heap verdicts", () => {
  const climbing = series(20, (i) => 300 + i * 3);
  const [, growth, trend] = soakFigures(290 * MB, climbing, 1_800_000);
  assertEquals([growth.met, trend.met], [false, false]);
  const [live] = liveHeapFigures(series(20, (i) => 80 + i));
  assertEquals(live.met, false);
  assert(live.value > 5, `live heap growth ${live.value} %`);
});
