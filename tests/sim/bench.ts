/**
 * kube-sim throughput and fan-out measurement (not a test):
 *   deno run -A tests/sim/bench.ts [--writes 5000] [--concurrency 32]
 * Starts the simulator as a separate process (as the controller would see
 * it), then measures small ConfigMap creates per second from a concurrent
 * keep-alive client, client-node creates per second, and the delay until
 * 10 watchers have received an event.
 */
import "../../lib/preload.ts";
import * as k8s from "@kubernetes/client-node";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    writes: { type: "string", default: "5000" },
    concurrency: { type: "string", default: "32" },
  },
});
const WRITES = Number(values.writes);
const CONCURRENCY = Number(values.concurrency);
const WATCHERS = 10;
const FANOUT_ROUNDS = 200;
const NS = "bench";

const dir = await Deno.makeTempDir({ prefix: "kube-sim-bench-" });
const sim = new Deno.Command(Deno.execPath(), {
  args: [
    "run",
    "-A",
    new URL("./main.ts", import.meta.url).pathname,
    "--dir",
    dir,
    "--clusters",
    "bench",
  ],
  stdout: "piped",
  stderr: "null",
}).spawn();
const reader = sim.stdout.pipeThrough(new TextDecoderStream()).getReader();
for (let out = ""; !out.includes("kube-sim ready");) {
  out += (await reader.read()).value ?? "";
}

const kc = new k8s.KubeConfig();
kc.loadFromFile(`${dir}/bench.kubeconfig`);
const server = kc.getCurrentCluster()!.server;
const token = kc.getCurrentUser()!.token!;
const ca = atob(kc.getCurrentCluster()!.caData!);
const client = Deno.createHttpClient({ caCerts: [ca] });
const headers = {
  authorization: `Bearer ${token}`,
  "content-type": "application/json",
};
const cmPath = `${server}/api/v1/namespaces/${NS}/configmaps`;

async function post(path: string, body: unknown): Promise<void> {
  const r = await fetch(path, {
    method: "POST",
    headers,
    body: JSON.stringify(body),
    client,
  });
  await r.body?.cancel();
  if (r.status !== 201) throw new Error(`create failed: ${r.status}`);
}

async function parallel(
  n: number,
  fn: (i: number) => Promise<void>,
): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < n) await fn(next++);
  }));
  return performance.now() - t0;
}

await post(`${server}/api/v1/namespaces`, { metadata: { name: NS } });
const fetchMs = await parallel(
  WRITES,
  (i) => post(cmPath, { metadata: { name: `f-${i}` }, data: { k: "v" } }),
);
console.log(
  `keep-alive fetch: ${WRITES} creates in ${fetchMs.toFixed(0)} ms = ${
    (WRITES / fetchMs * 1000).toFixed(0)
  } writes/s`,
);

const core = kc.makeApiClient(k8s.CoreV1Api);
const cnWrites = Math.min(WRITES, 1000);
const cnMs = await parallel(cnWrites, async (i) => {
  await core.createNamespacedConfigMap({
    namespace: NS,
    body: { metadata: { name: `c-${i}` }, data: { k: "v" } },
  });
});
console.log(
  `client-node (new TLS connection per request): ${cnWrites} creates in ${
    cnMs.toFixed(0)
  } ms = ${(cnWrites / cnMs * 1000).toFixed(0)} writes/s`,
);

/** Opens a raw watch and resolves per received line. */
async function openWatch(
  onLine: (l: string) => void,
): Promise<AbortController> {
  const ac = new AbortController();
  const r = await fetch(
    `${cmPath}?watch=true&resourceVersion=0&fieldSelector=metadata.name%3Dfan`,
    { headers, client, signal: ac.signal },
  );
  (async () => {
    let buf = "";
    try {
      for await (const chunk of r.body!.pipeThrough(new TextDecoderStream())) {
        buf += chunk;
        let i;
        while ((i = buf.indexOf("\n")) >= 0) {
          onLine(buf.slice(0, i));
          buf = buf.slice(i + 1);
        }
      }
    } catch { /* aborted */ }
  })();
  return ac;
}

let pending = 0;
let allSeen: () => void = () => {};
const watches = await Promise.all(
  Array.from({ length: WATCHERS }, () =>
    openWatch(() => {
      if (--pending === 0) allSeen();
    })),
);
const delays: number[] = [];
for (let round = 0; round < FANOUT_ROUNDS; round++) {
  pending = WATCHERS;
  const seen = new Promise<void>((r) => allSeen = r);
  const t0 = performance.now();
  const body = { metadata: { name: "fan" }, data: { round: String(round) } };
  if (round === 0) await post(cmPath, body);
  else {
    const r = await fetch(`${cmPath}/fan`, {
      method: "PUT",
      headers,
      body: JSON.stringify(body),
      client,
    });
    await r.body?.cancel();
  }
  await seen;
  delays.push(performance.now() - t0);
}
delays.sort((a, b) => a - b);
const pct = (p: number) =>
  delays[Math.min(delays.length - 1, Math.floor(delays.length * p))].toFixed(2);
console.log(
  `fan-out to ${WATCHERS} watchers (write sent → all received): p50 ${
    pct(0.5)
  } ms, p99 ${pct(0.99)} ms, max ${pct(1)} ms`,
);

const status = await Deno.readTextFile(`/proc/${sim.pid}/status`).catch(() =>
  ""
);
const rss = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
if (rss) {
  console.log(
    `sim RSS with ${WRITES + cnWrites} ConfigMaps and ${WATCHERS} watches: ${
      Math.round(Number(rss) / 1024)
    } MB`,
  );
}
for (const w of watches) w.abort();
client.close();
sim.kill("SIGTERM");
await reader.cancel();
await sim.status;
await Deno.remove(dir, { recursive: true });
