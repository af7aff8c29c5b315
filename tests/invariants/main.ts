/**
 * The soak: `deno task invariants [--seeds N] [--steps N] [--seed S]
 * [--shrink N] [--ops JSON] [--verbose]`. Runs N seeds (from S, default
 * random, printed) of the given length against kube-sim with the real
 * controller; prints every failure with its seed and shortest sequence.
 * Exit 1 when any invariant broke.
 */
import { parseArgs } from "node:util";
import { exploreSeed, formatFailure } from "./explore.ts";
import { describeOp, type Op } from "./ops.ts";
import { runSequence } from "./run.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    seeds: { type: "string", default: "20" },
    steps: { type: "string", default: "20" },
    seed: { type: "string" },
    shrink: { type: "string", default: "12" },
    ops: { type: "string" },
    verbose: { type: "boolean", default: false },
  },
});
const log = values.verbose ? (l: string) => console.log(l) : undefined;

if (values.ops) {
  const ops = JSON.parse(values.ops) as Op[];
  console.log(ops.map((o, i) => `${i + 1}. ${describeOp(o)}`).join("\n"));
  const r = await runSequence(ops, { log });
  console.log(r.error ?? (r.violations.length ? r.violations : "no violation"));
  Deno.exit(r.violations.length || r.error ? 1 : 0);
}

const first = values.seed !== undefined
  ? Number(values.seed)
  : Math.floor(Math.random() * 2 ** 31);
const seeds = Number(values.seeds);
const steps = Number(values.steps);
console.log(
  `invariants: seeds ${first}..${first + seeds - 1}, ${steps} steps each`,
);
let failed = 0;
let errors = 0;
const started = Date.now();
for (let seed = first; seed < first + seeds; seed++) {
  const r = await exploreSeed(seed, steps, {
    log,
    shrinkRuns: Number(values.shrink),
  });
  if (r.result.error) {
    errors++;
    console.log(`seed ${seed}: harness error\n${r.result.error}`);
  } else if (r.result.violations.length > 0) {
    failed++;
    console.log(formatFailure(r));
  } else {
    console.log(`seed ${seed}: ok (${r.result.changes} changes recorded)`);
  }
}
console.log(
  `invariants: ${seeds} sequences, ${seeds * steps} steps, ${failed} failed, ` +
    `${errors} harness errors, ${Math.round((Date.now() - started) / 1000)} s`,
);
Deno.exit(failed > 0 || errors > 0 ? 1 : 0);
