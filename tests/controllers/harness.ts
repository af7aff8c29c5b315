/**
 * End-to-end fixture: two clusters (source, dr) of the test world (kube-sim, or real control
 * planes with DRS_WORLD=real; tests/world), our CRDs installed on the source, the DR kubeconfig
 * in a Secret, and the real controller process logic (runController + the three controllers)
 * running in-process against them over HTTPS.
 *
 * Each call starts fresh clusters, unless a test file shares one world across its tests
 * (tests/world/shared.ts, see real_world_test.ts): then the world is reset between tests.
 */
import "../../lib/preload.ts";
import { CRDS } from "../../crds/mod.ts";
import {
  API_VERSION,
  type NamespaceReplicationSpec,
} from "../../lib/api/v1alpha1.ts";
import type { ManagerStats, RuntimeLog } from "../../lib/controller.ts";
import type { Manager } from "../../lib/manager.ts";
import { ClusterClient } from "../../lib/kube/client.ts";
import { Metrics } from "../../lib/metrics/mod.ts";
import { ApiCluster, discover } from "../../lib/engine/api-ports.ts";
import { NAMESPACES } from "../../lib/engine/ports.ts";
import { runController } from "../../lib/run-controller.ts";
import type { DiscoveredResource } from "../../lib/sync/resource-types.ts";
import type { ApiResource, KubeObject } from "../../lib/sync/types.ts";
import { buildControllers } from "../../controllers/mod.ts";
import type { ReplicationControllerOptions } from "../../controllers/namespace-replication/reconciler.ts";
import { samples } from "../lib/metrics/exposition.ts";
import { quiesceUndici } from "../sim/harness.ts";
import type { SimCluster } from "../sim/mod.ts";
import type { World, WorldCluster } from "../world/mod.ts";
import { acquireWorld, OUR_CRDS } from "../world/shared.ts";
export { simOf, simOnly } from "../world/shared.ts";
import { installSide } from "../deploy/sim-rbac.ts";

export const NS = "dr-syncer-system";
const GROUP_PATH = "/apis/drsyncer.io/v1alpha1/namespaces/dr-syncer-system";

export interface E2e {
  source: WorldCluster;
  dr: WorldCluster;
  /** Every cluster by name (source, dr and any extra ones). */
  clusters: Record<string, WorldCluster>;
  /** The world the clusters live in. */
  world: World;
  /** The controller runs as deploy/'s ServiceAccounts (E2eOptions.rbac; always in the real world). */
  rbac: boolean;
  /** kube-sim's clusters (faults, request log, store) in the sim world only. */
  sim?: Record<string, SimCluster>;
  src: ApiCluster;
  drApi: ApiCluster;
  metrics: Metrics;
  logs: string[];
  type(resource: string, group?: string): ApiResource;
  /** Creates or replaces one of our objects on the source. */
  apply(
    kind: string,
    name: string,
    spec: unknown,
    annotations?: Record<string, string>,
  ): Promise<void>;
  getOwn(kind: string, name: string): Promise<KubeObject | undefined>;
  /** Starts the controller (once per call; `stop` ends all). */
  start(): void;
  /** The running controller's queues and informers (undefined before start). */
  stats(): ManagerStats | undefined;
  stopController(): Promise<void>;
}

const PLURAL: Record<string, string> = {
  RemoteCluster: "remoteclusters",
  NamespaceMapping: "namespacemappings",
  NamespaceReplication: "namespacereplications",
};

function memoryLog(lines: string[]): RuntimeLog {
  const put =
    (level: string) => (message: string, props?: Record<string, unknown>) =>
      lines.push(`${level} ${message} ${JSON.stringify(props ?? {})}`);
  return { info: put("INFO"), warn: put("WARN"), error: put("ERROR") };
}

/**
 * Installs our CRDs (kept when already there) and waits until discovery serves them: a real
 * API server establishes a CRD and updates discovery shortly after the create returns.
 */
async function installCrds(
  client: ClusterClient,
): Promise<DiscoveredResource[]> {
  let discovery = await discover(client);
  const crdType = discovery.find((d) =>
    d.resource === "customresourcedefinitions"
  )!;
  const src = new ApiCluster(client);
  for (const crd of CRDS) {
    if (!await src.get(crdType, undefined, crd.metadata.name)) {
      await src.create(crdType, crd as unknown as KubeObject);
    }
  }
  const served = () =>
    Object.values(PLURAL).every((r) =>
      discovery.some((d) => d.resource === r && d.group === "drsyncer.io")
    );
  await until("our CRDs in discovery", async () => {
    discovery = await discover(client);
    return served();
  }, 60_000);
  return discovery;
}

/** Options of {@link withController}. */
export interface E2eOptions {
  /**
   * Run the controller as the ServiceAccounts of deploy/ (source) and
   * deploy/dr-cluster (DR), authorized from those RBAC objects, instead of
   * as admin. Always so in the real world.
   */
  rbac?: boolean;
  /** More DR clusters, each with its kubeconfig in Secret `<name>-kubeconfig`. */
  extra?: string[];
  /** NamespaceReplication controller tuning (besides the informers). */
  replication?: ReplicationControllerOptions;
  /**
   * CRDs (besides ours) a shared world keeps between tests: the real API
   * server takes tens of seconds to delete a CRD recreated moments before.
   */
  keepCrds?: readonly string[];
}

/**
 * Runs `fn` with clean clusters (source, dr, plus `extra` ones); everything
 * is torn down. The second argument may be the list of extra clusters.
 */
export async function withController(
  fn: (e: E2e) => Promise<void>,
  optsOrExtra: E2eOptions | string[] = {},
): Promise<void> {
  const opts = Array.isArray(optsOrExtra)
    ? { extra: optsOrExtra }
    : optsOrExtra;
  const extra = opts.extra ?? [];
  const { world, release } = await acquireWorld(
    ["source", "dr", ...extra],
    new Set([...OUR_CRDS, ...opts.keepCrds ?? []]),
  );
  // Real clusters authorize for real: the controller runs only as deploy/'s identities there.
  const rbac = opts.rbac || world.name === "real";
  const make = (c: WorldCluster) =>
    new ClusterClient((kc) => kc.loadFromString(c.kubeconfig), {
      name: c.name,
    });
  const srcClient = make(world.clusters.source);
  const drClient = make(world.clusters.dr);
  const src = new ApiCluster(srcClient);
  const stops: (() => Promise<void>)[] = [];
  const logs: string[] = [];
  const metrics = new Metrics({ defaultMetrics: false });
  let manager: Manager | undefined;
  try {
    const discovery = await installCrds(srcClient);
    await src.create(NAMESPACES, {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: NS },
    });
    let controllerKubeconfig = world.clusters.source.kubeconfigPath;
    const kubeconfigs: Record<string, string> = {};
    for (const name of ["dr", ...extra]) {
      kubeconfigs[name] = world.clusters[name].kubeconfig;
    }
    if (rbac) {
      const own = await installSide(world.clusters.source, "source");
      controllerKubeconfig = `${world.dir}/controller.kubeconfig`;
      await Deno.writeTextFile(controllerKubeconfig, own.kubeconfig);
      for (const name of Object.keys(kubeconfigs)) {
        kubeconfigs[name] =
          (await installSide(world.clusters[name], "dr")).kubeconfig;
      }
    }
    for (const [name, kubeconfig] of Object.entries(kubeconfigs)) {
      await srcClient.requestJson(`/api/v1/namespaces/${NS}/secrets`, {
        method: "POST",
        body: {
          metadata: { name: `${name}-kubeconfig` },
          stringData: { kubeconfig },
        },
      });
    }
    const e: E2e = {
      source: world.clusters.source,
      dr: world.clusters.dr,
      clusters: world.clusters,
      world,
      rbac,
      sim: world.sim,
      src,
      drApi: new ApiCluster(drClient),
      metrics,
      logs,
      type: (resource, group = "") =>
        discovery.find((d) => d.resource === resource && d.group === group)!,
      apply: async (kind, name, spec, annotations) => {
        const path = `${GROUP_PATH}/${PLURAL[kind]}`;
        const current = await e.getOwn(kind, name);
        const body = {
          apiVersion: API_VERSION,
          kind,
          metadata: {
            name,
            namespace: NS,
            annotations,
            resourceVersion: current?.metadata.resourceVersion,
          },
          spec,
        };
        await srcClient.requestJson(current ? `${path}/${name}` : path, {
          method: current ? "PUT" : "POST",
          body,
        });
      },
      getOwn: (kind, name) =>
        srcClient.requestJson<KubeObject>(
          `${GROUP_PATH}/${PLURAL[kind]}/${name}`,
        ).catch(() => undefined),
      start: () => {
        const stop = new AbortController();
        const done = runController({
          kubeconfig: controllerKubeconfig,
          namespace: NS,
          leaderElect: false,
          signal: stop.signal,
          log: memoryLog(logs),
          env: {},
          onManager: (m) => void (manager = m),
        }, (run) =>
          buildControllers(run, {
            log: memoryLog(logs),
            metrics,
            replication: {
              informers: { watchdogMs: 60_000 },
              ...opts.replication,
            },
          }));
        stops.push(async () => {
          stop.abort();
          const code = await done;
          if (code !== 0) {
            throw new Error(
              `controller exited ${code}: ${logs.slice(-5).join("\n")}`,
            );
          }
        });
      },
      stats: () => manager?.stats(),
      stopController: async () => {
        for (const s of stops.splice(0)) await s();
      },
    };
    await fn(e);
    await e.stopController();
  } finally {
    for (const s of stops.splice(0)) await s().catch(() => {});
    await srcClient.close();
    await drClient.close();
    await release();
    await quiesceUndici();
  }
}

/** The usual trio: RemoteCluster "dr", mapping "shop" (shop → shop-dr), replication "shop-to-dr". */
export async function standardSetup(
  e: E2e,
  spec: Partial<NamespaceReplicationSpec> = {},
  annotations?: Record<string, string>,
): Promise<void> {
  await e.apply("RemoteCluster", "dr", {
    kubeconfigSecretRef: { name: "dr-kubeconfig" },
    probeInterval: "60s",
  });
  await e.apply("NamespaceMapping", "shop", {
    sourceNamespace: "shop",
    destinationNamespace: "shop-dr",
  });
  await e.apply("NamespaceReplication", "shop-to-dr", {
    remoteClusterRef: { name: "dr" },
    namespaceMappingRefs: [{ name: "shop" }],
    pruneSafety: { delay: "0s" },
    ...spec,
  }, annotations);
}

/** Polls until `cond` holds (20 ms steps), failing after `ms`. */
export async function until(
  what: string,
  cond: () => Promise<boolean> | boolean,
  ms = 10_000,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Full passes the replication ran so far (any result), from the metrics. */
export async function passes(e: E2e, name = "shop-to-dr"): Promise<number> {
  const found = samples(
    await e.metrics.scrape(),
    "drsyncer_sync_duration_seconds_count",
    { replication: name },
  );
  return found.reduce((n, s) => n + s.value, 0);
}

/**
 * Runs `poke` (a change the replication controller must look at, such as
 * an unrelated annotation) and waits until its queue took a key for it and
 * is idle again: the positive signal a test of "nothing happened" waits on
 * before it checks, instead of sleeping.
 */
export async function handled(
  e: E2e,
  poke: () => Promise<void>,
): Promise<void> {
  const queue = () =>
    e.stats()?.queues.find((q) => q.reconciler === "namespacereplication");
  const before = queue()?.adds ?? 0;
  await poke();
  await until("the replication controller handled the change", () => {
    const q = queue();
    return q !== undefined && q.adds > before && q.depth === 0 &&
      q.inFlight === 0;
  });
}

export async function statusOf(
  e: E2e,
  name = "shop-to-dr",
): Promise<Record<string, unknown>> {
  return ((await e.getOwn("NamespaceReplication", name))?.status ??
    {}) as Record<string, unknown>;
}

interface ConditionView {
  type: string;
  status: string;
  reason: string;
  message: string;
}

export function conditionOf(
  status: Record<string, unknown>,
  type: string,
): ConditionView | undefined {
  return (status.conditions as ConditionView[] | undefined)
    ?.find((c) => c.type === type);
}

/** Creates a source namespace. */
export async function sourceNamespace(
  e: E2e,
  name: string,
  labels: Record<string, string> = {},
): Promise<void> {
  await e.src.create(e.type("namespaces"), {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name, labels },
  });
}

/** The discovered type of an object, by its apiVersion and kind. */
export function typeOf(
  e: E2e,
  o: Pick<KubeObject, "apiVersion" | "kind">,
): ApiResource {
  const group = o.apiVersion.includes("/") ? o.apiVersion.split("/")[0] : "";
  const plural = `${o.kind.toLowerCase()}s`;
  const known: Record<string, string> = {
    Ingress: "ingresses",
    Endpoints: "endpoints",
    NetworkPolicy: "networkpolicies",
  };
  return e.type(known[o.kind] ?? plural, group);
}

/** Creates objects in a source namespace; returns them as stored. */
export async function put(
  e: E2e,
  namespace: string,
  objects: KubeObject[],
): Promise<KubeObject[]> {
  const out: KubeObject[] = [];
  for (const o of objects) {
    out.push(
      await e.src.create(typeOf(e, o), {
        ...o,
        metadata: { ...o.metadata, namespace },
      }),
    );
  }
  return out;
}

/** Waits until the replication has synced its current generation. */
export async function synced(
  e: E2e,
  name = "shop-to-dr",
  phase = "Synced",
  ms = 10_000,
): Promise<Record<string, unknown>> {
  let last: Record<string, unknown> = {};
  const generation = async () =>
    (await e.getOwn("NamespaceReplication", name))?.metadata.generation;
  await until(`${name} ${phase}`, async () => {
    last = await statusOf(e, name);
    return last.phase === phase &&
      last.observedGeneration === await generation();
  }, ms).catch((err) => {
    console.log(JSON.stringify(last, null, 1), e.logs.slice(-20).join("\n"));
    throw err;
  });
  return last;
}

export interface EventView {
  type: string;
  reason: string;
  message: string;
  count?: number;
  involvedObject: { kind: string; name: string };
}

/** core/v1 Events in the controller namespace on the source. */
export async function eventsIn(e: E2e): Promise<EventView[]> {
  const items = await e.src.list(e.type("events"), NS);
  return items as unknown as EventView[];
}

/** Waits for an Event with `reason` about `name`. */
export async function eventFor(
  e: E2e,
  name: string,
  reason: string,
): Promise<EventView> {
  let found: EventView | undefined;
  await until(`Event ${reason} for ${name}`, async () => {
    found = (await eventsIn(e)).find((x) =>
      x.reason === reason && x.involvedObject.name === name
    );
    return found !== undefined;
  });
  return found!;
}

/** Write requests counted by a sim cluster. */
export const WRITES = {
  verbs: ["create", "update", "patch", "delete", "deletecollection"],
};
