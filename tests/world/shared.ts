/**
 * One world shared by the tests of a file: real control planes take seconds to start, so a
 * suite starts one pair, and each test gets it back clean (tests/world/reset.ts) instead of
 * fresh clusters. Fixtures call `acquireWorld`; without a shared world it starts a fresh one.
 */
import { CRDS } from "../../crds/mod.ts";
import type { SimCluster } from "../sim/mod.ts";
import { startWorld, type World } from "./mod.ts";
import { resetCluster } from "./reset.ts";

let shared: World | undefined;
/** Our CRDs, which the controller fixture keeps installed across its tests. */
export const OUR_CRDS: ReadonlySet<string> = new Set(
  CRDS.map((c) => c.metadata.name),
);

/** Makes following fixtures use `world` (reset between tests); `undefined` ends that. */
export function useSharedWorld(world: World | undefined): void {
  shared = world;
}

/**
 * The clusters a test needs: the shared world after a reset (the tests' namespaces and
 * every CRD but `keepCrds` gone, counters zeroed), else a fresh world that `release` stops.
 */
export async function acquireWorld(
  names: string[],
  keepCrds: ReadonlySet<string> = new Set(),
): Promise<{ world: World; release(): Promise<void> }> {
  if (!shared) {
    const world = await startWorld({ clusters: names });
    return { world, release: () => world.stop() };
  }
  const world = shared;
  const missing = names.filter((n) => !(n in world.clusters));
  if (missing.length) {
    throw new Error(`the shared world has no cluster ${missing.join(", ")}`);
  }
  await Promise.all(
    Object.values(world.clusters).map((c) => resetCluster(c, keepCrds)),
  );
  for (const c of Object.values(world.clusters)) c.counters.reset();
  return { world, release: () => Promise.resolve() };
}

/** Why a test function runs in the sim world only (read by real_world_test.ts). */
export const SIM_ONLY = Symbol("simOnly");
type TestFn = (t: Deno.TestContext) => Promise<void> | void;

/**
 * Marks a test as sim-only, with the one-line reason (the kube-sim feature it needs that
 * has no real equivalent yet, tests/world/README.md); the real-world suite skips it.
 */
export function simOnly(reason: string, fn: TestFn): TestFn {
  return Object.assign(fn, { [SIM_ONLY]: reason });
}

/** kube-sim's clusters, for sim-only tests; a clear failure in the real world. */
export function simOf(
  e: { sim?: Record<string, SimCluster> },
): Record<string, SimCluster> {
  if (!e.sim) throw new Error("this test needs kube-sim (marked simOnly)");
  return e.sim;
}
