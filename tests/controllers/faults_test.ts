/**
 * Faults end to end: the DR cluster going away and coming back, and bad
 * input of every kind reported with the right condition and Event, nothing
 * written, while a healthy replication keeps working next to it.
 */
import "../../lib/preload.ts";
import type { KubeObject } from "../../lib/sync/types.ts";
import { assert, assertEquals } from "../assert.ts";
import { configMap } from "../lib/engine/fixtures.ts";
import {
  conditionOf,
  type E2e,
  eventFor,
  NS,
  put,
  simOf,
  simOnly,
  sourceNamespace,
  standardSetup,
  statusOf,
  synced,
  until,
  withController,
} from "./harness.ts";

function dataOf(o: KubeObject | undefined): Record<string, string> {
  return (o?.data ?? {}) as Record<string, string>;
}

Deno.test(
  "controller: DR down then back converges with nothing lost",
  simOnly("needs an API server outage (faults.outage)", async () => {
    await withController(async (e) => {
      const cm = e.type("configmaps");
      await sourceNamespace(e, "shop");
      await put(
        e,
        "shop",
        ["a", "b", "c"].map((n) => configMap(n, { v: "1" })),
      );
      await standardSetup(e);
      await e.apply("RemoteCluster", "dr", {
        kubeconfigSecretRef: { name: "dr-kubeconfig" },
        probeInterval: "1s",
      });
      e.start();
      await synced(e);

      const restore = await simOf(e).dr.faults.outage();
      const a = await e.src.get(cm, "shop", "a");
      await e.src.replace(cm, { ...a!, data: { v: "2" } });
      await e.src.remove(cm, "shop", "b");
      await put(e, "shop", [configMap("d", { v: "new" })]);
      await until("outage reported", async () => {
        const remote = conditionOf(await statusOf(e), "RemoteClusterReady");
        return remote?.reason === "Unreachable";
      });
      assertEquals((await statusOf(e)).phase, "Failed");
      await restore();

      await until("converged", async () => {
        const names = (await e.drApi.list(cm, "shop-dr"))
          .map((o) => o.metadata.name).filter((n) => n.length === 1).sort();
        return names.join() === "a,c,d" &&
          dataOf(await e.drApi.get(cm, "shop-dr", "a")).v === "2";
      }, 20_000);
      await synced(e);
    });
  }),
);

/** Creates a Secret with a kubeconfig text in the controller namespace. */
async function secret(e: E2e, name: string, kubeconfig: string) {
  await e.src.create(e.type("secrets"), {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name, namespace: NS },
    stringData: { kubeconfig },
  } as KubeObject);
}

/** The DR kubeconfig with TLS verification switched off. */
function insecure(kubeconfig: string): string {
  return kubeconfig.replace(
    /certificate-authority-data: .*/,
    "insecure-skip-tls-verify: true",
  );
}

async function readyReason(e: E2e, kind: string, name: string) {
  const o = await e.getOwn(kind, name);
  return conditionOf((o?.status ?? {}) as Record<string, unknown>, "Ready");
}

const REMOTES: [string, string, string | undefined][] = [
  ["no-secret", "SecretNotFound", undefined],
  ["garbage", "KubeconfigInvalid", "this: is: not: a kubeconfig ["],
  ["insecure", "InsecureTLSRefused", "insecure"],
];

Deno.test("controller: bad RemoteClusters are reported with their reason and Event", async () => {
  await withController(async (e) => {
    for (const [name, , text] of REMOTES) {
      if (text) {
        const body = text === "insecure" ? insecure(e.dr.kubeconfig) : text;
        assert(!body.includes("certificate-authority-data"), "no CA left");
        await secret(e, `${name}-kubeconfig`, body);
      }
      await e.apply("RemoteCluster", name, {
        kubeconfigSecretRef: { name: `${name}-kubeconfig` },
        probeInterval: "60s", // so only the Secret watch can explain a quick change
      });
    }
    e.start();
    for (const [name, reason] of REMOTES) {
      await until(
        `${name} ${reason}`,
        async () =>
          (await readyReason(e, "RemoteCluster", name))?.reason === reason,
      );
      const event = await eventFor(e, name, reason);
      assertEquals(event.type, "Warning");
    }
    // The Secret appearing later is picked up without a restart.
    await secret(e, "no-secret-kubeconfig", e.dr.kubeconfig);
    await until(
      "no-secret connected",
      async () =>
        (await readyReason(e, "RemoteCluster", "no-secret"))?.status === "True",
    );
    // A rotated Secret is read again at once, bad or good.
    const secrets = e.type("secrets");
    const s = await e.src.get(secrets, NS, "no-secret-kubeconfig");
    await e.src.replace(secrets, {
      ...s!,
      data: { kubeconfig: btoa("garbage: [") },
    });
    await until(
      "rotated to garbage",
      async () =>
        (await readyReason(e, "RemoteCluster", "no-secret"))?.reason ===
          "KubeconfigInvalid",
    );
  });
});

interface BadCase {
  name: string;
  reason: string;
  spec: Record<string, unknown>;
  mappings?: string[];
}

const BAD: BadCase[] = [
  {
    name: "to-nowhere",
    reason: "RemoteClusterNotFound",
    spec: { remoteClusterRef: { name: "absent" } },
  },
  {
    name: "unknown-type",
    reason: "InvalidSpec",
    spec: { resourceTypes: { include: ["widgets.nope.example.com"] } },
  },
  {
    name: "bad-cron",
    reason: "InvalidSpec",
    spec: { mode: "Scheduled", schedule: "61 * * * *" },
  },
  {
    // Used to become 10m in silence, unlike a bad pruneSafety.delay.
    name: "bad-resync",
    reason: "InvalidSpec",
    spec: { resyncInterval: "0s" },
  },
  {
    name: "clash",
    reason: "DestinationConflict",
    spec: {},
    mappings: ["one", "two"],
  },
];

Deno.test("controller: bad replications get the right condition and Event, write nothing, and the healthy one keeps working", async () => {
  await withController(async (e) => {
    const cm = e.type("configmaps");
    for (const ns of ["shop", "one", "two"]) {
      await sourceNamespace(e, ns);
      await put(e, ns, [configMap("c", { v: "1" })]);
    }
    await standardSetup(e);
    for (const m of ["one", "two"]) {
      await e.apply("NamespaceMapping", m, {
        sourceNamespace: m,
        destinationNamespace: "merged",
      });
    }
    for (const bad of BAD) {
      await e.apply("NamespaceReplication", bad.name, {
        remoteClusterRef: { name: "dr" },
        namespaceMappingRefs: (bad.mappings ?? ["shop"]).map((name) => ({
          name,
        })),
        ...bad.spec,
      });
    }
    e.start();
    await synced(e);
    for (const bad of BAD) {
      await until(`${bad.name} ${bad.reason}`, async () => {
        const ready = conditionOf(await statusOf(e, bad.name), "Ready");
        return ready?.status === "False" && ready.reason === bad.reason;
      }).catch(async (err) => {
        console.log(bad.name, JSON.stringify(await statusOf(e, bad.name)));
        throw err;
      });
      await eventFor(e, bad.name, bad.reason);
    }
    // The earlier mapping keeps "merged"; the later one writes nothing.
    assertEquals(
      (await e.drApi.get(cm, "merged", "c"))?.metadata.annotations
        ?.["drsyncer.io/source"],
      "one/c",
    );
    const owners = (await e.drApi.list(cm, "shop-dr")).map((o) =>
      o.metadata.labels?.["drsyncer.io/replication"]
    ).filter(Boolean);
    assertEquals(owners, ["dr-syncer-system.shop-to-dr"], "only the healthy");

    const live = await e.src.get(cm, "shop", "c");
    await e.src.replace(cm, { ...live!, data: { v: "2" } });
    await until(
      "healthy replication still in step",
      async () => dataOf(await e.drApi.get(cm, "shop-dr", "c")).v === "2",
    );
  });
});

Deno.test("controller: a DR namespace deleted by hand comes back with its copies", async () => {
  await withController(async (e) => {
    await sourceNamespace(e, "shop");
    await put(e, "shop", [configMap("c", { v: "1" })]);
    await standardSetup(e);
    e.start();
    await synced(e);
    await e.drApi.remove(e.type("namespaces"), undefined, "shop-dr");
    await until(
      "recreated",
      async () =>
        (await e.drApi.get(e.type("configmaps"), "shop-dr", "c")) !== undefined,
    );
    await synced(e);
  });
});

Deno.test(
  "controller: broken and expired watches on both clusters are resumed; changes and drift still flow",
  simOnly("needs watch cuts and forced 410s (faults)", async () => {
    await withController(async (e) => {
      const cm = e.type("configmaps");
      await sourceNamespace(e, "shop");
      await put(e, "shop", [configMap("c", { v: "1" })]);
      await standardSetup(e);
      e.start();
      await synced(e);
      for (const cluster of [simOf(e).source, simOf(e).dr]) {
        cluster.faults.forceGoneOnNextWatch(3);
        cluster.faults.cutWatches({ abrupt: true });
      }
      await new Promise((r) => setTimeout(r, 300));
      const live = await e.src.get(cm, "shop", "c");
      await e.src.replace(cm, { ...live!, data: { v: "2" } });
      await until(
        "change after the cut",
        async () => dataOf(await e.drApi.get(cm, "shop-dr", "c")).v === "2",
      );
      const copy = await e.drApi.get(cm, "shop-dr", "c");
      await e.drApi.replace(cm, { ...copy!, data: { v: "drift" } });
      await until(
        "drift after the cut",
        async () => dataOf(await e.drApi.get(cm, "shop-dr", "c")).v === "2",
      );
    });
  }),
);

Deno.test("controller: a NamespaceReplication with a long name still writes (owner label within 63 characters)", async () => {
  await withController(async (e) => {
    const name = `shop-to-dr-${"x".repeat(50)}`; // 61: with its namespace, 78
    await sourceNamespace(e, "shop");
    await put(e, "shop", [configMap("c", { v: "1" })]);
    await standardSetup(e);
    await e.apply("NamespaceReplication", name, {
      remoteClusterRef: { name: "dr" },
      namespaceMappingRefs: [{ name: "shop" }],
    });
    // The standard replication would own shop-dr first; give it up.
    await e.src.client.requestJson(
      "/apis/drsyncer.io/v1alpha1/namespaces/dr-syncer-system/namespacereplications/shop-to-dr",
      { method: "DELETE" },
    );
    e.start();
    await until(`${name} Synced`, async () => {
      const ready = conditionOf(await statusOf(e, name), "Ready");
      return ready?.status === "True";
    }).catch(async (err) => {
      console.log(JSON.stringify(await statusOf(e, name)));
      throw err;
    });
    const copy = await e.drApi.get(e.type("configmaps"), "shop-dr", "c");
    const owner = copy?.metadata.labels?.["drsyncer.io/replication"] ?? "";
    assertEquals(owner.length <= 63, true, owner);
    assertEquals(owner.startsWith("dr-syncer-system.shop-to-dr-x"), true);
  });
});
