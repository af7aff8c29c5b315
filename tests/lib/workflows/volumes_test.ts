/**
 * The workflows' writes to VolSync objects race the controller (it pauses and
 * resumes ReplicationSources) and VolSync (status): a 409 is read again and
 * retried, never a failed failback (seen on real clusters).
 */
import "../../../lib/preload.ts";
import { ApiCluster } from "../../../lib/engine/api-ports.ts";
import { ClusterClient } from "../../../lib/kube/client.ts";
import type { ApiResource, KubeObject } from "../../../lib/sync/types.ts";
import { REPLICATION_SOURCES } from "../../../lib/volsync/objects.ts";
import { clearManualTriggers } from "../../../lib/workflows/volumes.ts";
import { assertEquals } from "../../assert.ts";
import { installVolSync } from "../../controllers/volsync.ts";
import { simTest } from "../../sim/harness.ts";

/** An ApiCluster whose first replace is preceded by someone else's write. */
class Racing extends ApiCluster {
  raced = 0;
  constructor(client: ClusterClient, readonly other: () => Promise<void>) {
    super(client);
  }
  override async replace(
    type: ApiResource,
    object: KubeObject,
  ): Promise<KubeObject> {
    if (this.raced++ === 0) await this.other();
    return await super.replace(type, object);
  }
}

simTest(
  "failback's trigger removal retries a write that lost a race (409)",
  async ({ cluster }) => {
    const client = new ClusterClient(
      (kc) => kc.loadFromString(cluster.kubeconfig),
      { name: "test" },
    );
    try {
      const admin = new ApiCluster(client);
      await installVolSync(admin);
      await admin.client.requestJson("/api/v1/namespaces", {
        method: "POST",
        body: { metadata: { name: "shop" } },
      });
      await admin.create(REPLICATION_SOURCES, {
        apiVersion: "volsync.backube/v1alpha1",
        kind: "ReplicationSource",
        metadata: {
          name: "drs-data",
          namespace: "shop",
          labels: { "drsyncer.io/replication": "dr-syncer-system.shop-to-dr" },
          annotations: { "drsyncer.io/pvc": "data" },
        },
        spec: { sourcePVC: "data", trigger: { manual: "cutover-1" } },
      });
      // The controller resumes the source between our read and our write.
      const racing = new Racing(client, async () => {
        const rs = (await admin.get(REPLICATION_SOURCES, "shop", "drs-data"))!;
        await admin.replace(REPLICATION_SOURCES, {
          ...rs,
          spec: { ...(rs.spec as object), paused: false },
        });
      });
      await clearManualTriggers(racing, "shop");
      const after = await admin.get(REPLICATION_SOURCES, "shop", "drs-data");
      assertEquals(after?.spec, {
        sourcePVC: "data",
        trigger: {},
        paused: false,
      });
      assertEquals(racing.raced, 2, "written again after the conflict");
    } finally {
      await client.close();
    }
  },
);
