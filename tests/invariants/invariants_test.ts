/**
 * Many short random sequences against kube-sim with the real controller,
 * judged by the invariants of issue 14 (checks.ts) after every step and at
 * quiescence. Seeds are fixed by default so CI is repeatable; explore more
 * with DRS_INVARIANT_SEED (first seed), DRS_INVARIANT_SEEDS (how many) and
 * DRS_INVARIANT_STEPS, or the longer soak `deno task invariants`.
 */
import { assert } from "../assert.ts";
import { exploreSeed, formatFailure } from "./explore.ts";

const env = (k: string, d: number) => Number(Deno.env.get(k) ?? d);
const FIRST = env("DRS_INVARIANT_SEED", 1400);
const SEEDS = env("DRS_INVARIANT_SEEDS", 8);
const STEPS = env("DRS_INVARIANT_STEPS", 10);

for (let seed = FIRST; seed < FIRST + SEEDS; seed++) {
  Deno.test(`invariants: seed ${seed}, ${STEPS} random steps keep a–e`, async () => {
    const r = await exploreSeed(seed, STEPS, { shrinkRuns: 6 });
    assert(!r.result.error, `seed ${seed}: harness failed\n${r.result.error}`);
    assert(r.result.changes > 0, "the record saw the clusters change");
    assert(r.result.violations.length === 0, formatFailure(r));
  });
}
