/**
 * Startup: `main.ts run` spawned → first 200 from /readyz (CRD watches
 * synced), against a source with our CRDs, a RemoteCluster and its Secret.
 * The first start warms Deno's module cache and is not counted.
 */
import { BenchEnv } from "../env.ts";
import { type Figure, median } from "../stats.ts";
import { bySize, type ScenarioOptions } from "./mod.ts";

const TARGET_MS = 1_500;

/** See the module comment. */
export async function startup(o: ScenarioOptions): Promise<Figure[]> {
  const runs = bySize(o, { smoke: 2, quick: 2, full: 6 });
  const env = await BenchEnv.start();
  try {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const c = env.startController();
      const ms = await c.ready();
      await env.stopControllers();
      if (i > 0) times.push(ms);
    }
    o.log(`startup ms: ${times.map((t) => t.toFixed(0)).join(" ")}`);
    const ms = median(times);
    return [{
      scenario: "startup",
      name: `process start → ready (median of ${times.length})`,
      value: ms,
      unit: "ms",
      target: "< 1,500 ms",
      met: ms < TARGET_MS,
    }];
  } finally {
    await env.stop();
  }
}
