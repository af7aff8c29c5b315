/**
 * Contract §3–§4 observed on the DR cluster after a real controller sync:
 * what a copy looks like, what is never copied, and the write order.
 */
import "../../lib/preload.ts";
import { Informer } from "../../lib/informer/informer.ts";
import type { KubeObject } from "../../lib/sync/types.ts";
import { assert, assertEquals } from "../assert.ts";
import { configMap, deployment } from "../lib/engine/fixtures.ts";
import {
  type E2e,
  eventFor,
  eventsIn,
  put,
  sourceNamespace,
  standardSetup,
  synced,
  typeOf,
  until,
  withController,
} from "./harness.ts";

const OWNER = "dr-syncer-system.shop-to-dr";

function obj(
  apiVersion: string,
  kind: string,
  name: string,
  body: Record<string, unknown>,
  meta: Partial<KubeObject["metadata"]> = {},
): KubeObject {
  return { apiVersion, kind, metadata: { name, ...meta }, ...body };
}

function service(name: string, spec: Record<string, unknown>): KubeObject {
  return obj("v1", "Service", name, {
    spec: { selector: { app: name }, ports: [{ port: 80 }], ...spec },
  });
}

const STATEFUL = obj("apps/v1", "StatefulSet", "db", {
  spec: {
    replicas: 3,
    serviceName: "db",
    selector: { matchLabels: { app: "db" } },
    template: {
      metadata: { labels: { app: "db" } },
      spec: { containers: [{ name: "c", image: "postgres:16" }] },
    },
  },
}, { annotations: { "drsyncer.io/scale-override": "source" } });

const INGRESS = obj("networking.k8s.io/v1", "Ingress", "web", {
  spec: {
    ingressClassName: "nginx",
    tls: [{ hosts: ["api.shop.example.com"], secretName: "tls" }],
    rules: [{ host: "api.shop.example.com" }, { host: "other.example.org" }],
  },
});

const CLAIM = obj("v1", "PersistentVolumeClaim", "data", {
  spec: {
    storageClassName: "fast-ssd",
    accessModes: ["ReadWriteOncePod"],
    volumeName: "pv-123",
    resources: { requests: { storage: "1Gi" } },
  },
}, {
  annotations: {
    "pv.kubernetes.io/bind-completed": "yes",
    "volume.kubernetes.io/selected-node": "node-1",
    keep: "me",
  },
});

const POD_SPEC = { containers: [{ name: "c", image: "busybox" }] };

/** Everything the source namespace holds for the rules test. */
function sourceObjects(): KubeObject[] {
  return [
    deployment("api", 3),
    deployment("web", 5, {
      metadata: {
        name: "web",
        labels: { app: "web" },
        annotations: {
          "drsyncer.io/scale-override": "2",
          "kubectl.kubernetes.io/last-applied-configuration": "{}",
        },
        finalizers: ["example.com/hold"],
      },
    }),
    STATEFUL,
    configMap("settings", { a: "1" }),
    configMap("skipped", { a: "1" }, { "drsyncer.io/ignore": "true" }),
    service("plain", { clusterIP: "10.96.100.100" }),
    service("headless", { clusterIP: "None" }),
    service("exposed", {
      type: "NodePort",
      ports: [{ port: 80, nodePort: 30080 }],
    }),
    INGRESS,
    CLAIM,
    obj("v1", "Pod", "loose-pod", { spec: POD_SPEC }),
    obj("v1", "Secret", "sa-token", {
      type: "kubernetes.io/service-account-token",
      data: { token: "c2VjcmV0" },
    }, { annotations: { "kubernetes.io/service-account.name": "default" } }),
    obj("v1", "Secret", "plain-secret", { data: { k: "dg==" } }),
    obj("v1", "Endpoints", "plain", { subsets: [] }),
    obj("v1", "Event", "ev1", {
      involvedObject: { kind: "Pod", name: "loose-pod", namespace: "shop" },
      reason: "Started",
      message: "x",
    }),
    obj("apps/v1", "ReplicaSet", "api-123", {
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: "rs" } },
        template: { metadata: { labels: { app: "rs" } }, spec: POD_SPEC },
      },
    }),
    obj("batch/v1", "CronJob", "nightly", {
      spec: {
        schedule: "0 1 * * *",
        jobTemplate: {
          spec: {
            template: { spec: { ...POD_SPEC, restartPolicy: "Never" } },
          },
        },
      },
    }),
  ];
}

/** A Job owned by the CronJob, as the CronJob controller would make it. */
function ownedJob(cron: KubeObject): KubeObject {
  return obj("batch/v1", "Job", "nightly-1", {
    spec: { template: { spec: { ...POD_SPEC, restartPolicy: "Never" } } },
  }, {
    ownerReferences: [{
      apiVersion: "batch/v1",
      kind: "CronJob",
      name: cron.metadata.name,
      uid: cron.metadata.uid!,
      controller: true,
    }],
  });
}

async function drGet(e: E2e, apiVersion: string, kind: string, name: string) {
  return await e.drApi.get(typeOf(e, { apiVersion, kind }), "shop-dr", name);
}

function specOf(o: KubeObject | undefined): Record<string, unknown> {
  return (o?.spec ?? {}) as Record<string, unknown>;
}

Deno.test("controller: every copy rule of contract §4 holds on DR after a sync", async () => {
  await withController(async (e) => {
    await sourceNamespace(e, "shop", { team: "shop" });
    const stored = await put(e, "shop", sourceObjects());
    await put(e, "shop", [ownedJob(stored.find((o) => o.kind === "CronJob")!)]);
    await standardSetup(e, {
      storageClassMappings: [{ from: "fast-ssd", to: "dr-ssd" }],
      accessModeMappings: [{ from: "ReadWriteOncePod", to: "ReadWriteOnce" }],
      ingress: {
        hostRewrites: [{ from: "shop.example.com", to: "shop-dr.example.com" }],
        classMappings: [{ from: "nginx", to: "nginx-dr" }],
      },
    });
    const creations = await watchCreations(e);
    try {
      e.start();
      await copiesHold(e, stored, creations.created);
    } finally {
      await creations.stop();
    }
  });
});

async function copiesHold(
  e: E2e,
  stored: KubeObject[],
  created: Map<string, number>,
): Promise<void> {
  const status = await synced(e);
  assertEquals((status.counts as { failed: number }).failed, 0);

  const ns = await e.drApi.getNamespace("shop-dr");
  assertEquals(ns?.metadata.labels?.["drsyncer.io/replication"], OWNER);
  assertEquals(ns?.metadata.labels?.team, "shop", "namespace metadata");

  // Scale to zero and both overrides, with the source count remembered.
  const replicas = async (kind: string, name: string) => {
    const o = await drGet(e, "apps/v1", kind, name);
    return [
      specOf(o).replicas,
      o?.metadata.annotations?.["drsyncer.io/original-replicas"],
    ];
  };
  assertEquals(await replicas("Deployment", "api"), [0, "3"]);
  assertEquals(await replicas("Deployment", "web"), [2, "5"]);
  assertEquals(await replicas("StatefulSet", "db"), [3, "3"]);

  // Ownership label, source annotation, dropped metadata.
  const web = await drGet(e, "apps/v1", "Deployment", "web");
  assertEquals(web?.metadata.labels?.["drsyncer.io/replication"], OWNER);
  assertEquals(web?.metadata.annotations?.["drsyncer.io/source"], "shop/web");
  assertEquals(
    web?.metadata.annotations
      ?.["kubectl.kubernetes.io/last-applied-configuration"],
    undefined,
  );
  assertEquals(web?.metadata.finalizers, undefined);
  const srcWeb = stored.find((o) => o.metadata.name === "web")!;
  assert(web?.metadata.uid !== srcWeb.metadata.uid, "own uid on DR");

  await servicesAsContracted(e);
  await ingressRewritten(e);
  await claimMapped(e);

  // Never copied.
  const absent: [string, string, string][] = [
    ["v1", "ConfigMap", "skipped"],
    ["v1", "Pod", "loose-pod"],
    ["v1", "Secret", "sa-token"],
    ["v1", "Endpoints", "plain"],
    ["v1", "Event", "ev1"],
    ["apps/v1", "ReplicaSet", "api-123"],
    ["batch/v1", "Job", "nightly-1"],
  ];
  for (const [v, kind, name] of absent) {
    assertEquals(await drGet(e, v, kind, name), undefined, `${kind} ${name}`);
  }
  assert(await drGet(e, "batch/v1", "CronJob", "nightly"), "CronJob copied");
  assert(await drGet(e, "v1", "Secret", "plain-secret"), "Secret copied");
  const rootCa = await drGet(e, "v1", "ConfigMap", "kube-root-ca.crt");
  assertEquals(
    rootCa?.metadata.labels?.["drsyncer.io/replication"],
    undefined,
  );

  await writeOrderHolds(e, created);
  await updatesKeepDrState(e);
}

const ORDERED: [string, string][] = [
  ["v1", "ConfigMap"],
  ["v1", "PersistentVolumeClaim"],
  ["v1", "Service"],
  ["apps/v1", "Deployment"],
  ["apps/v1", "StatefulSet"],
  ["batch/v1", "CronJob"],
  ["networking.k8s.io/v1", "Ingress"],
];

/**
 * The resourceVersion each DR copy had when created, from watch ADDED events:
 * on a real cluster the Deployment and StatefulSet controllers write status
 * to the copies afterwards, so a later GET's resourceVersion is no creation order.
 */
async function watchCreations(e: E2e) {
  const created = new Map<string, number>();
  const informers: Informer[] = [];
  for (const [apiVersion, kind] of ORDERED) {
    const informer = new Informer(e.drApi.client, {
      type: typeOf(e, { apiVersion, kind }),
      namespace: "shop-dr",
      labelSelector: "drsyncer.io/replication",
    });
    informer.addHandler((ev) => {
      const key = `${kind}/${ev.object.metadata.name}`;
      if (ev.type === "add" && !created.has(key)) {
        created.set(key, Number(ev.object.metadata.resourceVersion));
      }
    });
    informer.start();
    informers.push(informer);
  }
  await Promise.all(informers.map((i) => i.synced));
  return {
    created,
    stop: () => Promise.all(informers.map((i) => i.stop())),
  };
}

/**
 * Updates after the first sync: the DR side's clusterIP survives a Service
 * change, a DR-side scale-up of a parked copy is drift and is reverted.
 */
async function updatesKeepDrState(e: E2e): Promise<void> {
  const svcType = typeOf(e, { apiVersion: "v1", kind: "Service" });
  const drIp = specOf(await drGet(e, "v1", "Service", "plain")).clusterIP;
  const src = await e.src.get(svcType, "shop", "plain");
  await e.src.replace(svcType, {
    ...src!,
    spec: { ...specOf(src), ports: [{ port: 81 }] },
  });
  await until("service updated", async () => {
    const spec = specOf(await drGet(e, "v1", "Service", "plain"));
    return (spec.ports as { port: number }[])[0].port === 81;
  });
  assertEquals(
    specOf(await drGet(e, "v1", "Service", "plain")).clusterIP,
    drIp,
  );

  const deps = typeOf(e, { apiVersion: "apps/v1", kind: "Deployment" });
  const copy = await e.drApi.get(deps, "shop-dr", "api");
  await e.drApi.replace(deps, {
    ...copy!,
    spec: { ...specOf(copy), replicas: 4 },
  });
  await until(
    "scale drift reverted",
    async () =>
      specOf(await drGet(e, "apps/v1", "Deployment", "api")).replicas === 0,
  );
}

async function servicesAsContracted(e: E2e): Promise<void> {
  const plain = specOf(await drGet(e, "v1", "Service", "plain"));
  assert(
    typeof plain.clusterIP === "string" && plain.clusterIP !== "10.96.100.100",
    `DR allocates its own clusterIP, got ${plain.clusterIP}`,
  );
  const headless = specOf(await drGet(e, "v1", "Service", "headless"));
  assertEquals(headless.clusterIP, "None");
  const exposed = specOf(await drGet(e, "v1", "Service", "exposed"));
  assertEquals((exposed.ports as { nodePort: number }[])[0].nodePort, 30080);
}

async function ingressRewritten(e: E2e): Promise<void> {
  const ing = specOf(
    await drGet(e, "networking.k8s.io/v1", "Ingress", "web"),
  );
  assertEquals(ing.ingressClassName, "nginx-dr");
  assertEquals(
    (ing.rules as { host: string }[]).map((r) => r.host),
    ["api.shop-dr.example.com", "other.example.org"],
  );
  assertEquals((ing.tls as { hosts: string[] }[])[0].hosts, [
    "api.shop-dr.example.com",
  ]);
}

async function claimMapped(e: E2e): Promise<void> {
  const pvc = await drGet(e, "v1", "PersistentVolumeClaim", "data");
  const spec = specOf(pvc);
  assertEquals(spec.storageClassName, "dr-ssd");
  assertEquals(spec.accessModes, ["ReadWriteOnce"]);
  assertEquals(spec.volumeName, undefined);
  const annotations = pvc?.metadata.annotations ?? {};
  assertEquals(annotations["pv.kubernetes.io/bind-completed"], undefined);
  assertEquals(annotations["volume.kubernetes.io/selected-node"], undefined);
  assertEquals(annotations.keep, "me");
}

/** The DR copies were created rank by rank (contract's write order). */
async function writeOrderHolds(
  e: E2e,
  created: Map<string, number>,
): Promise<void> {
  const ranks: [string, string][][] = [
    [["ConfigMap", "settings"]],
    [["PersistentVolumeClaim", "data"]],
    [["Service", "plain"], ["Service", "headless"], ["Service", "exposed"]],
    [["Deployment", "api"], ["StatefulSet", "db"], ["CronJob", "nightly"]],
    [["Ingress", "web"]],
  ];
  let floor = Number(
    (await e.drApi.getNamespace("shop-dr"))?.metadata.resourceVersion,
  );
  for (const rank of ranks) {
    const versions = rank.map(([k, n]) => created.get(`${k}/${n}`) ?? NaN);
    assert(
      Math.min(...versions) > floor,
      `${rank[0][0]} written after the rank before (${versions} > ${floor})`,
    );
    floor = Math.max(...versions);
  }
}

Deno.test("controller: an unreadable scale-override parks the copy and says so in a Warning Event", async () => {
  await withController(async (e) => {
    await sourceNamespace(e, "shop");
    await put(e, "shop", [deployment("api", 3, {
      metadata: {
        name: "api",
        labels: { app: "api" },
        annotations: { "drsyncer.io/scale-override": "lots" },
      },
    })]);
    await standardSetup(e);
    e.start();
    await synced(e);
    const copy = await drGet(e, "apps/v1", "Deployment", "api");
    assertEquals(specOf(copy).replicas, 0);
    const event = await eventFor(e, "shop-to-dr", "SyncWarning");
    assertEquals(event.type, "Warning");
    assert(event.message.includes("api"), event.message);
  });
});

Deno.test("controller: the Continuous per-object path reports transform warnings too", async () => {
  await withController(async (e) => {
    const deps = e.type("deployments", "apps");
    await sourceNamespace(e, "shop");
    await put(e, "shop", [deployment("api", 3)]);
    await standardSetup(e);
    e.start();
    await synced(e);
    assertEquals(
      (await eventsIn(e)).filter((x) => x.reason === "SyncWarning"),
      [],
      "a clean first pass warns of nothing",
    );
    e.source.counters.reset();
    const live = await e.src.get(deps, "shop", "api");
    await e.src.replace(deps, {
      ...live!,
      metadata: {
        ...live!.metadata,
        annotations: { "drsyncer.io/scale-override": "lots" },
      },
    });
    const event = await eventFor(e, "shop-to-dr", "SyncWarning");
    assertEquals(event.type, "Warning");
    assert(event.message.includes("Deployment api"), event.message);
    assertEquals(
      e.source.counters.get("list", "deployments"),
      0,
      "the per-object path, not a full pass, said it",
    );
  });
});

Deno.test("controller: the original dr-syncer's labels and our label forms are honoured", async () => {
  await withController(async (e) => {
    await sourceNamespace(e, "shop");
    const labelled = (name: string, labels: Record<string, string>) =>
      deployment(name, 3, {
        metadata: { name, labels: { app: name, ...labels } },
      });
    await put(e, "shop", [
      labelled("legacy-true", { "dr-syncer.io/scale-override": "true" }),
      labelled("legacy-count", { "dr-syncer.io/scale-override": "1" }),
      labelled("ours-label", { "drsyncer.io/scale-override": "2" }),
      configMap("legacy-ignored", { a: "1" }, {
        "dr-syncer.io/ignore": "true",
      }),
      configMap("kept", { a: "1" }),
    ]);
    await standardSetup(e);
    e.start();
    await synced(e);
    const replicas = async (name: string) =>
      specOf(await drGet(e, "apps/v1", "Deployment", name)).replicas;
    assertEquals(await replicas("legacy-true"), 3, "non-integer keeps source");
    assertEquals(await replicas("legacy-count"), 1);
    assertEquals(await replicas("ours-label"), 2);
    assertEquals(
      await drGet(e, "v1", "ConfigMap", "legacy-ignored"),
      undefined,
    );
    assert(await drGet(e, "v1", "ConfigMap", "kept"), "plain copy made");
  });
});
