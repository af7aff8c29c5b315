/**
 * The benchmark harness works end to end: a smoke-sized run of every
 * scenario (its own process, as `deno task bench` runs) writes a JSON
 * document with every figure as a finite number. The numbers themselves
 * are not judged here; docs/benchmarks.md holds a full run.
 */
import "../../lib/preload.ts";
import { assert, assertEquals } from "../assert.ts";
import type { BenchResult } from "./main.ts";

const MAIN = new URL("./main.ts", import.meta.url).pathname;

/** Every figure a run must report, by scenario. */
const EXPECTED: Record<string, RegExp[]> = {
  "initial-sync": [/^objects\/s/, /^time to first full sync/],
  propagation: [
    /^change→DR p50/,
    /^change→DR p95/,
    /^change→DR p99/,
    /^changes not seen on DR/,
  ],
  efficiency: [
    /^DR writes \/ unchanged ns sync/,
    /^DR reads \/ unchanged ns sync/,
    /^source reads \/ unchanged ns sync/,
    /^status writes \/ pass/,
    /^DR writes \/ changed object/,
    /^DR reads \/ changed object/,
    /^other source requests \/ changed object/,
  ],
  memory: [
    /^RSS, 0 objects/,
    /^RSS per replicated object \(/,
    /^RSS per replicated object, marginal/,
    /^V8 heap per replicated object/,
    /^peak RSS/,
    /^RSS step when churn starts/,
    /^RSS growth over/,
    /^RSS trend/,
  ],
  unmapped: [/^RSS, \d+ objects replicated/, /^RSS difference/],
  startup: [/^process start → ready/],
  scale: [
    /^time to all Synced/,
    /^replications per replica/,
    /^DR requests per replicated object/,
    /^source requests per replicated object/,
    /^replica 1 RSS/,
    /^replica 2 RSS/,
  ],
};

Deno.test("bench smoke run reports every figure as a number", async () => {
  const out = await Deno.makeTempFile({ suffix: ".json" });
  try {
    const run = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", MAIN, "--smoke", "-o", "json", "--out", out],
      stdout: "null",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(run.stderr);
    assertEquals(run.code, 0, stderr);
    const result = JSON.parse(await Deno.readTextFile(out)) as BenchResult;
    assertEquals(result.size, "smoke");
    for (const [scenario, names] of Object.entries(EXPECTED)) {
      const figures = result.figures.filter((f) => f.scenario === scenario);
      for (const name of names) {
        const f = figures.find((x) => name.test(x.name));
        assert(f !== undefined, `${scenario}: no figure ${name}`);
        assert(Number.isFinite(f.value), `${scenario} ${f.name}: ${f.value}`);
        if (f.limit !== undefined) {
          assert(Number.isFinite(f.limit), `${scenario} ${f.name} limit`);
          assert(Number.isFinite(f.ratio!), `${scenario} ${f.name} ratio`);
        }
      }
    }
    const lost = result.figures.find((f) =>
      f.name === "changes not seen on DR"
    );
    assertEquals(lost?.value, 0, "every propagated change reached DR");
  } finally {
    await Deno.remove(out);
  }
});
