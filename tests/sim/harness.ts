/**
 * Test harness for client-node tests against kube-sim, under Deno's op and
 * resource sanitizers.
 *
 * client-node 2.x talks through undici, whose module-global "fast timer"
 * (a 499 ms setTimeout that re-arms while any undici timer is pending) keeps
 * running ~1 s after the last request. Deno's sanitizers report it as a
 * leaked timer. `simTest` stops the sim (closing every connection), then
 * resets that timer through undici's own `reset()` so each test ends clean
 * with all sanitizers on (tests shorter than ~0.5 s pay ~20 ms, longer ones
 * ~0.5 s). If undici's internals cannot be found it falls back to waiting
 * for the timer to lapse (1.1 s).
 */
import "../../lib/preload.ts";
import * as k8s from "@kubernetes/client-node";
import { createRequire } from "node:module";
import { type Sim, type SimCluster, type SimOptions, startSim } from "./mod.ts";

const UNDICI_QUIET_MS = 1100;
const SETTLE_MS = 20;
const UNDICI_TICK_MS = 530;

interface UndiciTimers {
  reset(): void;
  now(): number;
}

function undiciTimers(): UndiciTimers | undefined {
  try {
    const fromClient = createRequire(
      import.meta.resolve("@kubernetes/client-node"),
    );
    const main = fromClient.resolve("undici");
    const timers = createRequire(main)("./lib/util/timers.js") as UndiciTimers;
    return typeof timers.reset === "function" &&
        typeof timers.now === "function"
      ? timers
      : undefined;
  } catch {
    return undefined;
  }
}

const timers = undiciTimers();

/** Ends undici's global timer once no connection is left (call after stopping servers). */
export async function quiesceUndici(): Promise<void> {
  if (!timers) return await sleep(UNDICI_QUIET_MS);
  // Once the timer has ticked it re-arms itself with Timeout.refresh() from
  // inside its own callback, and Deno's clearTimeout then misses the new
  // timer (Deno 2.9 bug). reset() empties undici's list, so that last timer
  // fires once more, finds nothing and stops: wait for it in that case.
  const ticked = timers.now() > 0;
  timers.reset();
  await sleep(SETTLE_MS);
  if (ticked || timers.now() > 0) await sleep(UNDICI_TICK_MS);
  timers.reset();
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Typed clients for one simulated cluster. */
export interface Clients {
  kc: k8s.KubeConfig;
  core: k8s.CoreV1Api;
  apps: k8s.AppsV1Api;
  batch: k8s.BatchV1Api;
  custom: k8s.CustomObjectsApi;
  objects: k8s.KubernetesObjectApi;
}

/** client-node clients for a cluster (admin, or the given token). */
export function clientsFor(c: SimCluster, token?: string): Clients {
  const kc = new k8s.KubeConfig();
  kc.loadFromString(token ? c.kubeconfigFor(token, "limited") : c.kubeconfig);
  return {
    kc,
    core: kc.makeApiClient(k8s.CoreV1Api),
    apps: kc.makeApiClient(k8s.AppsV1Api),
    batch: kc.makeApiClient(k8s.BatchV1Api),
    custom: kc.makeApiClient(k8s.CustomObjectsApi),
    objects: k8s.KubernetesObjectApi.makeApiClient(kc),
  };
}

/** What a simTest body receives: the sim, its first cluster and clients. */
export interface SimTestContext extends Clients {
  sim: Sim;
  cluster: SimCluster;
}

/**
 * A Deno.test with all sanitizers on that runs `fn` against a fresh sim
 * (one cluster named "test" unless `opts.clusters` says otherwise).
 */
export function simTest(
  name: string,
  fn: (ctx: SimTestContext) => Promise<void>,
  opts: SimOptions = {},
): void {
  Deno.test({ name, sanitizeOps: true, sanitizeResources: true }, async () => {
    const sim = await startSim({ clusters: ["test"], ...opts });
    const cluster = Object.values(sim.clusters)[0];
    try {
      await fn({ sim, cluster, ...clientsFor(cluster) });
    } finally {
      await sim.stop();
      await quiesceUndici();
    }
  });
}

/** Status fields of a client-node ApiException (undefined for other errors). */
export function apiStatus(
  e: unknown,
): {
  code: number;
  reason?: string;
  message?: string;
  causes?: { field?: string; message: string }[];
} | undefined {
  if (!(e instanceof k8s.ApiException)) return undefined;
  try {
    const s = typeof e.body === "string" ? JSON.parse(e.body) : e.body;
    return {
      code: e.code,
      reason: s?.reason,
      message: s?.message,
      causes: s?.details?.causes,
    };
  } catch {
    return { code: e.code };
  }
}

/** Runs `fn`, expecting an ApiException; returns its status. */
export async function expectStatus(
  fn: () => Promise<unknown>,
): Promise<NonNullable<ReturnType<typeof apiStatus>>> {
  try {
    await fn();
  } catch (e) {
    const s = apiStatus(e);
    if (s) return s;
    throw e;
  }
  throw new Error("expected the call to fail with an API status");
}

/** One event as a watch callback saw it. */
export interface SeenEvent {
  type: string;
  // deno-lint-ignore no-explicit-any
  object: any;
}

/** A client-node watch that records its events for assertions. */
export interface RecordedWatch {
  events: SeenEvent[];
  /** Resolves once `pred` holds for the events so far (rejects after `ms`). */
  until(pred: (events: SeenEvent[]) => boolean, ms?: number): Promise<void>;
  /** Resolves with the done() error (null for a clean server close). */
  ended: Promise<unknown>;
  stop(): Promise<void>;
}

const WAIT_MS = 3000;
const POLL_MS = 5;

/** Waits until `cond()` is true, polling; rejects after `ms`. */
export async function waitFor(
  cond: () => boolean,
  ms = WAIT_MS,
  what = "condition",
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/** Polls an async condition until it holds; rejects after `ms`. */
export async function eventually(
  cond: () => Promise<boolean>,
  ms = WAIT_MS,
  what = "condition",
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, POLL_MS * 4));
  }
}

/** Starts a watch through client-node's Watch and records what arrives. */
export async function recordWatch(
  kc: k8s.KubeConfig,
  path: string,
  params: Record<string, string | number | boolean | undefined> = {},
): Promise<RecordedWatch> {
  const events: SeenEvent[] = [];
  let resolveEnded!: (e: unknown) => void;
  const ended = new Promise<unknown>((r) => resolveEnded = r);
  let isEnded = false;
  const ctrl = await new k8s.Watch(kc).watch(
    path,
    params,
    (type, object) => events.push({ type, object }),
    (err) => {
      isEnded = true;
      resolveEnded(err);
    },
  );
  return {
    events,
    ended,
    until: (pred, ms) =>
      waitFor(() => pred(events), ms, `watch events on ${path}`),
    stop: async () => {
      if (!isEnded) ctrl.abort();
      await ended;
    },
  };
}
