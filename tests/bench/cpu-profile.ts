/**
 * Summarises a V8 .cpuprofile (from BENCH_CPU_PROF=DIR deno task bench):
 * self time by function and by source file, largest first.
 *   deno run -A tests/bench/cpu-profile.ts FILE.cpuprofile [TOP]
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function shortUrl(url: string): string {
  return url.replace(/^.*\/node_modules\/\.deno\/([^/]+)\/.*?([^/]+)$/, "$1:$2")
    .replace(/^file:\/\/.*\/wt\/[^/]+\//, "");
}

/** Self time in ms per key, largest first. */
export function selfTimes(
  p: Profile,
  key: (n: ProfileNode) => string,
): [string, number][] {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  p.samples.forEach((id, i) => {
    const k = key(byId.get(id)!);
    totals.set(k, (totals.get(k) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000);
  });
  return [...totals].sort((a, b) => b[1] - a[1]);
}

if (import.meta.main) {
  const p = JSON.parse(await Deno.readTextFile(Deno.args[0])) as Profile;
  const top = Number(Deno.args[1] ?? 25);
  const show = (title: string, rows: [string, number][]) => {
    console.log(`\n${title}`);
    for (const [k, ms] of rows.slice(0, top)) {
      console.log(`${ms.toFixed(0).padStart(8)} ms  ${k}`);
    }
  };
  show("by file", selfTimes(p, (n) => shortUrl(n.callFrame.url) || "(native)"));
  show(
    "by function",
    selfTimes(
      p,
      (n) =>
        `${n.callFrame.functionName || "(anon)"} ${
          shortUrl(n.callFrame.url)
        }:${n.callFrame.lineNumber}`,
    ),
  );
}
