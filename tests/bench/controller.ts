/**
 * The real controller as its own process (`deno run main.ts run`), with the
 * same V8 heap limit as the compiled binary, so its RSS and its startup are
 * the product's and not the benchmark's.
 */
import { heapAfterCollection, takeHeapSnapshot } from "./heap-snapshot.ts";
import { sleep } from "./stats.ts";
import { shippedV8Flags } from "../shipped-v8-flags.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;
/** Same heap limits as the compiled binary. */
const V8_FLAGS = shippedV8Flags();
/** BENCH_V8_FLAGS=--x,--y: more V8 flags for the controller (experiments). */
const MORE_V8_FLAGS = Deno.env.get("BENCH_V8_FLAGS");
const READY_POLL_MS = 5;
const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;
const KEPT_LINES = 40;
/** Linux USER_HZ is 100 on every mainstream build. */
const CLOCK_TICK_MS = 10;

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** Memory of a process from /proc (kB → bytes). */
export interface ProcessMemory {
  rss: number;
  hwm: number;
}

/** CPU time (user + system) a process has used so far, in ms. */
export async function cpuMs(pid: number): Promise<number> {
  const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
  // Fields after the parenthesised command name; utime and stime are 14, 15.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * CLOCK_TICK_MS;
}

/**
 * CPU time of a process and all its descendants, in ms: in the real world
 * the cluster process is a launcher and the API servers are its children.
 */
export async function treeCpuMs(pid: number): Promise<number> {
  const parentOf = new Map<number, number>();
  for await (const e of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    try {
      const stat = await Deno.readTextFile(`/proc/${e.name}/stat`);
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      parentOf.set(Number(e.name), ppid);
    } catch { /* exited meanwhile */ }
  }
  const tree = new Set([pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [child, parent] of parentOf) {
      if (tree.has(parent) && !tree.has(child)) {
        tree.add(child);
        grew = true;
      }
    }
  }
  let total = 0;
  for (const p of tree) total += await cpuMs(p).catch(() => 0);
  return total;
}

/** See the module comment. */
export class Controller {
  readonly #lines: string[] = [];
  readonly #drained: Promise<void>[];

  private constructor(
    readonly child: Deno.ChildProcess,
    readonly startedAt: number,
    readonly healthPort: number,
    readonly metricsPort: number,
    readonly inspectPort?: number,
  ) {
    this.#drained = [child.stdout, child.stderr].map((s) => this.#drain(s));
  }

  /** `extra`: more `run` flags (e.g. --sharding). */
  static spawn(
    kubeconfig: string,
    namespace: string,
    extra: string[] = [],
  ): Controller {
    const [health, metrics] = [freePort(), freePort()];
    // BENCH_CPU_PROF=DIR writes a V8 CPU profile of each controller run.
    const prof = Deno.env.get("BENCH_CPU_PROF");
    const profArgs = prof ? ["--cpu-prof", `--cpu-prof-dir=${prof}`] : [];
    // BENCH_HEAP_SNAPSHOT=DIR: the memory scenario writes heap snapshots
    // (which inflate RSS); BENCH_LIVE_HEAP=1: its soak only samples the
    // live heap after a full collection. Both need the inspector.
    const inspectPort = Deno.env.get("BENCH_HEAP_SNAPSHOT") ||
        Deno.env.get("BENCH_LIVE_HEAP")
      ? freePort()
      : undefined;
    if (inspectPort) profArgs.push(`--inspect=127.0.0.1:${inspectPort}`);
    const startedAt = performance.now();
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        MORE_V8_FLAGS ? `${V8_FLAGS},${MORE_V8_FLAGS}` : V8_FLAGS,
        ...profArgs,
        MAIN,
        "run",
      ]
        .concat(["--kubeconfig", kubeconfig])
        .concat(["--namespace", namespace, "--log-level", "warn"])
        .concat(["--metrics-addr", `127.0.0.1:${metrics}`])
        .concat(["--health-addr", `127.0.0.1:${health}`])
        .concat(extra),
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    return new Controller(child, startedAt, health, metrics, inspectPort);
  }

  async #drain(s: ReadableStream<Uint8Array>): Promise<void> {
    // BENCH_CONTROLLER_LOG=FILE: every line the controllers print, appended.
    const logFile = Deno.env.get("BENCH_CONTROLLER_LOG");
    for await (const chunk of s.pipeThrough(new TextDecoderStream())) {
      if (logFile) await Deno.writeTextFile(logFile, chunk, { append: true });
      this.#lines.push(...chunk.split("\n").filter(Boolean));
      this.#lines.splice(0, Math.max(0, this.#lines.length - KEPT_LINES));
    }
  }

  /** The last log lines (for error messages). */
  lastLines(): string {
    return this.#lines.join("\n");
  }

  /** Polls /readyz; resolves with ms from spawn to the first 200. */
  async ready(): Promise<number> {
    const deadline = performance.now() + READY_TIMEOUT_MS;
    while (performance.now() < deadline) {
      const ok = await fetch(`http://127.0.0.1:${this.healthPort}/readyz`)
        .then(async (r) => {
          await r.body?.cancel();
          return r.status === 200;
        }, () => false);
      if (ok) return performance.now() - this.startedAt;
      await sleep(READY_POLL_MS);
    }
    throw new Error(`controller not ready:\n${this.lastLines()}`);
  }

  /** VmRSS and VmHWM of the controller process. */
  async memory(): Promise<ProcessMemory> {
    const text = await Deno.readTextFile(`/proc/${this.child.pid}/status`);
    const kb = (key: string) =>
      Number(text.match(new RegExp(`${key}:\\s+(\\d+) kB`))?.[1] ?? NaN) *
      1024;
    return { rss: kb("VmRSS"), hwm: kb("VmHWM") };
  }

  /** One gauge or counter (no labels) from the controller's /metrics. */
  async metric(name: string): Promise<number> {
    const r = await fetch(`http://127.0.0.1:${this.metricsPort}/metrics`);
    const text = await r.text();
    const line = text.split("\n").find((l) => l.startsWith(`${name} `));
    return Number(line?.split(" ")[1] ?? NaN);
  }

  /** Sum over every series (all labels) of one metric from /metrics. */
  async metricSum(name: string): Promise<number> {
    const r = await fetch(`http://127.0.0.1:${this.metricsPort}/metrics`);
    const text = await r.text();
    return text.split("\n")
      .filter((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`))
      .reduce((n, l) => n + Number(l.slice(l.lastIndexOf(" ") + 1)), 0);
  }

  /** V8 heap in use, from the controller's own /metrics. */
  async heapUsed(): Promise<number> {
    const r = await fetch(`http://127.0.0.1:${this.metricsPort}/metrics`);
    const text = await r.text();
    return Number(
      text.match(/^nodejs_heap_size_used_bytes (\S+)$/m)?.[1] ?? NaN,
    );
  }

  /**
   * With BENCH_HEAP_SNAPSHOT=DIR: a heap snapshot (after a full collection)
   * to DIR/heap-NAME.heapsnapshot; without it, nothing.
   */
  async heapSnapshot(name: string): Promise<void> {
    const dir = Deno.env.get("BENCH_HEAP_SNAPSHOT");
    if (!dir || this.inspectPort === undefined) return;
    await Deno.mkdir(dir, { recursive: true });
    await takeHeapSnapshot(
      this.inspectPort,
      `${dir}/heap-${name}.heapsnapshot`,
    );
  }

  /**
   * With BENCH_HEAP_SNAPSHOT or BENCH_LIVE_HEAP set: the live heap after a
   * full collection; without them, undefined.
   */
  heapAfterCollection(): Promise<number | undefined> {
    if (this.inspectPort === undefined) return Promise.resolve(undefined);
    return heapAfterCollection(this.inspectPort);
  }

  /** SIGTERM, then SIGKILL if the drain takes too long. */
  async stop(): Promise<void> {
    try {
      this.child.kill("SIGTERM");
    } catch { /* already gone */ }
    const timer = setTimeout(() => {
      try {
        this.child.kill("SIGKILL");
      } catch { /* gone */ }
    }, STOP_TIMEOUT_MS);
    await this.child.status;
    clearTimeout(timer);
    await Promise.all(this.#drained);
  }
}
