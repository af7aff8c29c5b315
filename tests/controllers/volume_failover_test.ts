/**
 * Failover with replicated volumes, the controller running: promote
 * restores each DR PVC from its latest image before the workloads start
 * (and --dry-run only shows the images), refuses with nothing scaled when an
 * image is missing, cutover runs a final volume sync through VolSync's
 * manual trigger, and demote/failback resume the replication.
 */
import "../../lib/preload.ts";
import type { KubeObject } from "../../lib/sync/types.ts";
import {
  PVCS,
  REPLICATION_DESTINATIONS,
  REPLICATION_SOURCES,
  VOLUME_SNAPSHOTS,
} from "../../lib/volsync/objects.ts";
import { assert, assertEquals, assertMatch } from "../assert.ts";
import { deployment } from "../lib/engine/fixtures.ts";
import {
  cli,
  recordingIo,
  type TwoClusters,
} from "../lib/workflows/fixtures.ts";
import {
  type E2e,
  put,
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
  volume,
} from "./volsync.ts";

type Json = Record<string, unknown>;
const PROMOTE = ["promote", "--kubeconfig", "$DR", "--namespace", "shop-dr"];

function clusters(e: E2e): TwoClusters {
  return { source: e.source, dr: e.dr } as unknown as TwoClusters;
}

async function replicas(e: E2e, name: string): Promise<number> {
  const o = await e.drApi.get(e.type("deployments", "apps"), "shop-dr", name);
  return (o?.spec as { replicas: number }).replicas;
}

/** The pair handshaken and one image transferred; returns the image. */
async function replicating(
  e: E2e,
): Promise<{ mover: FakeMover; image: string }> {
  const mover = await dataSetup(e, [pvc("data")]);
  await put(e, "shop", [deployment("db", 2)]);
  mover.start();
  await standardSetup(e, DATA_SPEC);
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
  const [image] = await mover.transfer("data");
  await until(
    "Synced",
    async () => (await volume(e, "data"))?.phase === "Synced",
  );
  return { mover, image };
}

function dataSourceOf(o: KubeObject | undefined): Json | undefined {
  return (o?.spec as Json | undefined)?.dataSourceRef as Json | undefined;
}

Deno.test("promote: --dry-run shows the image; promote restores the PVC from it, then scales; demote resumes", async () => {
  await withController(async (e) => {
    const { mover, image } = await replicating(e);
    try {
      const dry = await cli(clusters(e), [...PROMOTE, "--dry-run"]);
      assertEquals(dry.code, 0, dry.stderr);
      assertMatch(dry.stdout, new RegExp(`volume data: ${image} \\(.* old\\)`));
      assertEquals(
        dataSourceOf(await e.drApi.get(PVCS, "shop-dr", "data")),
        undefined,
      );
      assertEquals(await replicas(e, "db"), 0);

      const run = await cli(clusters(e), PROMOTE);
      assertEquals(run.code, 0, run.stderr);
      assertMatch(
        run.stdout,
        new RegExp(`volume data: restored from ${image}`),
      );
      const restored = await e.drApi.get(PVCS, "shop-dr", "data");
      assertEquals(dataSourceOf(restored), {
        apiGroup: "snapshot.storage.k8s.io",
        kind: "VolumeSnapshot",
        name: image,
      });
      assertEquals(
        restored?.metadata.annotations?.["drsyncer.io/restored-from"],
        image,
      );
      assertEquals(await replicas(e, "db"), 2);
      const rd = await e.drApi.get(
        REPLICATION_DESTINATIONS,
        "shop-dr",
        "drs-data",
      );
      assertEquals((rd?.spec as Json).paused, true, "destination paused");
      await until("source paused by the controller", async () => {
        const rs = await e.src.get(REPLICATION_SOURCES, "shop", "drs-data");
        return (rs?.spec as Json).paused === true;
      });
      await until(
        "volume Paused",
        async () => (await volume(e, "data"))?.phase === "Paused",
      );
      assertEquals(
        await mover.transfer("data"),
        [],
        "no transfer after failover",
      );

      const again = await cli(clusters(e), PROMOTE);
      assertEquals(again.code, 0, again.stderr);
      assertMatch(again.stdout, /already restored/);

      const demote = await cli(clusters(e), [
        "demote",
        "--kubeconfig",
        "$DR",
        "--namespace",
        "shop-dr",
      ]);
      assertEquals(demote.code, 0, demote.stderr);
      const resumed = await e.drApi.get(
        REPLICATION_DESTINATIONS,
        "shop-dr",
        "drs-data",
      );
      assertEquals((resumed?.spec as Json).paused, undefined);
      await until("source resumed", async () => {
        const rs = await e.src.get(REPLICATION_SOURCES, "shop", "drs-data");
        return (rs?.spec as Json).paused === undefined;
      });
      await until(
        "Synced again",
        async () => (await volume(e, "data"))?.phase === "Synced",
      );
      const kept = await e.drApi.get(PVCS, "shop-dr", "data");
      assertEquals(
        kept?.metadata.uid,
        restored?.metadata.uid,
        "restored PVC kept after demote",
      );
    } finally {
      await mover.stop();
    }
  }, KEEP_VOLSYNC);
});

Deno.test("promote: a missing snapshot refuses with nothing scaled; --force promotes anyway", async () => {
  await withController(async (e) => {
    const { mover, image } = await replicating(e);
    try {
      await e.drApi.remove(VOLUME_SNAPSHOTS, "shop-dr", image);
      const run = await cli(clusters(e), PROMOTE);
      assertEquals(run.code, 1);
      assertMatch(run.stdout, new RegExp(`volume data: ${image} .*not found`));
      assertMatch(
        run.stderr,
        /no usable replicated image \(data\); nothing was changed.*--force/,
      );
      assertEquals(await replicas(e, "db"), 0);
      const ns = await e.drApi.getNamespace("shop-dr");
      assertEquals(
        ns?.metadata.annotations?.["drsyncer.io/promoted"],
        undefined,
      );

      const forced = await cli(clusters(e), [...PROMOTE, "--force"]);
      assertEquals(forced.code, 0, forced.stderr);
      assertMatch(forced.stdout, /volume data: kept as it is/);
      assertEquals(await replicas(e, "db"), 2);
      assertEquals(
        dataSourceOf(await e.drApi.get(PVCS, "shop-dr", "data")),
        undefined,
      );
    } finally {
      await mover.stop();
    }
  }, KEEP_VOLSYNC);
});

Deno.test("cutover: final volume sync through the manual trigger, then promote from the new image; failback undoes", async () => {
  await withController(async (e) => {
    const { mover, image: first } = await replicating(e);
    try {
      const io = recordingIo(false, new Date());
      const run = await cli(clusters(e), [
        "cutover",
        "--from",
        "$SRC",
        "--to",
        "$DR",
        "--namespace",
        "shop:shop-dr",
      ], io); // deno-fmt-ignore
      assertEquals(run.code, 0, run.stderr + run.stdout);
      assertMatch(run.stdout, /final volume sync: done/);
      const rs = await e.src.get(REPLICATION_SOURCES, "shop", "drs-data");
      const manual = ((rs?.spec as Json).trigger as Json).manual;
      assert(typeof manual === "string" && manual.startsWith("cutover-"));
      assertEquals((rs?.status as Json).lastManualSync, manual);
      const restored = await e.drApi.get(PVCS, "shop-dr", "data");
      const from = dataSourceOf(restored)?.name;
      assert(
        from && from !== first,
        `restored from the final image, not ${first}`,
      );
      assertEquals(await replicas(e, "db"), 2);

      const back = await cli(clusters(e), [
        "failback",
        "--from",
        "$SRC",
        "--to",
        "$DR",
        "--namespace",
        "shop:shop-dr",
      ]); // deno-fmt-ignore
      assertEquals(back.code, 0, back.stderr + back.stdout);
      const after = await e.src.get(REPLICATION_SOURCES, "shop", "drs-data");
      assertEquals(((after?.spec as Json).trigger as Json).manual, undefined);
      const rd = await e.drApi.get(
        REPLICATION_DESTINATIONS,
        "shop-dr",
        "drs-data",
      );
      assertEquals((rd?.spec as Json).paused, undefined);
      await until("schedule back", async () => {
        const rs = await e.src.get(REPLICATION_SOURCES, "shop", "drs-data");
        return ((rs?.spec as Json).trigger as Json).schedule === "*/5 * * * *";
      });
    } finally {
      await mover.stop();
    }
  }, KEEP_VOLSYNC);
});

Deno.test("cutover --dry-run: the final volume sync and the restore are planned, nothing is written", async () => {
  await withController(async (e) => {
    const { mover, image } = await replicating(e);
    try {
      mover.servingManual = false;
      const run = await cli(clusters(e), [
        "cutover",
        "--from",
        "$SRC",
        "--to",
        "$DR",
        "--namespace",
        "shop:shop-dr",
        "--dry-run",
      ]); // deno-fmt-ignore
      assertEquals(run.code, 0, run.stderr + run.stdout);
      assertMatch(
        run.stderr,
        new RegExp(`note: volume data: ${image} \\(.* old\\)`),
      );
      assertMatch(run.stdout, /final volume sync.*ReplicationSource.*drs-data/);
      assertMatch(run.stdout, /promote.*PersistentVolumeClaim.*data/);
      const rs = await e.src.get(REPLICATION_SOURCES, "shop", "drs-data");
      assertEquals(((rs?.spec as Json).trigger as Json).manual, undefined);
      assertEquals(
        dataSourceOf(await e.drApi.get(PVCS, "shop-dr", "data")),
        undefined,
      );
      assertEquals(await replicas(e, "db"), 0);
    } finally {
      await mover.stop();
    }
  }, KEEP_VOLSYNC);
});
