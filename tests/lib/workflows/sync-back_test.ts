/**
 * failback --sync-back with a replication that maps values (storage class,
 * access modes, ingress hosts and classes): a clean cutover + failback
 * round trip leaves the source with its own values, objects born on DR come
 * back as source objects, and what cannot be reversed is refused.
 */
import "../../../lib/preload.ts";
import { assert, assertEquals, assertMatch } from "../../assert.ts";
import { CRDS } from "../../../crds/mod.ts";
import type { KubeObject } from "../../../lib/sync/types.ts";
import {
  cli,
  configMap,
  deployment,
  live,
  recordingIo,
  seed,
  spec,
  type TwoClusters,
  withTwoClusters,
  WRITES,
} from "./fixtures.ts";

const OWNER = "drsyncer.io/replication";
const REPLICATION = "dr-syncer-system.shop-to-dr";
const PAIR = ["--from", "$SRC", "--to", "$DR", "--namespace", "shop:shop-dr"];
const SYNC = ["sync", ...PAIR];
const CUTOVER = ["cutover", ...PAIR];
const SYNC_BACK = ["failback", ...PAIR, "--sync-back"];

/** Commands run at the real time: objects made on DR are younger than the promote. */
const run = (t: TwoClusters, argv: string[]) =>
  cli(t, argv, recordingIo(false, new Date()));

/**
 * Waits for the wall clock to enter the next second: creation times and the
 * promoted mark have whole seconds, and an object made in the promote's own
 * second counts as made while promoted.
 */
async function nextSecond(): Promise<void> {
  const second = Math.floor(Date.now() / 1000);
  while (Math.floor(Date.now() / 1000) === second) {
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Retries `call` while the API server answers 404 (a CRD not yet served). */
async function servedEventually(call: () => Promise<unknown>): Promise<void> {
  for (let i = 0;; i++) {
    try {
      await call();
      return;
    } catch (e) {
      if (i > 200 || !String(e).includes("404")) throw e;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

async function replicationWithMappings(t: TwoClusters): Promise<void> {
  const crdType = t.discovery.find((d) =>
    d.resource === "customresourcedefinitions"
  )!;
  for (const crd of CRDS) {
    await t.src.create(crdType, crd as unknown as KubeObject);
  }
  await seed(t.src, t, "dr-syncer-system", []);
  // A real API server serves a new CRD a moment after creating it.
  await servedEventually(() =>
    t.src.client.requestJson(
      "/apis/drsyncer.io/v1alpha1/namespaces/dr-syncer-system/namespacereplications",
      {
        method: "POST",
        body: {
          apiVersion: "drsyncer.io/v1alpha1",
          kind: "NamespaceReplication",
          metadata: { name: "shop-to-dr" },
          spec: {
            remoteClusterRef: { name: "dr" },
            namespaceMappingRefs: [{ name: "shop" }],
            storageClassMappings: [{ from: "fast-ssd", to: "dr-ssd" }],
            accessModeMappings: [{
              from: "ReadWriteOncePod",
              to: "ReadWriteOnce",
            }],
            ingress: {
              hostRewrites: [{
                from: "shop.example.com",
                to: "shop-dr.example.com",
              }],
              classMappings: [{ from: "nginx", to: "nginx-dr" }],
            },
          },
        },
      },
    )
  );
  // The namespace as the controller made it: this replication owns it.
  await seed(t.drApi, t, "shop-dr", [], { [OWNER]: REPLICATION });
}

function ingress(name: string, host: string, cls: string): KubeObject {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    metadata: { name },
    spec: {
      ingressClassName: cls,
      rules: [{ host }],
      tls: [{ hosts: [host], secretName: "tls" }],
    },
  };
}

const CLAIM: KubeObject = {
  apiVersion: "v1",
  kind: "PersistentVolumeClaim",
  metadata: { name: "data" },
  spec: {
    storageClassName: "fast-ssd",
    accessModes: ["ReadWriteOncePod"],
    resources: { requests: { storage: "1Gi" } },
  },
};

const mapped = (o: KubeObject) => ({
  spec: o.spec,
  labels: o.metadata.labels,
  annotations: o.metadata.annotations,
});

async function seedShop(t: TwoClusters): Promise<void> {
  await replicationWithMappings(t);
  await seed(t.src, t, "shop", [
    ingress("web", "shop.example.com", "nginx"),
    CLAIM,
    deployment("api", 2),
  ]);
  const s = await run(t, SYNC);
  assertEquals(s.code, 0, s.stderr);
  const copy = await live(
    t,
    "drApi",
    "ingresses",
    "shop-dr",
    "web",
    "networking.k8s.io",
  );
  assertEquals(spec(copy).rules[0].host, "shop-dr.example.com");
}

Deno.test("sync-back: a cutover + failback round trip leaves the source with its own hosts, classes and claim", async () => {
  await withTwoClusters(async (t) => {
    await seedShop(t);
    const web = await live(
      t,
      "src",
      "ingresses",
      "shop",
      "web",
      "networking.k8s.io",
    );
    const data = await live(
      t,
      "src",
      "persistentvolumeclaims",
      "shop",
      "data",
      "",
    );
    const cut = await run(t, CUTOVER);
    assertEquals(cut.code, 0, cut.stderr);

    const back = await run(t, SYNC_BACK);
    assertEquals(back.code, 0, back.stderr);
    assert(!/ImmutableField/.test(back.stdout), back.stdout);
    assertMatch(back.stdout, / 0 skipped, 0 failed/);
    // Compared in reversed terms: the claim and the Ingress are unchanged.
    assert(!/PersistentVolumeClaim|Ingress/.test(back.stdout), back.stdout);
    const webNow = await live(
      t,
      "src",
      "ingresses",
      "shop",
      "web",
      "networking.k8s.io",
    );
    assertEquals(mapped(webNow), mapped(web));
    const dataNow = await live(
      t,
      "src",
      "persistentvolumeclaims",
      "shop",
      "data",
      "",
    );
    assertEquals(mapped(dataNow), mapped(data));
    // And the next sync finds the DR copies as a sync makes them.
    t.dr.counters.reset();
    const again = await run(t, SYNC);
    assertEquals(again.code, 0, again.stderr);
    assertEquals(t.dr.counters.total(WRITES), 0, again.stdout);
  });
});

Deno.test("sync-back: objects born on DR come back as source objects, and their DR twins become owned copies", async () => {
  await withTwoClusters(async (t) => {
    await seedShop(t);
    await seed(t.drApi, t, "shop-dr", [configMap("dr-own", { dr: "yes" })]);
    await nextSecond();
    const cut = await run(t, CUTOVER);
    assertEquals(cut.code, 0, cut.stderr);
    await seed(t.drApi, t, "shop-dr", [
      ingress("promo", "promo.shop-dr.example.com", "nginx-dr"),
      configMap("made-on-dr", { a: "1" }),
      deployment("worker", 3),
    ]);

    const back = await run(t, SYNC_BACK);
    assertEquals(back.code, 0, back.stderr);
    const promo = await live(
      t,
      "src",
      "ingresses",
      "shop",
      "promo",
      "networking.k8s.io",
    );
    assertEquals(spec(promo).ingressClassName, "nginx");
    assertEquals(spec(promo).rules[0].host, "promo.shop.example.com");
    assertEquals(spec(promo).tls[0].hosts, ["promo.shop.example.com"]);
    for (
      const o of [
        promo,
        await live(t, "src", "configmaps", "shop", "made-on-dr", ""),
      ]
    ) {
      assertEquals(o.metadata.labels, undefined, o.metadata.name);
      assertEquals(o.metadata.annotations, undefined, o.metadata.name);
    }
    const worker = await live(t, "src", "deployments", "shop", "worker");
    assertEquals(spec(worker).replicas, 3, "started on the source");
    assert(
      !await t.src.get(t.type("configmaps"), "shop", "dr-own"),
      "DR's own objects (older than the promote) stay on DR",
    );
    const twin = await live(t, "drApi", "deployments", "shop-dr", "worker");
    assertEquals(twin.metadata.labels?.[OWNER], REPLICATION);
    assertEquals(spec(twin).replicas, 0, "demote parked the twin");
    assertEquals(
      (await live(t, "drApi", "configmaps", "shop-dr", "dr-own", "")).metadata
        .labels?.[OWNER],
      undefined,
    );

    const sync = await run(t, [...SYNC, "-o", "json"]);
    assertEquals(sync.code, 0, sync.stderr);
    const result = JSON.parse(sync.stdout);
    assertEquals(result.counts.failed, 0, sync.stdout);
    assert(!sync.stdout.includes("NotOwned"), sync.stdout);
    const promoCopy = await live(
      t,
      "drApi",
      "ingresses",
      "shop-dr",
      "promo",
      "networking.k8s.io",
    );
    assertEquals(spec(promoCopy).rules[0].host, "promo.shop-dr.example.com");
    assertEquals(promoCopy.metadata.labels?.[OWNER], REPLICATION);
  });
});

Deno.test("sync-back: a DR value no source value maps to is refused by object and field, nothing written", async () => {
  await withTwoClusters(async (t) => {
    await seedShop(t);
    await seed(t.src, t, "shop", [
      configMap("local", { from: "source" }, { "drsyncer.io/ignore": "true" }),
    ]);
    const cut = await run(t, CUTOVER);
    assertEquals(cut.code, 0, cut.stderr);
    const ing = t.type("ingresses", "networking.k8s.io");
    const web = await live(
      t,
      "drApi",
      "ingresses",
      "shop-dr",
      "web",
      "networking.k8s.io",
    );
    // Set to the source-side class name, which the mapping sends to nginx-dr.
    await t.drApi.replace(ing, {
      ...web,
      spec: { ...spec(web), ingressClassName: "nginx" },
    });
    await seed(t.drApi, t, "shop-dr", [
      configMap("made-on-dr", { a: "1" }),
      configMap("local", { from: "dr" }),
    ]);

    t.source.counters.reset();
    const back = await run(t, SYNC_BACK);
    assertEquals(back.code, 1);
    assertMatch(
      back.stderr,
      /Ingress shop-dr\/web spec\.ingressClassName: "nginx" cannot be reversed: no source value becomes it under spec\.ingress\.classMappings/,
    );
    assertMatch(
      back.stderr,
      /ConfigMap shop-dr\/local: made on DR while promoted, but the source's own local is not replicated \(the object is labelled drsyncer.io\/ignore=true\); it would be overwritten/,
    );
    assertMatch(
      back.stderr,
      /2 problems \(listed above\).*nothing written, failback stopped, DR still running/,
    );
    assertEquals(t.source.counters.total(WRITES), 0);
    const drNs = await t.drApi.getNamespace("shop-dr");
    assert(
      drNs?.metadata.annotations?.["drsyncer.io/promoted"],
      "DR still promoted",
    );
  });
});
