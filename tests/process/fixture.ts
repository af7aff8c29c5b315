/**
 * `main.ts run` as a real child process against kube-sim: for the bugs
 * that live in the wiring between the command line, the manager, the
 * metrics and the probes, which in-process tests wire by hand.
 */
import { CRDS } from "../../crds/mod.ts";
import { type Sim, startSim } from "../sim/mod.ts";
import { Api, type Obj } from "../demo/api.ts";
import {
  type ControllerOptions,
  type ControllerProcess,
  spawnController,
} from "../demo/process.ts";

export const SYSTEM_NS = "dr-syncer-system";
export const GROUP = `/apis/drsyncer.io/v1alpha1/namespaces/${SYSTEM_NS}`;

/** Clusters with (or without) our CRDs, and admin clients. */
export interface World {
  sim: Sim;
  src: Api;
  dr: Api;
  /** Every process started through `spawn` (stopped at the end). */
  spawn(o?: Partial<ControllerOptions>): Promise<ControllerProcess>;
}

/** Runs `fn` with a source and a DR cluster; `crds: false` leaves ours out. */
export async function withWorld(
  fn: (w: World) => Promise<void>,
  opts: { crds?: boolean } = {},
): Promise<void> {
  const sim = await startSim({ clusters: ["source", "dr"] });
  const admin = (n: "source" | "dr") => {
    const c = sim.clusters[n];
    return new Api({ url: c.url, token: c.adminToken, caPem: c.caPem });
  };
  const src = admin("source");
  const dr = admin("dr");
  const procs: ControllerProcess[] = [];
  let n = 0;
  try {
    if (opts.crds ?? true) {
      for (const crd of CRDS) {
        await src.create(
          "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
          crd,
        );
      }
    }
    await src.create("/api/v1/namespaces", { metadata: { name: SYSTEM_NS } });
    await fn({
      sim,
      src,
      dr,
      spawn: async (o = {}) => {
        const p = await spawnController({
          kubeconfig: sim.clusters.source.kubeconfigPath,
          logPath: `${sim.dir}/controller-${n++}.log`,
          ...o,
        });
        procs.push(p);
        return p;
      },
    });
  } finally {
    await Promise.all(procs.map((p) => p.stop()));
    src.close();
    dr.close();
    await sim.stop();
  }
}

/** The body of a GET, or undefined when nothing answers yet. */
export async function fetchText(
  url: string,
): Promise<{ status: number; text: string } | undefined> {
  try {
    const res = await fetch(url);
    return { status: res.status, text: await res.text() };
  } catch {
    return undefined;
  }
}

/** Polls `check` until it returns a value; fails with `what` after `ms`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  ms = 30_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  while (true) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The log lines of a process so far. */
export async function logLines(p: ControllerProcess): Promise<string[]> {
  const text = await Deno.readTextFile(p.logPath).catch(() => "");
  return text.split("\n").filter((l) => l.trim() !== "");
}

export type { Obj };
