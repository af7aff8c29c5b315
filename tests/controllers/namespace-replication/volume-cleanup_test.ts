/**
 * Releasing the data-replication cleanup finalizer when the replication
 * changed since it was read (a status write landing during the cleanup, seen
 * on a real cluster): read again and release, the cleanup is not repeated.
 */
import "../../../lib/preload.ts";
import { CRDS } from "../../../crds/mod.ts";
import type { NamespaceReplication } from "../../../lib/api/v1alpha1.ts";
import { ClusterClient } from "../../../lib/kube/client.ts";
import { FINALIZER_DATA_REPLICATION } from "../../../lib/volsync/objects.ts";
import { releaseCleanupFinalizer } from "../../../controllers/namespace-replication/volume-cleanup.ts";
import { assertEquals } from "../../assert.ts";
import { simTest } from "../../sim/harness.ts";

const PATH =
  "/apis/drsyncer.io/v1alpha1/namespaces/dr-syncer-system/namespacereplications";

simTest(
  "cleanup finalizer: a stale read is refreshed on 409 and the finalizer released",
  async ({ cluster }) => {
    const source = new ClusterClient(
      (kc) => kc.loadFromString(cluster.kubeconfig),
      { name: "test" },
    );
    try {
      for (const crd of CRDS) {
        await source.requestJson(
          "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
          { method: "POST", body: crd },
        );
      }
      await source.requestJson("/api/v1/namespaces", {
        method: "POST",
        body: { metadata: { name: "dr-syncer-system" } },
      });
      await source.requestJson(PATH, {
        method: "POST",
        body: {
          apiVersion: "drsyncer.io/v1alpha1",
          kind: "NamespaceReplication",
          metadata: {
            name: "shop-to-dr",
            finalizers: ["example.com/other", FINALIZER_DATA_REPLICATION],
          },
          spec: {
            remoteClusterRef: { name: "dr" },
            namespaceMappingRefs: [{ name: "shop" }],
          },
        },
      });
      await source.requestJson(`${PATH}/shop-to-dr`, { method: "DELETE" });
      const stale = await source.requestJson<NamespaceReplication>(
        `${PATH}/shop-to-dr`,
      );
      // Someone writes after our read (the controller's status, say).
      await source.requestJson(`${PATH}/shop-to-dr`, {
        method: "PATCH",
        contentType: "application/merge-patch+json",
        body: { metadata: { labels: { touched: "yes" } } },
      });
      await releaseCleanupFinalizer({ source }, stale);
      const after = await source.requestJson<NamespaceReplication>(
        `${PATH}/shop-to-dr`,
      );
      assertEquals(after.metadata.finalizers, ["example.com/other"]);
      assertEquals(after.metadata.labels, { touched: "yes" });
    } finally {
      await source.close();
    }
  },
);
