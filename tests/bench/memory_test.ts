/** The soak's growth verdicts, on made-up sample series. */
import { assert, assertEquals } from "../assert.ts";
import { churnTick, liveHeapFigures, soakFigures } from "./scenarios/memory.ts";

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

Deno.test("soak churn: no namespace loses more ConfigMaps an hour than the default prune budget", () => {
  const namespaces = 200; // the full memory size: 20,000 objects
  const ticksPerHour = 3600 * 20;
  const deletes = new Map<string, number>();
  const created = new Set<string>();
  for (let i = 0; i < ticksPerHour; i++) {
    const t = churnTick(i, namespaces);
    if (t.create) created.add(`${t.create.namespace}/${t.create.name}`);
    if (t.delete) {
      const key = `${t.delete.namespace}/${t.delete.name}`;
      assert(created.has(key), `deletes ${key}, which it never created`);
      deletes.set(
        t.delete.namespace,
        (deletes.get(t.delete.namespace) ?? 0) + 1,
      );
    }
  }
  assertEquals(deletes.size, namespaces, "every namespace takes its share");
  const most = Math.max(...deletes.values());
  assert(most <= 50, `${most} deletes an hour in one namespace`);
});
