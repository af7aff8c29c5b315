/**
 * The end-to-end, RBAC-enforcement and workflow suites against REAL control planes
 * (kube-apiserver + etcd + kube-controller-manager, tests/kube), with the same test code that
 * runs against kube-sim in their own files. One pair of clusters serves every test here
 * (tests/world/shared.ts resets it between tests), because a start costs seconds and the
 * machine has two cores. Runs whenever Go is present (tests/kube/harness.ts); tests marked
 * `simOnly` are listed as ignored steps with their reason.
 *
 * `DRS_SHARED_WORLD=sim` rehearses this shared-world mode in kube-sim (no Go needed);
 * `DRS_SUITES=a,b` keeps only the suites whose name contains one of the comma-separated texts;
 * `DRS_TESTS=a|b` keeps only the tests whose name contains one of the texts, and runs them even when
 * they are listed in REAL_WORLD_FAILURES (to reproduce one); `DRS_REPEAT=n` runs each kept
 * test n times (to catch one that fails now and then).
 */
import { GO_PRESENT } from "../kube/harness.ts";
import { startWorld, type WorldName } from "../world/mod.ts";
import { SIM_ONLY, useSharedWorld } from "../world/shared.ts";

type TestFn = (t: Deno.TestContext) => Promise<void> | void;
interface Collected {
  name: string;
  fn: TestFn;
  ignore: boolean;
}

/**
 * The suites, each a module of Deno.test registrations collected instead of run. The core set
 * keeps the default real-world run near 5 minutes on a loaded 2-core machine (each test costs
 * a reset: the real namespace controller empties and deletes every namespace, ~5 s).
 * `DRS_REAL_WORLD=full` (set by .ci/run) adds the rest of the end-to-end and workflow suites
 * (FULL_SUITES); DRS_SUITES picks from both. Left out everywhere: own writes (no cluster) and
 * scoped watches (sim-only).
 */
const SUITES: [string, () => Promise<unknown>][] = [
  ["e2e: promote", () => import("./promote_test.ts")],
  ["e2e: modes", () => import("./modes_test.ts")],
  ["e2e: continuous", () => import("./continuous_test.ts")],
  ["e2e: prune", () => import("./prune_test.ts")],
  ["e2e: restart", () => import("./restart_test.ts")],
  [
    "status: counts",
    () => import("./namespace-replication/status-counts_test.ts"),
  ],
  [
    "status: promoted",
    () => import("./namespace-replication/status-promoted_test.ts"),
  ],
  ["status: rpo", () => import("./namespace-replication/status-rpo_test.ts")],
  [
    "scoped watches",
    () => import("./namespace-replication/scoped-watches_test.ts"),
  ],
  ["rbac", () => import("../deploy/rbac_sim_test.ts")],
  ["workflows: promote", () => import("../lib/workflows/promote_test.ts")],
  ["workflows: conflict", () => import("../lib/workflows/conflict_test.ts")],
  ["workflows: cutover", () => import("../lib/workflows/cutover_test.ts")],
  ["workflows: failback", () => import("../lib/workflows/failback_test.ts")],
  // Each test installs the VolSync and VolumeSnapshot CRDs (tests/fixtures/volsync) itself.
  ["volumes: handshake", () => import("./volumes_test.ts")],
  ["volumes: failover", () => import("./volume_failover_test.ts")],
  ["volumes: cleanup", () => import("./volume_cleanup_test.ts")],
];

/** The rest, with DRS_REAL_WORLD=full: about 3 more minutes on a loaded machine. */
const FULL_SUITES: [string, () => Promise<unknown>][] = [
  ["e2e: copy rules", () => import("./copy_rules_test.ts")],
  ["e2e: types", () => import("./types_test.ts")],
  ["e2e: conflict", () => import("./conflict_test.ts")],
  ["e2e: mapping", () => import("./mapping_test.ts")],
  ["e2e: faults", () => import("./faults_test.ts")],
  ["workflows: sync", () => import("../lib/workflows/sync_test.ts")],
  ["workflows: dry run", () => import("../lib/workflows/dry_run_test.ts")],
];

/**
 * Tests that fail against real clusters and are not fixed yet, with what was seen: each is a
 * real difference to investigate (product or test data), listed so the lead can pick them up.
 */
export const REAL_WORLD_FAILURES: Record<string, string> = {};

/** Imports a test module with Deno.test swapped for a collector. */
async function collect(load: () => Promise<unknown>): Promise<Collected[]> {
  const out: Collected[] = [];
  const original = Deno.test;
  const register = (
    a: string | Deno.TestDefinition | TestFn,
    b?: TestFn | Omit<Deno.TestDefinition, "name" | "fn">,
    c?: TestFn,
  ) => {
    if (typeof a === "function") {
      out.push({ name: a.name, fn: a, ignore: false });
    } else if (typeof a === "string") {
      const fn = (typeof b === "function" ? b : c)!;
      const opts = typeof b === "object" ? b : {};
      out.push({ name: a, fn, ignore: opts.ignore === true });
    } else {
      out.push({ name: a.name, fn: a.fn, ignore: a.ignore === true });
    }
  };
  // Only plain registrations are used by the suites above.
  Object.defineProperty(Deno, "test", { value: register, configurable: true });
  try {
    await load();
  } finally {
    Object.defineProperty(Deno, "test", {
      value: original,
      configurable: true,
    });
  }
  return out;
}

const rehearse = Deno.env.get("DRS_SHARED_WORLD") as WorldName | undefined;
const world: WorldName = rehearse ?? "real";
const suites: [string, Collected[]][] = [];
const onlyTests = Deno.env.get("DRS_TESTS")?.split("|");
if (GO_PRESENT || world === "sim") {
  const only = Deno.env.get("DRS_SUITES")?.split(/\s*,\s*/);
  const full = only !== undefined || Deno.env.get("DRS_REAL_WORLD") === "full";
  for (const [name, load] of full ? [...SUITES, ...FULL_SUITES] : SUITES) {
    if (only && !only.some((w) => name.includes(w))) continue;
    const tests = (await collect(load)).filter((t) =>
      !onlyTests || onlyTests.some((w) => t.name.includes(w))
    );
    const repeat = Number(Deno.env.get("DRS_REPEAT") ?? 1);
    if (tests.length) {
      suites.push([name, tests.flatMap((t) => Array(repeat).fill(t))]);
    }
  }
}

Deno.test({
  name:
    `${world} world: e2e, rbac and workflow suites on one shared pair of clusters`,
  ignore: !GO_PRESENT && world !== "sim",
  async fn(t) {
    const started = performance.now();
    const shared = await startWorld({ world, clusters: ["source", "dr"] });
    console.log(
      `${world} world ready in ${
        ((performance.now() - started) / 1000).toFixed(1)
      } s`,
    );
    useSharedWorld(shared);
    try {
      for (const [suite, tests] of suites) {
        await t.step(suite, async (t) => {
          for (const test of tests) {
            const simOnly = (test.fn as { [SIM_ONLY]?: string })[SIM_ONLY];
            const failing = world === "real" && !onlyTests
              ? REAL_WORLD_FAILURES[test.name]
              : undefined;
            const reason = simOnly
              ? `sim-only: ${simOnly}`
              : failing && `fails on real clusters: ${failing}`;
            await t.step({
              name: reason ? `${test.name} [${reason}]` : test.name,
              ignore: test.ignore || reason !== undefined,
              fn: test.fn,
            });
          }
        });
      }
    } finally {
      useSharedWorld(undefined);
      await shared.stop();
      console.log(
        `${world} world suites took ${
          ((performance.now() - started) / 1000).toFixed(0)
        } s`,
      );
    }
  },
});
