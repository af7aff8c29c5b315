/**
 * Propagation in Continuous mode: source ConfigMaps changed at a fixed rate,
 * each change stamped; the time until the stamped copy shows up in a watch
 * on the DR cluster. Next to it the simulator's own delivery: the same rate
 * of stamped writes straight to the DR simulator, timed by the same watch.
 */
import type { ClusterClient } from "../../../lib/kube/client.ts";
import { BenchEnv } from "../env.ts";
import {
  fillSource,
  replicate,
  STAMP_KEY,
  type StampWatch,
  waitRemoteReady,
  waitSynced,
  watchStamps,
} from "../setup.ts";
import { type Figure, percentile, sleep } from "../stats.ts";
import { bySize, type ScenarioOptions } from "./mod.ts";
import { efficiency } from "./efficiency.ts";

export const CHANGES_PER_SECOND = 20;
const STRAGGLER_WAIT_MS = 5_000;
const CONFIGMAPS_PER_NS = 6;

interface Target {
  client: ClusterClient;
  /** ConfigMap paths to change in turn. */
  paths: string[];
}

/** Stamped merge patches at a fixed rate (open loop); returns send times. */
async function drive(t: Target, ms: number, tag: string) {
  const sent = new Map<string, number>();
  const pending: Promise<unknown>[] = [];
  const n = Math.round((ms / 1000) * CHANGES_PER_SECOND);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const due = t0 + (i * 1000) / CHANGES_PER_SECOND;
    await sleep(Math.max(0, due - performance.now()));
    const stamp = `${tag}-${i}`;
    sent.set(stamp, performance.now());
    pending.push(t.client.requestJson(t.paths[i % t.paths.length], {
      method: "PATCH",
      body: { data: { [STAMP_KEY]: stamp } },
      contentType: "application/merge-patch+json",
    }));
  }
  await Promise.all(pending);
  return sent;
}

async function latencies(w: StampWatch, sent: Map<string, number>) {
  const deadline = performance.now() + STRAGGLER_WAIT_MS;
  while (w.arrived.size < sent.size && performance.now() < deadline) {
    await sleep(50);
  }
  const out: number[] = [];
  for (const [stamp, at] of sent) {
    const got = w.arrived.get(stamp);
    if (got !== undefined) out.push(got - at);
  }
  return { ms: out, lost: sent.size - out.length };
}

function cmPaths(namespaces: string[], perNs: number): string[] {
  return namespaces.flatMap((ns) =>
    Array.from(
      { length: perNs },
      (_, i) => `/api/v1/namespaces/${ns}/configmaps/configmap-${i}`,
    )
  );
}

/** Sim-only delivery: stamped writes to DR ConfigMaps outside any replication. */
async function simDelivery(env: BenchEnv, ms: number) {
  await env.createNamespace(env.dr, "sim-latency");
  const paths = cmPaths(["sim-latency"], CONFIGMAPS_PER_NS);
  for (const p of paths) {
    await env.dr.requestJson("/api/v1/namespaces/sim-latency/configmaps", {
      method: "POST",
      body: { metadata: { name: p.split("/").pop() }, data: {} },
    });
  }
  const w = await watchStamps(
    env.dr,
    "/api/v1/namespaces/sim-latency/configmaps",
    false,
  );
  try {
    return await latencies(
      w,
      await drive({ client: env.dr, paths }, ms, "sim"),
    );
  } finally {
    w.stop();
  }
}

function latencyFigures(ctl: number[], sim: number[], lost: number): Figure[] {
  const rows: Figure[] = [50, 95, 99].map((p) => {
    const v = percentile(ctl, p);
    const limit = percentile(sim, p);
    return {
      scenario: "propagation",
      name: `change→DR p${p}`,
      value: v,
      unit: "ms",
      limit,
      ratio: v / limit,
      target: p === 99 ? "≤ 250 ms and ≤ 2× sim" : "",
      met: p === 99 ? v <= 250 && v <= 2 * limit : undefined,
    };
  });
  rows.push({
    scenario: "propagation",
    name: "changes not seen on DR",
    value: lost,
    unit: "changes",
    target: "0",
    met: lost === 0,
  });
  return rows;
}

/** See the module comment; efficiency runs on the same environment. */
export async function propagation(o: ScenarioOptions): Promise<Figure[]> {
  const [namespaces, perNs, ms] = bySize(o, {
    smoke: [2, 20, 2_000],
    quick: [4, 20, 5_000],
    full: [10, 20, 30_000],
  });
  const env = await BenchEnv.start();
  try {
    await env.startController().ready();
    await waitRemoteReady(env, 10_000);
    const objects = await fillSource(env, "live", "live", {
      from: 0,
      to: namespaces,
    }, perNs);
    await replicate(env, "live", "live");
    await waitSynced(env, "live", objects.length, 60_000);
    const sim = await simDelivery(env, ms);
    const nss = Array.from({ length: namespaces }, (_, i) => `live-${i}`);
    const w = await watchStamps(env.dr, "/api/v1/configmaps", true);
    let ctl;
    try {
      const paths = cmPaths(nss, CONFIGMAPS_PER_NS);
      ctl = await latencies(
        w,
        await drive({ client: env.source, paths }, ms, "src"),
      );
    } finally {
      w.stop();
    }
    o.log(`propagation: ${ctl.ms.length} changes seen, ${sim.ms.length} sim`);
    const figures = latencyFigures(ctl.ms, sim.ms, ctl.lost);
    return figures.concat(await efficiency(env, nss, o));
  } finally {
    await env.stop();
  }
}
