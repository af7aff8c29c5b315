/**
 * Issue 5's numbers, with kube-sim and the controller (`main.ts run`) each
 * in its own process, so the memory figure is the controller's alone:
 *   deno run -A tests/controllers/bench.ts [objects=1000] [changes=30] [qps]
 * Prints time of the first full sync (Continuous), change-to-DR latency of
 * single-object changes (p50/p95/max), DR write requests, and peak memory.
 */
import "../../lib/preload.ts";
import { CRDS } from "../../crds/mod.ts";
import { API_VERSION } from "../../lib/api/v1alpha1.ts";
import { ClusterClient } from "../../lib/kube/client.ts";
import { ApiCluster, discover } from "../../lib/engine/api-ports.ts";
import { NAMESPACES } from "../../lib/engine/ports.ts";
import type { KubeObject } from "../../lib/sync/types.ts";
import { configMap, deployment } from "../lib/engine/fixtures.ts";
import { shippedV8Flags } from "../shipped-v8-flags.ts";

const OBJECTS = Number(Deno.args[0] ?? 1000);
const CHANGES = Number(Deno.args[1] ?? 30);
/** RemoteCluster rateLimit.qps; the contract's default is 50 (burst 100). */
const QPS = Deno.args[2] ? Number(Deno.args[2]) : undefined;
const NS = "dr-syncer-system";
const GROUP_PATH = `/apis/drsyncer.io/v1alpha1/namespaces/${NS}`;
const CHANGE_GAP_MS = 100;

async function startSimProcess(dir: string) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "tests/sim/main.ts", "--dir", dir],
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  while (!seen.includes("kube-sim ready")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("kube-sim exited");
    seen += value;
  }
  reader.releaseLock();
  return child;
}

function client(dir: string, name: string): ClusterClient {
  const text = Deno.readTextFileSync(`${dir}/${name}.kubeconfig`);
  return new ClusterClient((kc) => kc.loadFromString(text), { name });
}

async function own(c: ClusterClient, plural: string, spec: unknown) {
  await c.requestJson(`${GROUP_PATH}/${plural}`, {
    method: "POST",
    body: {
      apiVersion: API_VERSION,
      metadata: { name: plural === "remoteclusters" ? "dr" : "shop" },
      spec,
    },
  });
}

async function seed(dir: string, src: ApiCluster, srcClient: ClusterClient) {
  const types = await discover(srcClient);
  const type = (r: string, g = "") =>
    types.find((d) => d.resource === r && d.group === g)!;
  for (const crd of CRDS) {
    await src.create(
      type("customresourcedefinitions", "apiextensions.k8s.io"),
      crd as unknown as KubeObject,
    );
  }
  for (const name of [NS, "shop"]) {
    await src.create(NAMESPACES, {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name },
    });
  }
  await srcClient.requestJson(`/api/v1/namespaces/${NS}/secrets`, {
    method: "POST",
    body: {
      metadata: { name: "dr-kubeconfig" },
      stringData: { kubeconfig: Deno.readTextFileSync(`${dir}/dr.kubeconfig`) },
    },
  });
  const deployments = Math.floor(OBJECTS / 10);
  const objects = [
    ...Array.from({ length: deployments }, (_, i) => deployment(`d${i}`, 2)),
    ...Array.from(
      { length: OBJECTS - deployments },
      (_, i) => configMap(`c${i}`, { v: "1", i: String(i) }),
    ),
  ];
  const batch = 32;
  for (let i = 0; i < objects.length; i += batch) {
    await Promise.all(
      objects.slice(i, i + batch).map((o) =>
        src.create(
          o.kind === "Deployment"
            ? type("deployments", "apps")
            : type("configmaps"),
          { ...o, metadata: { ...o.metadata, namespace: "shop" } },
        )
      ),
    );
  }
  return type("configmaps");
}

async function phase(c: ClusterClient): Promise<string | undefined> {
  const nr = await c.requestJson<KubeObject>(
    `${GROUP_PATH}/namespacereplications/shop`,
  ).catch(() => undefined);
  return (nr?.status as { phase?: string } | undefined)?.phase;
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
}

const dir = await Deno.makeTempDir();
const sim = await startSimProcess(dir);
const srcClient = client(dir, "source");
const drClient = client(dir, "dr");
const src = new ApiCluster(srcClient);
const drApi = new ApiCluster(drClient);
const cm = await seed(dir, src, srcClient);
const t0 = performance.now();
// The controller as users run it: its own process, so its memory is its own.
const controller = new Deno.Command(Deno.execPath(), {
  args: [
    "run",
    "-A",
    shippedV8Flags(),
    "main.ts",
    "run",
    "--kubeconfig",
    `${dir}/source.kubeconfig`,
    "--metrics-addr",
    "127.0.0.1:0",
    "--health-addr",
    "127.0.0.1:0",
    "--log-level",
    "warning",
  ],
  stdout: "null",
  stderr: "inherit",
}).spawn();
let peakRss = 0;
const sampler = setInterval(() => {
  try {
    const text = Deno.readTextFileSync(`/proc/${controller.pid}/status`);
    const kb = Number(/VmHWM:\s+(\d+)/.exec(text)?.[1] ?? 0);
    peakRss = Math.max(peakRss, kb * 1024);
  } catch { /* not started or gone */ }
}, 50);
await own(srcClient, "remoteclusters", {
  kubeconfigSecretRef: { name: "dr-kubeconfig" },
  ...(QPS ? { rateLimit: { qps: QPS, burst: 2 * QPS } } : {}),
});
await own(srcClient, "namespacemappings", {
  sourceNamespace: "shop",
  destinationNamespace: "shop-dr",
});
await own(srcClient, "namespacereplications", {
  remoteClusterRef: { name: "dr" },
  namespaceMappingRefs: [{ name: "shop" }],
});
while (await phase(srcClient) !== "Synced") {
  await new Promise((r) => setTimeout(r, 20));
}
const firstSync = performance.now() - t0;

const latencies: number[] = [];
for (let i = 0; i < CHANGES; i++) {
  // Isolated changes: back to back, they would measure the rate limiter.
  await new Promise((r) => setTimeout(r, CHANGE_GAP_MS));
  const name = `c${i}`;
  const live = await src.get(cm, "shop", name);
  const v = `changed-${i}`;
  const sent = performance.now();
  const data = live!.data as Record<string, string>;
  await src.replace(cm, { ...live!, data: { ...data, v } });
  const drData = async () =>
    (await drApi.get(cm, "shop-dr", name))?.data as Record<string, string>;
  while ((await drData())?.v !== v) {
    await new Promise((r) => setTimeout(r, 2));
  }
  latencies.push(performance.now() - sent);
}
clearInterval(sampler);
const mb = (n: number) => `${(n / 2 ** 20).toFixed(0)} MiB`;
console.log(
  `objects: ${OBJECTS} (+ namespace), DR rate limit qps ${
    QPS ?? "50 (default)"
  }`,
);
console.log(
  `first full sync (process start to Synced): ${firstSync.toFixed(0)} ms`,
);
console.log(
  `change-to-DR latency over ${CHANGES} (${CHANGE_GAP_MS} ms apart): p50 ${
    pct(latencies, 0.5).toFixed(1)
  } ms, ` +
    `p95 ${pct(latencies, 0.95).toFixed(1)} ms, max ${
      Math.max(...latencies).toFixed(1)
    } ms`,
);
console.log(`controller peak RSS (VmHWM): ${mb(peakRss)}`);
controller.kill("SIGTERM");
await controller.status;
await srcClient.close();
await drClient.close();
sim.kill("SIGTERM");
await sim.status;
await Deno.remove(dir, { recursive: true });
Deno.exit(0);
