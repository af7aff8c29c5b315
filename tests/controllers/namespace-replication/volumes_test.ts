import "../../../lib/preload.ts";
import { assertEquals } from "../../assert.ts";
import {
  FIRST_SYNC_POLL_MS,
  HANDSHAKE_POLL_MS,
  volumeDue,
} from "../../../controllers/namespace-replication/volumes.ts";
import type { VolumeStatus } from "../../../lib/api/v1alpha1.ts";

const v = (phase: VolumeStatus["phase"]): VolumeStatus => ({
  namespace: "shop",
  pvc: "data",
  phase,
});

Deno.test("volumeDue: polls while VolSync has to answer, else keeps the resync", () => {
  const now = 1_000_000;
  const resync = now + 600_000;
  const report = (phase: VolumeStatus["phase"], writes = 0) => ({
    volumes: [v(phase)],
    warnings: [],
    writes,
  });
  assertEquals(volumeDue(resync, undefined, now), resync);
  assertEquals(volumeDue(resync, report("Synced"), now), resync);
  assertEquals(volumeDue(resync, report("Degraded"), now), resync);
  assertEquals(
    volumeDue(resync, report("Pending"), now),
    now + HANDSHAKE_POLL_MS,
  );
  assertEquals(
    volumeDue(resync, report("Synced", 1), now),
    now + HANDSHAKE_POLL_MS,
  );
  assertEquals(
    volumeDue(resync, report("Syncing"), now),
    now + FIRST_SYNC_POLL_MS,
  );
  assertEquals(volumeDue(now + 1_000, report("Syncing"), now), now + 1_000);
  assertEquals(
    volumeDue(undefined, report("Pending"), now),
    now + HANDSHAKE_POLL_MS,
  );
});
