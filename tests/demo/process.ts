/**
 * The controller as a real process: `main.ts run` with the permissions the
 * compiled binary holds (not -A), its log in a file, stopped with SIGTERM.
 */
const ROOT = new URL("../../", import.meta.url).pathname;
const MAIN = `${ROOT}main.ts`;
/** Same set as the compile task in deno.json. */
const PERMISSIONS = [
  "--allow-net",
  "--allow-read",
  "--allow-env",
  "--allow-sys",
];
const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 15_000;

/** A port nothing listens on right now. */
export function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = l.addr as Deno.NetAddr;
  l.close();
  return port;
}

/** A running `dr-syncer run`. */
export interface ControllerProcess {
  metricsUrl: string;
  healthUrl: string;
  logPath: string;
  /** SIGTERM, then the exit code (a graceful stop is 0). */
  stop(): Promise<number>;
}

/** Options of {@link startController}. */
export interface ControllerOptions {
  kubeconfig: string;
  logPath: string;
  logLevel?: string;
  /** More arguments of `run` (e.g. --leader-elect). */
  args?: string[];
  /** More environment (e.g. POD_NAME). */
  env?: Record<string, string>;
}

/** Spawns `main.ts run`; stdout and stderr go to the log file. */
async function spawn(o: ControllerOptions, metrics: number, health: number) {
  const log = await Deno.open(o.logPath, {
    write: true,
    create: true,
    truncate: true,
  });
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      ...PERMISSIONS,
      MAIN,
      "run",
      `--kubeconfig=${o.kubeconfig}`,
      `--metrics-addr=127.0.0.1:${metrics}`,
      `--health-addr=127.0.0.1:${health}`,
      `--log-level=${o.logLevel ?? "info"}`,
      ...o.args ?? [],
    ],
    cwd: ROOT,
    env: { NO_COLOR: "1", ...o.env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const copies = Promise.all(
    [child.stdout, child.stderr].map((s) =>
      s.pipeTo(
        new WritableStream({ write: (chunk) => void log.writeSync(chunk) }),
      )
    ),
  );
  let stopped: Promise<number> | undefined;
  const halt = async () => {
    try {
      child.kill("SIGTERM");
    } catch { /* already gone */ }
    const timer = setTimeout(() => child.kill("SIGKILL"), STOP_TIMEOUT_MS);
    const { code } = await child.status;
    clearTimeout(timer);
    await copies;
    log.close();
    return code;
  };
  return { stop: () => stopped ??= halt() };
}

/** Starts the controller without waiting for it to be ready. */
export async function spawnController(
  o: ControllerOptions,
): Promise<ControllerProcess> {
  const metrics = freePort();
  const health = freePort();
  const { stop } = await spawn(o, metrics, health);
  return {
    metricsUrl: `http://127.0.0.1:${metrics}/metrics`,
    healthUrl: `http://127.0.0.1:${health}`,
    logPath: o.logPath,
    stop,
  };
}

/** Starts the controller and waits until /readyz answers 200. */
export async function startController(
  o: ControllerOptions,
): Promise<ControllerProcess> {
  const started = await spawnController(o);
  const { stop, healthUrl } = started;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!(await isReady(healthUrl))) {
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `controller not ready after ${READY_TIMEOUT_MS} ms; see ${o.logPath}`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return started;
}

async function isReady(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/readyz`);
    await res.body?.cancel();
    return res.ok;
  } catch {
    return false;
  }
}

/** Runs a one-shot `dr-syncer` command; resolves with exit code and output. */
export async function runCli(
  args: string[],
): Promise<{ code: number; out: string }> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...PERMISSIONS, MAIN, ...args],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdin: "null",
  }).output();
  const text = new TextDecoder();
  return { code, out: text.decode(stdout) + text.decode(stderr) };
}

/** The RPO gauge of one replication from a metrics page. */
export function rpoFrom(page: string, replication: string): number | undefined {
  for (const line of page.split("\n")) {
    if (!line.startsWith("drsyncer_seconds_since_last_successful_sync{")) {
      continue;
    }
    if (!line.includes(`replication="${replication}"`)) continue;
    return Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return undefined;
}
