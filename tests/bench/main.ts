/**
 * `deno task bench [--quick|--smoke] [--soak [MINUTES]] [--scenario NAME] [-o json] [--out FILE] [--world sim|real]`
 *
 * Runs the real controller (main.ts run, its own process) against kube-sim
 * clusters (their own process) and prints each figure next to the limit it
 * approaches, measured in the same run. The JSON goes to --out (default
 * .bench/results.json) and, with `-o json`, to stdout instead of the table.
 */
import "../../lib/preload.ts";
import { parseArgs } from "node:util";
import { worldFromEnv, type WorldName } from "../world/mod.ts";
import { SCENARIOS, type Size } from "./scenarios/mod.ts";
import { type Figure, table } from "./stats.ts";

const SMOKE_SOAK_MS = 3_000;
const QUICK_SOAK_MS = 10_000;
const DEFAULT_SOAK_MS = 60_000;
const FULL_SOAK_MINUTES = 10;

/** The JSON document a run writes. */
export interface BenchResult {
  size: Size;
  startedAt: string;
  /** The test world measured: kube-sim or real control planes (--world). */
  world: WorldName;
  machine: { nproc: number; memoryBytes: number; deno: string; v8: string };
  figures: Figure[];
}

function machine(): BenchResult["machine"] {
  return {
    nproc: navigator.hardwareConcurrency,
    memoryBytes: Deno.systemMemoryInfo().total,
    deno: Deno.version.deno,
    v8: Deno.version.v8,
  };
}

function soakMs(size: Size, soak: string | undefined): number {
  if (soak === undefined) {
    return {
      smoke: SMOKE_SOAK_MS,
      quick: QUICK_SOAK_MS,
      full: DEFAULT_SOAK_MS,
    }[
      size
    ];
  }
  const minutes = soak === "" ? FULL_SOAK_MINUTES : Number(soak);
  return minutes * 60_000;
}

/** Runs the chosen scenarios; returns the result document. */
export async function runBench(args: string[]): Promise<BenchResult> {
  const { values } = parseArgs({
    args,
    options: {
      quick: { type: "boolean", default: false },
      smoke: { type: "boolean", default: false },
      soak: { type: "string" },
      scenario: { type: "string", multiple: true },
      output: { type: "string", short: "o", default: "table" },
      out: { type: "string", default: ".bench/results.json" },
      world: { type: "string" },
    },
  });
  // The cluster process (sim-host.ts) starts the world DRS_WORLD names.
  if (values.world) Deno.env.set("DRS_WORLD", values.world);
  const world = worldFromEnv();
  const names = values.scenario ?? Object.keys(SCENARIOS);
  const unknown = names.filter((n) => !(n in SCENARIOS));
  if (unknown.length > 0) {
    throw new Error(
      `unknown scenario ${unknown.join(", ")}; known: ${
        Object.keys(SCENARIOS).join(", ")
      }`,
    );
  }
  const size: Size = values.smoke ? "smoke" : values.quick ? "quick" : "full";
  const result: BenchResult = {
    size,
    startedAt: new Date().toISOString(),
    world,
    machine: machine(),
    figures: [],
  };
  const opts = {
    size,
    soakMs: soakMs(size, values.soak),
    log: (line: string) => console.error(`bench: ${line}`),
  };
  for (const name of names) {
    opts.log(`scenario ${name}`);
    result.figures.push(...await SCENARIOS[name](opts));
  }
  const json = JSON.stringify(result, null, 2);
  await Deno.mkdir(values.out.replace(/\/[^/]*$/, "") || ".", {
    recursive: true,
  });
  await Deno.writeTextFile(values.out, json + "\n");
  console.log(values.output === "json" ? json : table(result.figures));
  return result;
}

if (import.meta.main) {
  // --soak without a value means the full ten minutes.
  const args = Deno.args.flatMap((a, i, all) =>
    a === "--soak" && (all[i + 1] ?? "--").startsWith("--")
      ? ["--soak", ""]
      : [a]
  );
  await runBench(args);
}
