import "../../lib/preload.ts";
import * as k8s from "@kubernetes/client-node";
import { assertEquals } from "../assert.ts";
import { simTest, waitFor } from "./harness.ts";

const NS = "inf";
const PATH = `/api/v1/namespaces/${NS}/configmaps`;

function informer(
  kc: k8s.KubeConfig,
  core: k8s.CoreV1Api,
  requestTimeoutMs?: number,
) {
  const watch = new k8s.Watch(kc);
  if (requestTimeoutMs) {
    (watch as unknown as { requestTimeoutMs: number }).requestTimeoutMs =
      requestTimeoutMs;
  }
  const lw = new k8s.ListWatch<k8s.V1ConfigMap>(
    PATH,
    watch,
    () => core.listNamespacedConfigMap({ namespace: NS }),
    false,
  );
  const names = () => lw.list(NS).map((c) => c.metadata!.name).sort();
  return { lw, names };
}

simTest(
  "client-node informer: list+watch, resumes after a cut without relisting, relists after 410",
  async ({ core, kc, cluster }) => {
    await core.createNamespace({ body: { metadata: { name: NS } } });
    await core.createNamespacedConfigMap({
      namespace: NS,
      body: { metadata: { name: "a" } },
    });
    const { lw, names } = informer(kc, core);
    await lw.start();
    assertEquals(names(), ["a", "kube-root-ca.crt"]);
    cluster.counters.reset();
    cluster.faults.cutWatches();
    await core.createNamespacedConfigMap({
      namespace: NS,
      body: { metadata: { name: "b" } },
    });
    await waitFor(() => names().includes("b"), 3000, "b in cache");
    assertEquals(
      cluster.counters.get("list", "configmaps"),
      0,
      "resumed from the last resourceVersion",
    );
    cluster.faults.forceGoneOnNextWatch();
    cluster.faults.cutWatches();
    await waitFor(
      () => cluster.counters.get("list", "configmaps") === 1,
      3000,
      "relist after 410",
    );
    await core.deleteNamespacedConfigMap({ namespace: NS, name: "a" });
    await waitFor(() => !names().includes("a"), 3000, "a gone from cache");
    await lw.stop();
  },
);

simTest(
  "a stalled watch is detected by the watch inactivity timeout; the informer resumes",
  async ({ core, kc, cluster }) => {
    await core.createNamespace({ body: { metadata: { name: NS } } });
    const { lw, names } = informer(kc, core, 300);
    await lw.start();
    const restore = cluster.faults.stallWatches();
    await core.createNamespacedConfigMap({
      namespace: NS,
      body: { metadata: { name: "late" } },
    });
    await new Promise((r) => setTimeout(r, 100));
    assertEquals(
      names().includes("late"),
      false,
      "nothing arrives on a stalled stream",
    );
    restore();
    await waitFor(
      () => names().includes("late"),
      3000,
      "event replayed after the re-watch",
    );
    await lw.stop();
  },
);
