/**
 * Memory of the controller process: RSS idle, after its caches hold the
 * source objects and DR copies of 5,000 and 20,000 replicated objects, and
 * over a soak of steady churn (changes, creates, deletes) at the end.
 */
import { type Controller, cpuMs, type ProcessMemory } from "../controller.ts";
import { BenchEnv } from "../env.ts";
import {
  fillSource,
  replicate,
  STAMP_KEY,
  syncNow,
  waitRemoteReady,
  waitSynced,
} from "../setup.ts";
import { type Figure, median, sleep } from "../stats.ts";
import { bySize, type ScenarioOptions } from "./mod.ts";

const PER_NS = 100;
const SETTLE_MS = 3_000;
/**
 * A second reading after this much quiet: V8 returns the sync's garbage
 * pages only after its memory reducer ran, so the first reading is the
 * working set during sync and this one the steady state.
 */
const QUIET_MS = 30_000;
const SYNC_TIMEOUT_MS = 900_000;
const MB = 1024 * 1024;
/** Soak churn: ConfigMap changes per second, one create + delete per second. */
const SOAK_CHANGES_PER_SECOND = 20;
/** Seconds a ConfigMap the churn creates lives before it is deleted. */
const SOAK_OBJECT_LIFE_S = 10;
const SOAK_SAMPLES = 20;
/** RSS change over the soak still counted as "no growth" (allocator noise). */
const GROWTH_TOLERANCE = 0.05;

interface Sample {
  objects: number;
  mem: ProcessMemory;
  heap: number;
  /** After QUIET_MS more. */
  quiet: ProcessMemory;
  quietHeap: { total: number; used: number; external: number };
}

async function sample(c: Controller, objects: number): Promise<Sample> {
  await sleep(SETTLE_MS);
  const mem = await c.memory();
  const heap = await c.heapUsed();
  await sleep(QUIET_MS);
  const taken = {
    objects,
    mem,
    heap,
    quiet: await c.memory(),
    // Where the quiet RSS sits: V8's committed heap, its live part, and
    // memory outside the heap (array buffers and native allocations).
    quietHeap: {
      total: await c.metric("nodejs_heap_size_total_bytes"),
      used: await c.heapUsed(),
      external: await c.metric("nodejs_external_memory_bytes"),
    },
  };
  await c.heapSnapshot(String(objects));
  return taken;
}

/** What one churn tick writes: a patch, and once a second a create + delete. */
export interface ChurnTick {
  patch: { namespace: string; name: string };
  create?: { namespace: string; name: string };
  delete?: { namespace: string; name: string };
}

/**
 * Tick `i` of the churn. The create + delete walks the namespaces one per
 * second, so each loses one ConfigMap every `namespaces` seconds: with 200
 * namespaces 18 an hour, under the prune guard's default budget of 50 per
 * namespace and hour. (Keyed by the tick, it hit every 20th namespace only,
 * 360 an hour each; after ~8 minutes the budget held the prunes back, the
 * replication went Degraded and the soak measured the copies kept.)
 */
export function churnTick(i: number, namespaces: number): ChurnTick {
  const tick: ChurnTick = {
    patch: { namespace: `mem-${i % namespaces}`, name: `configmap-${i % 30}` },
  };
  if (i % SOAK_CHANGES_PER_SECOND !== 0) return tick;
  const second = i / SOAK_CHANGES_PER_SECOND;
  tick.create = {
    namespace: `mem-${second % namespaces}`,
    name: `soak-${i}`,
  };
  const old = second - SOAK_OBJECT_LIFE_S;
  if (old >= 0) {
    tick.delete = {
      namespace: `mem-${old % namespaces}`,
      name: `soak-${old * SOAK_CHANGES_PER_SECOND}`,
    };
  }
  return tick;
}

async function churn(env: BenchEnv, i: number, namespaces: number) {
  const t = churnTick(i, namespaces);
  await env.source.requestJson(
    `/api/v1/namespaces/${t.patch.namespace}/configmaps/${t.patch.name}`,
    {
      method: "PATCH",
      body: { data: { [STAMP_KEY]: `soak-${i}` } },
      contentType: "application/merge-patch+json",
    },
  );
  if (t.create) {
    await env.source.requestJson(
      `/api/v1/namespaces/${t.create.namespace}/configmaps`,
      {
        method: "POST",
        body: { metadata: { name: t.create.name }, data: { n: String(i) } },
      },
    );
  }
  if (t.delete) {
    await env.source.requestJson(
      `/api/v1/namespaces/${t.delete.namespace}/configmaps/${t.delete.name}`,
      { method: "DELETE" },
    ).catch(() => {});
  }
}

/**
 * Whether the replication is clean at a soak sample: a Degraded one (held
 * prunes, failures) keeps copies and retries, so the soak would measure that
 * instead of steady churn.
 */
async function replicationClean(env: BenchEnv): Promise<boolean> {
  const o = await env.getOwn("NamespaceReplication", "mem");
  const status = (o.status ?? {}) as {
    phase?: string;
    blockedPrunes?: unknown[];
  };
  return status.phase === "Synced" && !(status.blockedPrunes ?? []).length;
}

interface SoakSamples {
  rss: number[];
  /** Live heap after a full collection (only with the inspector on). */
  heap: number[];
  /** Time each sample waited for the controller to go idle, ms. */
  waits: number[];
  /** Samples at which the replication was not Synced or held prunes. */
  unclean: number;
}

/** Controller CPU below this share of one core counts as idle. */
const IDLE_CPU_SHARE = 0.03;
const IDLE_WINDOW_MS = 1_000;
/** Idle windows in a row before a sample is taken. */
const IDLE_WINDOWS = 3;
const IDLE_TIMEOUT_MS = 120_000;

/**
 * Waits until the controller has finished the passes the churn started:
 * samples taken mid-pass measure the pass's garbage and working set, not
 * what the process keeps, so successive samples swung by 60 MB.
 */
async function waitIdle(c: Controller): Promise<number> {
  const t0 = performance.now();
  let quiet = 0;
  let last = await cpuMs(c.child.pid);
  while (quiet < IDLE_WINDOWS) {
    if (performance.now() - t0 > IDLE_TIMEOUT_MS) {
      throw new Error(`controller not idle after ${IDLE_TIMEOUT_MS} ms`);
    }
    await sleep(IDLE_WINDOW_MS);
    const now = await cpuMs(c.child.pid);
    const idle = now - last <= IDLE_CPU_SHARE * IDLE_WINDOW_MS &&
      await c.metricSum("drsyncer_workqueue_depth") === 0;
    quiet = idle ? quiet + 1 : 0;
    last = now;
  }
  return performance.now() - t0;
}

/**
 * Churn for `ms` of churn time; at even intervals the churn pauses, the
 * controller is let go idle, and RSS and the live heap are sampled.
 */
async function soak(
  env: BenchEnv,
  c: Controller,
  ms: number,
  namespaces: number,
): Promise<SoakSamples> {
  const taken: SoakSamples = { rss: [], heap: [], waits: [], unclean: 0 };
  const every = ms / SOAK_SAMPLES;
  let t0 = performance.now();
  let nextSample = t0 + every;
  for (let i = 0; performance.now() - t0 < ms; i++) {
    await churn(env, i, namespaces);
    if (performance.now() >= nextSample) {
      const paused = performance.now();
      taken.waits.push(await waitIdle(c));
      if (!await replicationClean(env)) taken.unclean++;
      taken.rss.push((await c.memory()).rss);
      const live = await c.heapAfterCollection();
      if (live !== undefined) taken.heap.push(live);
      // With the end's snapshot, a diff of what the churn keeps (the
      // first interval's warm-up, compiled code and caches, is in both).
      if (taken.rss.length === 1) await c.heapSnapshot("soak-first");
      // The pause is not churn time: the churn resumes at its own rate
      // instead of catching up in a burst.
      t0 += performance.now() - paused;
      nextSample = performance.now() + every;
    }
    const due = t0 + ((i + 1) * 1000) / SOAK_CHANGES_PER_SECOND;
    await sleep(Math.max(0, due - performance.now()));
  }
  await c.heapSnapshot("soak-end");
  return taken;
}

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Least-squares slope of evenly spaced samples, per sample step. */
function slope(ys: number[]): number {
  const n = ys.length;
  const mx = (n - 1) / 2;
  const my = mean(ys);
  let num = 0;
  let den = 0;
  ys.forEach((y, x) => {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  });
  return den === 0 ? 0 : num / den;
}

/**
 * Soak growth: the last quarter's median RSS against the second quarter's
 * (the first quarter is the collector sizing the heap for the churn, shown
 * apart as the step from the pre-churn RSS), and the trend over the second
 * half.
 */
export function soakFigures(
  before: number,
  rss: number[],
  soakMs: number,
): Figure[] {
  const q = Math.max(1, Math.floor(rss.length / 4));
  const settled = median(rss.slice(q, 2 * q));
  const growth = (median(rss.slice(-q)) - settled) / settled;
  const half = rss.slice(Math.floor(rss.length / 2));
  const stepMin = soakMs / SOAK_SAMPLES / 60_000;
  const perMin = slope(half) / stepMin / MB;
  const minutes = (soakMs / 60_000).toFixed(1);
  const row = (
    name: string,
    value: number,
    unit: string,
    target: string,
    met?: boolean,
  ): Figure => ({ scenario: "memory", name, value, unit, target, met });
  return [
    row("RSS step when churn starts", (settled - before) / MB, "MB", ""),
    row(
      `RSS growth over ${minutes} min soak (last vs 2nd quarter)`,
      growth * 100,
      "%",
      "≤ 5 %",
      growth <= GROWTH_TOLERANCE,
    ),
    row(
      "RSS trend, second half of soak",
      perMin,
      "MB/min",
      "≈ 0",
      perMin * (soakMs / 60_000) <= GROWTH_TOLERANCE * settled / MB,
    ),
  ];
}

/**
 * The leak signal without the collector's timing: the live heap after a
 * full collection, last quarter against second quarter.
 */
export function liveHeapFigures(heap: number[]): Figure[] {
  const q = Math.max(1, Math.floor(heap.length / 4));
  const settled = median(heap.slice(q, 2 * q));
  const growth = (median(heap.slice(-q)) - settled) / settled;
  return [{
    scenario: "memory",
    name: "live V8 heap growth over soak (after full GC)",
    value: growth * 100,
    unit: "%",
    target: "≤ 5 %",
    met: growth <= GROWTH_TOLERANCE,
  }];
}

function figures(samples: Sample[], rss: number[], soakMs: number): Figure[] {
  const [idle, mid, big] = samples;
  const row = (
    name: string,
    value: number,
    unit: string,
    target = "",
    met?: boolean,
  ): Figure => ({ scenario: "memory", name, value, unit, target, met });
  const perObject = (big.mem.rss - idle.mem.rss) / big.objects;
  const marginal = (big.mem.rss - mid.mem.rss) / (big.objects - mid.objects);
  const quietMarginal = (big.quiet.rss - mid.quiet.rss) /
    (big.objects - mid.objects);
  return [
    ...samples.map((s) =>
      row(
        `RSS, ${s.objects.toLocaleString("en-US")} objects`,
        s.mem.rss / MB,
        "MB",
      )
    ),
    row(
      "RSS per replicated object (source + DR cache)",
      perObject,
      "B",
    ),
    row(
      "RSS per replicated object, marginal",
      marginal,
      "B",
      "≤ 2,560 B",
      marginal <= 2560,
    ),
    ...samples.map((s) =>
      row(
        `RSS, ${s.objects.toLocaleString("en-US")} objects, after ${
          QUIET_MS / 1000
        } s quiet`,
        s.quiet.rss / MB,
        "MB",
      )
    ),
    row(
      "RSS per replicated object, marginal, after quiet",
      quietMarginal,
      "B",
      "≤ 2,560 B",
      quietMarginal <= 2560,
    ),
    row(
      "V8 heap per replicated object",
      (big.heap - idle.heap) / big.objects,
      "B",
    ),
    row("peak RSS (VmHWM)", big.mem.hwm / MB, "MB"),
    ...soakFigures(big.mem.rss, rss, soakMs),
  ];
}

/** See the module comment. */
export async function memory(o: ScenarioOptions): Promise<Figure[]> {
  const [small, large] = bySize(o, {
    smoke: [200, 600],
    quick: [500, 2_000],
    full: [5_000, 20_000],
  });
  const env = await BenchEnv.start();
  try {
    const c = env.startController();
    await c.ready();
    await waitRemoteReady(env, 10_000);
    const samples = [await sample(c, 0)];
    const smallNs = small / PER_NS;
    await fillSource(env, "mem", "mem", { from: 0, to: smallNs }, PER_NS);
    await replicate(env, "mem", "mem");
    await waitSynced(env, "mem", small, SYNC_TIMEOUT_MS);
    samples.push(await sample(c, small));
    await fillSource(
      env,
      "mem",
      "mem",
      { from: smallNs, to: large / PER_NS },
      PER_NS,
    );
    await syncNow(env, "mem", large, SYNC_TIMEOUT_MS);
    samples.push(await sample(c, large));
    o.log(`memory: ${JSON.stringify(samples)}; soak ${o.soakMs} ms`);
    const { rss, heap, waits, unclean } = await soak(
      env,
      c,
      o.soakMs,
      large / PER_NS,
    );
    const mb = (xs: number[]) => xs.map((x) => (x / MB).toFixed(1)).join(" ");
    o.log(`soak RSS MB: ${mb(rss)}`);
    o.log(`soak idle waits s: ${waits.map((w) => (w / 1000).toFixed(1))}`);
    if (heap.length) o.log(`soak live heap MB: ${mb(heap)}`);
    return [
      ...figures(samples, rss, o.soakMs),
      ...(heap.length ? liveHeapFigures(heap) : []),
      {
        scenario: "memory",
        name: "soak samples with the replication not Synced",
        value: unclean,
        unit: "",
        target: "0",
        met: unclean === 0,
      },
    ];
  } finally {
    await env.stop();
  }
}
