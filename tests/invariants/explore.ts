/**
 * Seeds → sequences → verdicts, and shrinking a failing sequence to a
 * shorter one that still breaks the same invariant (drop one step at a
 * time, keep the drop while it still fails; bounded number of re-runs).
 */
import type { Violation } from "./checks.ts";
import { describeOp, generate, type Op } from "./ops.ts";
import { type RunOptions, type RunResult, runSequence } from "./run.ts";

export interface SeedReport {
  seed: number;
  ops: Op[];
  result: RunResult;
  /** The shortest failing sequence found (when it failed). */
  shrunk?: Op[];
  shrinkRuns?: number;
}

const letters = (v: Violation[]) => new Set(v.map((x) => x.invariant));

/** Drops steps while the run still breaks one of `invariants`. */
export async function shrink(
  ops: Op[],
  invariants: Set<string>,
  run: (ops: Op[]) => Promise<RunResult>,
  maxRuns = 12,
): Promise<{ ops: Op[]; runs: number }> {
  let current = ops;
  let runs = 0;
  let progress = true;
  while (progress && runs < maxRuns) {
    progress = false;
    for (let i = current.length - 1; i >= 0 && runs < maxRuns; i--) {
      const candidate = current.filter((_, j) => j !== i);
      runs++;
      const r = await run(candidate);
      if (
        !r.error && [...letters(r.violations)].some((l) => invariants.has(l))
      ) {
        current = candidate;
        progress = true;
      }
    }
  }
  return { ops: current, runs };
}

/** Runs one seed; shrinks a failure when `shrinkRuns` > 0. */
export async function exploreSeed(
  seed: number,
  steps: number,
  opts: RunOptions & { shrinkRuns?: number } = {},
): Promise<SeedReport> {
  const ops = generate(seed, steps);
  const result = await runSequence(ops, opts);
  const report: SeedReport = { seed, ops, result };
  if (result.violations.length > 0 && (opts.shrinkRuns ?? 0) > 0) {
    // Steps after the failing one cannot matter.
    const prefix = ops.slice(0, (result.at ?? ops.length) + 1);
    const s = await shrink(
      prefix,
      letters(result.violations),
      (o) => runSequence(o, { ...opts, log: undefined }),
      opts.shrinkRuns,
    );
    report.shrunk = s.ops;
    report.shrinkRuns = s.runs;
  }
  return report;
}

/** What a failure prints: the seed, the violations, the shortest sequence. */
export function formatFailure(r: SeedReport): string {
  const lines = [
    `invariant broken: seed ${r.seed} (${r.ops.length} steps; after step ${
      (r.result.at ?? 0) + 1
    })`,
    ...r.result.violations.slice(0, 8).map((v) =>
      `  (${v.invariant}) ${v.message}`
    ),
  ];
  const seq = r.shrunk ?? r.ops.slice(0, (r.result.at ?? r.ops.length) + 1);
  lines.push(
    `  shortest reproducing sequence (${seq.length} steps${
      r.shrinkRuns ? `, ${r.shrinkRuns} shrink runs` : ""
    }):`,
    ...seq.map((op, i) => `    ${i + 1}. ${describeOp(op)}`),
    `  replay: deno task invariants --ops '${JSON.stringify(seq)}'`,
  );
  return lines.join("\n");
}
