/**
 * Scale (issue 18 item 5): N namespaces × M objects under R
 * NamespaceReplications, handled by two replicas of `run --sharding`.
 * Figures: time from the replications' creation to all of them Synced,
 * RSS per replica, API requests per replicated object (both clusters, the
 * benchmark's own status polls left out as far as the counters allow: they
 * are GETs of namespacereplications, counted apart).
 *
 * Full size is 1,000 × 100 under 10 replications; BENCH_SCALE=NSxPERxR
 * (e.g. 200x50x10) runs another size.
 */
import { BenchEnv } from "../env.ts";
import { fillSource, replicate, waitRemoteReady } from "../setup.ts";
import { synced } from "../env.ts";
import { type Figure, sleep } from "../stats.ts";
import { bySize, type ScenarioOptions } from "./mod.ts";
import { MIX } from "../objects.ts";
import type { ClusterClient } from "../../../lib/kube/client.ts";
import type { KubeObject } from "../../../lib/sync/types.ts";

/** `namespace/name` of every `plural` object in the scale namespaces. */
async function keysOf(
  c: ClusterClient,
  apiVersion: string,
  plural: string,
): Promise<Set<string>> {
  const base = apiVersion.includes("/")
    ? `/apis/${apiVersion}`
    : `/api/${apiVersion}`;
  const out = new Set<string>();
  let cont: string | undefined;
  do {
    const q = `limit=2000${
      cont ? `&continue=${encodeURIComponent(cont)}` : ""
    }`;
    const page = await c.requestJson<
      { items: KubeObject[]; metadata: { continue?: string } }
    >(`${base}/${plural}?${q}`);
    for (const o of page.items) {
      if (!o.metadata.namespace?.startsWith("scale-")) continue;
      if (o.metadata.name === "kube-root-ca.crt") continue;
      out.add(`${o.metadata.namespace}/${o.metadata.name}`);
    }
    cont = page.metadata.continue || undefined;
  } while (cont);
  return out;
}

/**
 * Source objects of the mix with no DR copy, by kind (what "Synced" must
 * mean: nothing missing), and a few of their keys for the log.
 */
async function missingOnDr(env: BenchEnv) {
  const byKind: Record<string, number> = {};
  const sample: string[] = [];
  for (const m of MIX) {
    const [src, dr] = await Promise.all([
      keysOf(env.source, m.apiVersion, m.plural),
      keysOf(env.dr, m.apiVersion, m.plural),
    ]);
    // replicate() maps each namespace to `{name}-dr`.
    const missing = [...src].filter((k) => {
      const [ns, name] = k.split("/");
      return !dr.has(`${ns}-dr/${name}`);
    });
    byKind[m.kind] = missing.length;
    sample.push(...missing.slice(0, 3).map((k) => `${m.kind} ${k}`));
  }
  return { byKind, sample };
}

const REPLICAS = 2;
const SYNC_TIMEOUT_MS = 1_800_000;
const MEMBERS_TIMEOUT_MS = 30_000;
const POLL_MS = 250;
const MB = 1024 * 1024;
/** Quiet time after Synced before the settled memory sample. */
const SETTLE_MS = 10_000;

function sizeOf(o: ScenarioOptions): [number, number, number] {
  const given = Deno.env.get("BENCH_SCALE")?.match(/^(\d+)x(\d+)x(\d+)$/);
  if (given) return [Number(given[1]), Number(given[2]), Number(given[3])];
  return bySize(o, {
    smoke: [4, 5, 2],
    quick: [20, 20, 4],
    full: [1000, 100, 10],
  });
}

function requestsBy(
  counts: Record<string, number>,
  keep: (key: string) => boolean,
): number {
  return Object.entries(counts).filter(([k]) => keep(k)).reduce(
    (n, [, v]) => n + v,
    0,
  );
}

/** See the module comment. */
export async function scale(o: ScenarioOptions): Promise<Figure[]> {
  const [namespaces, perNs, replications] = sizeOf(o);
  const nsPer = Math.ceil(namespaces / replications);
  const label = `${namespaces} ns × ${perNs}, ${replications} NRs`;
  const env = await BenchEnv.start();
  try {
    const replicas = Array.from(
      { length: REPLICAS },
      () => env.startController(["--sharding"]),
    );
    await Promise.all(replicas.map((c) => c.ready()));
    await waitRemoteReady(env, 10_000);
    // Both members known to both before any replication exists, so the
    // first assignment is the final one (no rebalance inside the figure).
    const deadline = Date.now() + MEMBERS_TIMEOUT_MS;
    for (;;) {
      const members = await Promise.all(
        replicas.map((c) => c.metric("drsyncer_shard_members")),
      );
      if (members.every((m) => m === REPLICAS)) break;
      if (Date.now() > deadline) throw new Error(`members: ${members}`);
      await sleep(POLL_MS);
    }
    const idle = await Promise.all(replicas.map((c) => c.memory()));
    const fill0 = performance.now();
    let objects = 0;
    for (let r = 0; r < replications; r++) {
      const from = r * nsPer;
      const to = Math.min(namespaces, from + nsPer);
      if (from >= to) break;
      objects +=
        (await fillSource(env, `scale-${r}`, "scale", { from, to }, perNs))
          .length;
    }
    o.log(
      `scale: ${objects} source objects written in ${
        ((performance.now() - fill0) / 1000).toFixed(1)
      } s`,
    );
    await env.resetCounters();
    const t0 = performance.now();
    const names: string[] = [];
    for (let r = 0; r * nsPer < namespaces; r++) {
      await replicate(env, `scale-${r}`, `scale-${r}`);
      names.push(`scale-${r}`);
    }
    const owners = new Map<string, string>();
    for (const name of names) {
      const status = await env.waitStatus(
        name,
        (s, obj) => synced(s, obj),
        Math.max(1, SYNC_TIMEOUT_MS - (performance.now() - t0)),
      );
      owners.set(name, String(status.controller ?? ""));
    }
    const ms = performance.now() - t0;
    const counters = await env.counters();
    const loaded = await Promise.all(replicas.map((c) => c.memory()));
    await sleep(SETTLE_MS);
    const settled = await Promise.all(replicas.map(async (c) => ({
      mem: await c.memory(),
      heap: await c.heapUsed(),
      // Where RSS sits beyond the live heap: V8's committed heap and memory
      // outside it (array buffers, native allocations).
      heapTotal: await c.metric("nodejs_heap_size_total_bytes"),
      external: await c.metric("nodejs_external_memory_bytes"),
      cached: await c.metricSum("drsyncer_cached_objects"),
    })));
    o.log(`scale: settled ${JSON.stringify(settled)}`);
    const missing = await missingOnDr(env);
    const missingTotal = Object.values(missing.byKind).reduce((a, b) => a + b);
    o.log(`scale: missing on DR ${JSON.stringify(missing)}`);
    const byOwner = new Map<string, number>();
    for (const owner of owners.values()) {
      byOwner.set(owner, (byOwner.get(owner) ?? 0) + 1);
    }
    o.log(
      `scale: ${objects} objects Synced in ${
        (ms / 1000).toFixed(1)
      } s; owners ${JSON.stringify(Object.fromEntries(byOwner))}; idle RSS ${
        idle.map((m) => (m.rss / MB).toFixed(0))
      } MB, loaded ${loaded.map((m) => (m.rss / MB).toFixed(0))} MB`,
    );
    // The benchmark's own status polls are GETs of our replications.
    const ours = (k: string) => k.includes("namespacereplications");
    const sourceReq = requestsBy(counters.source, (k) => !ours(k));
    const drReq = requestsBy(counters.dr, () => true);
    o.log(`scale: requests source ${JSON.stringify(counters.source)}`);
    o.log(`scale: requests dr ${JSON.stringify(counters.dr)}`);
    const figures: Figure[] = [{
      scenario: "scale",
      name: "source objects without a DR copy at Synced",
      value: missingTotal,
      unit: "obj",
      target: "0",
      met: missingTotal === 0,
    }, {
      scenario: "scale",
      name: `time to all Synced (${label})`,
      value: ms / 1000,
      unit: "s",
      target: "",
    }, {
      scenario: "scale",
      name: "objects/s over both replicas",
      value: (objects / ms) * 1000,
      unit: "obj/s",
      target: "",
    }, {
      scenario: "scale",
      name: "replications per replica (max/min)",
      value: Math.max(...byOwner.values()) /
        Math.max(1, Math.min(...byOwner.values())),
      unit: "x",
      target: "≤ 1.2 (±20 %)",
      met: byOwner.size === REPLICAS &&
        Math.max(...byOwner.values()) <=
          1.2 * Math.min(...byOwner.values()) + 1,
    }, {
      scenario: "scale",
      name: "DR requests per replicated object",
      value: drReq / objects,
      unit: "req",
      target: "",
    }, {
      scenario: "scale",
      name: "source requests per replicated object",
      value: sourceReq / objects,
      unit: "req",
      target: "",
    }];
    replicas.forEach((_, i) => {
      figures.push({
        scenario: "scale",
        name: `replica ${i + 1} RSS idle → Synced`,
        value: loaded[i].rss / MB,
        unit: "MB",
        limit: idle[i].rss / MB,
        ratio: loaded[i].rss / idle[i].rss,
        target: "within 512 Mi",
        met: loaded[i].hwm < 512 * MB,
      }, {
        scenario: "scale",
        name: `replica ${i + 1} RSS ${SETTLE_MS / 1000} s after Synced`,
        value: settled[i].mem.rss / MB,
        unit: "MB",
        target: "",
      }, {
        scenario: "scale",
        name: `replica ${i + 1} peak RSS (VmHWM)`,
        value: settled[i].mem.hwm / MB,
        unit: "MB",
        target: "within 512 Mi",
        met: settled[i].mem.hwm < 512 * MB,
      }, {
        scenario: "scale",
        name: `replica ${i + 1} V8 heap in use after Synced`,
        value: settled[i].heap / MB,
        unit: "MB",
        target: "",
      }, {
        scenario: "scale",
        name: `replica ${i + 1} source objects cached`,
        value: settled[i].cached,
        unit: "obj",
        target: "",
      });
    });
    return figures;
  } finally {
    await env.stop();
  }
}
