/**
 * Data replication through VolSync, end to end over kube-sim: the
 * controller's handshake (destination, key Secret copy, source), PVCs
 * added and removed, VolSync missing, a handshake that never finishes, and
 * the data RPO in status and metrics. VolSync itself is the fake mover of
 * volsync.ts.
 */
import "../../lib/preload.ts";
import { LABEL_REPLICATION } from "../../lib/api/v1alpha1.ts";
import type { KubeObject } from "../../lib/sync/types.ts";
import {
  PVCS,
  REPLICATION_DESTINATIONS,
  REPLICATION_SOURCES,
  SECRETS,
  VOLUME_SNAPSHOTS,
} from "../../lib/volsync/objects.ts";
import { assert, assertEquals, assertMatch } from "../assert.ts";
import {
  conditionOf,
  eventFor,
  standardSetup,
  statusOf,
  until,
  withController,
} from "./harness.ts";
import {
  DATA_SPEC,
  dataSetup,
  KEEP_VOLSYNC,
  pvc,
  volume,
  volumesOf,
} from "./volsync.ts";

type Json = Record<string, unknown>;

Deno.test("volumes: the whole handshake, then a transfer shows in status and the metric", async () => {
  await withController(async (e) => {
    const mover = await dataSetup(e, [
      pvc("data"),
      pvc("raw", { block: true }),
    ]);
    await e.src.create(REPLICATION_SOURCES, {
      apiVersion: "volsync.backube/v1alpha1",
      kind: "ReplicationSource",
      metadata: { name: "by-hand", namespace: "shop" },
      spec: { sourcePVC: "data", trigger: { manual: "once" } },
    });
    await e.src.create(VOLUME_SNAPSHOTS, {
      apiVersion: "snapshot.storage.k8s.io/v1",
      kind: "VolumeSnapshot",
      metadata: { name: "snap-1", namespace: "shop" },
      spec: { source: { persistentVolumeClaimName: "data" } },
    });
    await e.src.create(e.type("configmaps"), {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "marker", namespace: "shop" },
    });
    mover.start();
    try {
      await standardSetup(e, DATA_SPEC);
      e.start();
      let rd: KubeObject | undefined;
      await until("destination", async () => {
        rd = await e.drApi.get(REPLICATION_DESTINATIONS, "shop-dr", "drs-data");
        return rd !== undefined;
      });
      assertEquals((rd!.spec as Json).rsyncTLS, {
        copyMethod: "Snapshot",
        capacity: "1Gi",
        accessModes: ["ReadWriteOnce"],
        storageClassName: "dr-ssd",
        serviceType: "ClusterIP",
        volumeSnapshotClassName: "snap",
      });
      assertEquals(
        rd!.metadata.labels?.[LABEL_REPLICATION],
        "dr-syncer-system.shop-to-dr",
      );
      let rs: KubeObject | undefined;
      await until("source", async () => {
        rs = await e.src.get(REPLICATION_SOURCES, "shop", "drs-data");
        return rs !== undefined;
      });
      const rsSpec = rs!.spec as Json;
      assertEquals(rsSpec.sourcePVC, "data");
      assertEquals(rsSpec.trigger, { schedule: "*/5 * * * *" });
      const tls = rsSpec.rsyncTLS as Json;
      assertEquals(tls.keySecret, "drs-data-key");
      assertEquals(tls.copyMethod, "Snapshot");
      assert(String(tls.address).startsWith("10.96.7."), "address copied");
      const key = await e.src.get(SECRETS, "shop", "drs-data-key");
      const drKey = await e.drApi.get(
        SECRETS,
        "shop-dr",
        "volsync-rsync-tls-drs-data",
      );
      assertEquals(key?.data, drKey?.data, "the key Secret is copied");
      await until(
        "Syncing",
        async () => (await volume(e, "data"))?.phase === "Syncing",
      );
      assertEquals((await volume(e, "raw"))?.phase, "Skipped");
      assertEquals((await volume(e, "raw"))?.reason, "BlockVolume");
      assertEquals(
        await e.src.get(REPLICATION_SOURCES, "shop", "drs-raw"),
        undefined,
      );

      const [image] = await mover.transfer("data");
      assert(image, "the fake mover accepted our key");
      await until(
        "Synced",
        async () => (await volume(e, "data"))?.phase === "Synced",
      );
      const v = (await volume(e, "data"))!;
      assertEquals(v.latestImage, image);
      const status = await statusOf(e);
      assertEquals(status.phase, "Synced");
      assertEquals(conditionOf(status, "DataReplicationReady")?.status, "True");

      const text = await e.metrics.scrape();
      const line = text.split("\n").find((l) =>
        l.startsWith("drsyncer_volume_seconds_since_last_sync{") &&
        l.includes('pvc="data"')
      );
      assert(line, "volume RPO series");
      assert(
        line.includes('replication="shop-to-dr"') &&
          line.includes('namespace="shop"'),
      );
      assert(Number(line.split(" ").pop()) < 600, line);
      assert(!text.includes('pvc="raw"'), "no series for a skipped volume");

      // Never copied: VolSync objects (ours and a user's), VolumeSnapshots
      // and our key Secret stay on their side.
      assertEquals(
        await e.drApi.get(REPLICATION_SOURCES, "shop-dr", "by-hand"),
        undefined,
      );
      assertEquals(
        await e.drApi.get(VOLUME_SNAPSHOTS, "shop-dr", "snap-1"),
        undefined,
      );
      assert(
        await e.drApi.get(e.type("configmaps"), "shop-dr", "marker"),
        "synced after them",
      );
      assertEquals(
        await e.drApi.get(REPLICATION_SOURCES, "shop-dr", "drs-data"),
        undefined,
      );
      assertEquals(
        await e.drApi.get(SECRETS, "shop-dr", "drs-data-key"),
        undefined,
      );
    } finally {
      await mover.stop();
    }
  }, { ...KEEP_VOLSYNC, replication: { volumes: {} } });
});

Deno.test("volumes: a PVC added gets its pair, a PVC removed loses it", async () => {
  await withController(async (e) => {
    const mover = await dataSetup(e, [pvc("data")]);
    mover.start();
    try {
      await standardSetup(e, DATA_SPEC);
      e.start();
      await until(
        "first pair",
        async () =>
          await e.src.get(REPLICATION_SOURCES, "shop", "drs-data") !==
            undefined,
      );
      await e.src.create(PVCS, {
        ...pvc("logs"),
        metadata: { name: "logs", namespace: "shop" },
      });
      await until(
        "second pair",
        async () =>
          await e.src.get(REPLICATION_SOURCES, "shop", "drs-logs") !==
            undefined,
      );
      await e.src.remove(PVCS, "shop", "data");
      await until(
        "first pair gone",
        async () =>
          await e.src.get(REPLICATION_SOURCES, "shop", "drs-data") ===
            undefined &&
          await e.src.get(SECRETS, "shop", "drs-data-key") === undefined &&
          await e.drApi.get(REPLICATION_DESTINATIONS, "shop-dr", "drs-data") ===
            undefined,
      );
      assert(
        await e.drApi.get(REPLICATION_DESTINATIONS, "shop-dr", "drs-logs"),
      );
      await until(
        "status",
        async () => (await volumesOf(e)).map((v) => v.pvc).join() === "logs",
      );
    } finally {
      await mover.stop();
    }
  }, KEEP_VOLSYNC);
});

Deno.test("volumes: dataReplication removed deletes everything of ours", async () => {
  await withController(async (e) => {
    const mover = await dataSetup(e, [pvc("data")]);
    mover.start();
    try {
      await standardSetup(e, DATA_SPEC);
      e.start();
      await until(
        "pair",
        async () =>
          await e.src.get(REPLICATION_SOURCES, "shop", "drs-data") !==
            undefined,
      );
      const { dataReplication: _, ...rest } = DATA_SPEC;
      // The controller's status writes race this update: retry on 409.
      await until(
        "spec updated",
        () => standardSetup(e, rest).then(() => true, () => false),
      );
      await until(
        "all gone",
        async () =>
          await e.src.get(REPLICATION_SOURCES, "shop", "drs-data") ===
            undefined &&
          await e.src.get(SECRETS, "shop", "drs-data-key") === undefined &&
          await e.drApi.get(REPLICATION_DESTINATIONS, "shop-dr", "drs-data") ===
            undefined,
      );
      await until(
        "no condition",
        async () =>
          conditionOf(await statusOf(e), "DataReplicationReady") ===
            undefined &&
          (await statusOf(e)).volumes === undefined,
      );
    } finally {
      await mover.stop();
    }
  }, KEEP_VOLSYNC);
});

Deno.test("volumes: VolSync missing on the DR cluster is a condition and a Warning", async () => {
  await withController(async (e) => {
    await dataSetup(e, [pvc("data")], { source: true, dr: false });
    await standardSetup(e, DATA_SPEC);
    e.start();
    await until(
      "condition",
      async () =>
        conditionOf(await statusOf(e), "DataReplicationReady")?.reason ===
          "VolSyncNotInstalled",
    );
    const c = conditionOf(await statusOf(e), "DataReplicationReady")!;
    assertEquals(c.status, "False");
    assert(c.message.includes("DR"), c.message);
    assertEquals((await statusOf(e)).phase, "Degraded");
    await eventFor(e, "shop-to-dr", "VolSyncNotInstalled");
    assertEquals(
      await e.src.get(REPLICATION_SOURCES, "shop", "drs-data"),
      undefined,
    );
  }, KEEP_VOLSYNC);
});

Deno.test("volumes: an address that never appears degrades the volume and warns", async () => {
  await withController(async (e) => {
    await dataSetup(e, [pvc("data")]); // mover never started
    await standardSetup(e, DATA_SPEC);
    e.start();
    await until(
      "degraded",
      async () => (await volume(e, "data"))?.reason === "MissingAddress",
    );
    assertEquals((await volume(e, "data"))?.phase, "Degraded");
    await eventFor(e, "shop-to-dr", "MissingAddress");
    assertEquals(
      await e.src.get(REPLICATION_SOURCES, "shop", "drs-data"),
      undefined,
    );
    assertEquals(await e.src.get(SECRETS, "shop", "drs-data-key"), undefined);
  }, { ...KEEP_VOLSYNC, replication: { volumes: { handshakeTimeoutMs: 0 } } });
});

Deno.test("volumes: the handshake works with exactly the deploy/ RBAC plus the data-replication add-ons", async () => {
  await withController(async (e) => {
    // dataSetup installs the add-ons whenever the controller runs under RBAC.
    const mover = await dataSetup(e, [pvc("data")]);
    mover.start();
    try {
      await standardSetup(e, DATA_SPEC);
      e.start();
      await until(
        "source",
        async () =>
          await e.src.get(REPLICATION_SOURCES, "shop", "drs-data") !==
            undefined,
      );
      await mover.transfer("data");
      await until(
        "Synced",
        async () => (await volume(e, "data"))?.phase === "Synced",
      );
    } finally {
      await mover.stop();
    }
  }, { ...KEEP_VOLSYNC, rbac: true });
});

Deno.test("volumes: a PVC added between resyncs gets its pair without waiting for the resync", async () => {
  await withController(async (e) => {
    const mover = await dataSetup(e, [pvc("data")]);
    mover.start();
    try {
      await standardSetup(e, { ...DATA_SPEC, resyncInterval: "10m" });
      e.start();
      await until(
        "first pair",
        async () =>
          await e.src.get(REPLICATION_SOURCES, "shop", "drs-data") !==
            undefined,
      );
      await e.src.create(PVCS, {
        ...pvc("logs"),
        metadata: { name: "logs", namespace: "shop" },
      });
      await until(
        "second pair",
        async () =>
          await e.src.get(REPLICATION_SOURCES, "shop", "drs-logs") !==
            undefined,
      );
    } finally {
      await mover.stop();
    }
  }, KEEP_VOLSYNC);
});

Deno.test("volumes: a same-named ReplicationDestination not ours is left alone and reported", async () => {
  await withController(async (e) => {
    await dataSetup(e, [pvc("data")]);
    await e.drApi.create(e.type("namespaces"), {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: "shop-dr" },
    });
    const foreign = await e.drApi.create(REPLICATION_DESTINATIONS, {
      apiVersion: "volsync.backube/v1alpha1",
      kind: "ReplicationDestination",
      metadata: { name: "drs-data", namespace: "shop-dr" },
      spec: { rsyncTLS: { copyMethod: "Direct" } },
    });
    await standardSetup(e, DATA_SPEC);
    e.start();
    await until(
      "reported",
      async () =>
        conditionOf(await statusOf(e), "DataReplicationReady")?.reason ===
          "VolumeSyncFailed",
    );
    const c = conditionOf(await statusOf(e), "DataReplicationReady")!;
    assertMatch(c.message, /create ReplicationDestination shop-dr\/drs-data/);
    await eventFor(e, "shop-to-dr", "VolumeSyncFailed");
    const after = await e.drApi.get(
      REPLICATION_DESTINATIONS,
      "shop-dr",
      "drs-data",
    );
    assertEquals(
      after?.metadata.resourceVersion,
      foreign.metadata.resourceVersion,
    );
    assertEquals(after?.metadata.labels, undefined);
  }, KEEP_VOLSYNC);
});
