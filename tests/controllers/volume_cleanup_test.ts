/**
 * Deleting a NamespaceReplication with data replication: its cleanup
 * finalizer deletes our ReplicationSources and key Secret copies, and our
 * ReplicationDestinations (the DR data) only as the prune rules allow, then
 * lets the replication go; an unreachable DR cluster does not hold the
 * deletion. VolSync is the fake mover of volsync.ts.
 */
import "../../lib/preload.ts";
import {
  FINALIZER_DATA_REPLICATION,
  PVCS,
  REPLICATION_DESTINATIONS,
  REPLICATION_SOURCES,
  SECRETS,
} from "../../lib/volsync/objects.ts";
import { assert, assertEquals, assertMatch } from "../assert.ts";
import {
  conditionOf,
  type E2e,
  eventFor,
  NS,
  standardSetup,
  until,
  withController,
} from "./harness.ts";
import {
  DATA_SPEC,
  dataSetup,
  type FakeMover,
  KEEP_VOLSYNC,
  pvc,
} from "./volsync.ts";

/** The pair handshaken and the DR PVC copy made. */
async function paired(
  e: E2e,
  spec: Record<string, unknown> = {},
): Promise<FakeMover> {
  const mover = await dataSetup(e, [pvc("data")]);
  mover.start();
  await standardSetup(e, { ...DATA_SPEC, ...spec });
  e.start();
  await until(
    "pair",
    async () =>
      await e.src.get(REPLICATION_SOURCES, "shop", "drs-data") !== undefined,
  );
  await until(
    "DR PVC copy",
    async () => await e.drApi.get(PVCS, "shop-dr", "data") !== undefined,
  );
  return mover;
}

async function finalizers(e: E2e): Promise<string[] | undefined> {
  return (await e.getOwn("NamespaceReplication", "shop-to-dr"))?.metadata
    .finalizers;
}

async function deleteReplication(e: E2e): Promise<void> {
  await e.src.remove(
    e.type("namespacereplications", "drsyncer.io"),
    NS,
    "shop-to-dr",
  );
  await until(
    "replication gone",
    async () =>
      await e.getOwn("NamespaceReplication", "shop-to-dr") ===
        undefined,
    30_000,
  );
}

async function sourceSideGone(e: E2e): Promise<boolean> {
  return await e.src.get(REPLICATION_SOURCES, "shop", "drs-data") ===
      undefined &&
    await e.src.get(SECRETS, "shop", "drs-data-key") === undefined;
}

Deno.test("cleanup: deleting the replication deletes our VolSync objects (prune on), then the replication goes", async () => {
  await withController(async (e) => {
    const mover = await paired(e);
    try {
      await until(
        "finalizer",
        async () =>
          (await finalizers(e))?.includes(FINALIZER_DATA_REPLICATION) ===
            true,
      );
      await deleteReplication(e);
      assert(await sourceSideGone(e), "ReplicationSource and key copy gone");
      assertEquals(
        await e.drApi.get(REPLICATION_DESTINATIONS, "shop-dr", "drs-data"),
        undefined,
      );
      assert(
        await e.drApi.get(PVCS, "shop-dr", "data"),
        "the DR copy of the claim itself stays",
      );
      const done = await eventFor(e, "shop-to-dr", "DataReplicationCleanedUp");
      assertMatch(done.message, /deleted 3 VolSync object/);
    } finally {
      await mover.stop();
    }
  }, KEEP_VOLSYNC);
});

Deno.test("cleanup: with prune off the DR destination and its data stay; the source side goes", async () => {
  await withController(async (e) => {
    const mover = await paired(e, { prune: false });
    try {
      await until(
        "finalizer",
        async () =>
          (await finalizers(e))?.includes(FINALIZER_DATA_REPLICATION) ===
            true,
      );
      await deleteReplication(e);
      assert(await sourceSideGone(e), "ReplicationSource and key copy gone");
      assert(
        await e.drApi.get(REPLICATION_DESTINATIONS, "shop-dr", "drs-data"),
        "the DR data stays without prune",
      );
      const done = await eventFor(e, "shop-to-dr", "DataReplicationCleanedUp");
      assertMatch(done.message, /kept: shop-dr\/drs-data \(PruneOff\)/);
    } finally {
      await mover.stop();
    }
  }, KEEP_VOLSYNC);
});

Deno.test("cleanup: an unreachable DR cluster does not hold the deletion; the source side goes, a Warning says what stayed", async () => {
  await withController(async (e) => {
    const mover = await paired(e);
    try {
      await mover.stop();
      const secret = (await e.src.get(SECRETS, NS, "dr-kubeconfig"))!;
      await e.src.replace(SECRETS, {
        ...secret,
        data: { kubeconfig: btoa("not a kubeconfig") },
      });
      await until("DR not ready", async () => {
        const rc = await e.getOwn("RemoteCluster", "dr");
        const status = (rc?.status ?? {}) as Record<string, unknown>;
        return conditionOf(status, "Ready")?.status === "False";
      });
      await deleteReplication(e);
      assert(await sourceSideGone(e), "ReplicationSource and key copy gone");
      assert(
        await e.drApi.get(REPLICATION_DESTINATIONS, "shop-dr", "drs-data"),
        "DR left as it was",
      );
      const warning = await eventFor(
        e,
        "shop-to-dr",
        "DataReplicationCleanupIncomplete",
      );
      assertMatch(warning.message, /not ready/);
    } finally {
      await mover.stop();
    }
  }, KEEP_VOLSYNC);
});

Deno.test("cleanup: the finalizer goes once dataReplication is removed and its objects are gone", async () => {
  await withController(async (e) => {
    const mover = await paired(e);
    try {
      await until(
        "finalizer",
        async () =>
          (await finalizers(e))?.includes(FINALIZER_DATA_REPLICATION) ===
            true,
      );
      const { dataReplication: _, ...rest } = DATA_SPEC;
      // The controller's writes race this update: retry on 409.
      await until(
        "spec updated",
        () => standardSetup(e, rest).then(() => true, () => false),
      );
      // (The test's PUT drops the finalizer; the controller puts it back
      // while objects of ours may be left.)
      await until("objects, condition and finalizer gone", async () => {
        const nr = await e.getOwn("NamespaceReplication", "shop-to-dr");
        const status = (nr?.status ?? {}) as Record<string, unknown>;
        return nr !== undefined && await sourceSideGone(e) &&
          conditionOf(status, "DataReplicationReady") === undefined &&
          !nr.metadata.finalizers?.includes(FINALIZER_DATA_REPLICATION);
      });
    } finally {
      await mover.stop();
    }
  }, KEEP_VOLSYNC);
});
