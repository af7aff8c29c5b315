import "../../../lib/preload.ts";
import { assertEquals, assertMatch } from "../../assert.ts";
import {
  carriedReport,
  dataReplicationCondition,
  volumeStatus,
  withVolumes,
} from "../../../lib/volsync/status.ts";
import type { KubeObject } from "../../../lib/sync/types.ts";
import type { NamespaceReplicationStatus } from "../../../lib/api/v1alpha1.ts";
import { ANSWERED, drKey, NOW, pair, stored } from "./fixtures.ts";

const LIMITS = {
  now: NOW,
  handshakeTimeoutMs: 300_000,
  rpoThresholdMs: 3_600_000,
};
const RD: KubeObject = {
  apiVersion: "volsync.backube/v1alpha1",
  kind: "ReplicationDestination",
  metadata: { name: "drs-data", namespace: "shop-dr" },
};
const KEYS = pair({
  drKeys: new Map([[
    "volsync-rsync-tls-drs-data",
    drKey("volsync-rsync-tls-drs-data"),
  ]]),
});

function synced(lastSyncTime: string) {
  return stored(RD, {
    ...ANSWERED,
    lastSyncTime,
    lastSyncDuration: "41s",
    latestImage: {
      apiGroup: "snapshot.storage.k8s.io",
      kind: "VolumeSnapshot",
      name: "img-3",
    },
  });
}

Deno.test("volumeStatus: Synced with VolSync's time, duration and image", () => {
  const v = volumeStatus(
    LIMITS,
    KEYS,
    "data",
    undefined,
    synced("2026-12-04T11:50:00Z"),
  );
  assertEquals(v, {
    namespace: "shop",
    pvc: "data",
    destination: "shop-dr",
    phase: "Synced",
    lastSyncTime: "2026-12-04T11:50:00Z",
    lastSyncDuration: "41s",
    latestImage: "img-3",
  });
});

Deno.test("volumeStatus: a transfer older than rpoThreshold is Degraded RPOExceeded", () => {
  const v = volumeStatus(
    LIMITS,
    KEYS,
    "data",
    undefined,
    synced("2026-12-04T10:00:00Z"),
  );
  assertEquals([v.phase, v.reason], ["Degraded", "RPOExceeded"]);
  assertMatch(v.message!, /7200s ago, above rpoThreshold 3600s/);
});

Deno.test("volumeStatus: a handshake that never finishes turns Degraded after the timeout", () => {
  const young = stored(RD, undefined, "2026-12-04T11:59:00Z");
  const old = stored(RD, undefined, "2026-12-04T11:00:00Z");
  assertEquals(
    volumeStatus(LIMITS, KEYS, "data", undefined, young).phase,
    "Pending",
  );
  const v = volumeStatus(LIMITS, KEYS, "data", undefined, old);
  assertEquals([v.phase, v.reason], ["Degraded", "MissingAddress"]);
  const keyless = stored(RD, {
    rsyncTLS: { address: "10.0.0.1", keySecret: "gone" },
  }, "2026-12-04T11:00:00Z");
  const k = volumeStatus(LIMITS, KEYS, "data", undefined, keyless);
  assertEquals([k.phase, k.reason], ["Degraded", "MissingKeySecret"]);
  assertMatch(k.message!, /key Secret gone/);
});

Deno.test("volumeStatus: skipped, paused, and not yet created", () => {
  const skip = { reason: "BlockVolume", message: "block" };
  assertEquals(
    volumeStatus(LIMITS, KEYS, "raw", skip, undefined).phase,
    "Skipped",
  );
  const paused = volumeStatus(
    LIMITS,
    { ...KEYS, promoted: true },
    "data",
    undefined,
    synced("2026-12-04T11:50:00Z"),
  );
  assertEquals([paused.phase, paused.latestImage], ["Paused", "img-3"]);
  assertEquals(
    volumeStatus(LIMITS, KEYS, "data", undefined, undefined).reason,
    "Creating",
  );
});

Deno.test("dataReplicationCondition: True unless a volume is Degraded", () => {
  assertEquals(dataReplicationCondition([]).status, "True");
  const bad = volumeStatus(
    LIMITS,
    KEYS,
    "data",
    undefined,
    synced("2026-12-04T10:00:00Z"),
  );
  const c = dataReplicationCondition([bad]);
  assertEquals([c.status, c.reason], ["False", "RPOExceeded"]);
  assertMatch(c.message!, /^shop\/data: last transfer/);
});

Deno.test("withVolumes: volumes and the condition in status; a Synced phase turns Degraded", () => {
  const base: NamespaceReplicationStatus = {
    phase: "Synced",
    conditions: [{
      type: "Ready",
      status: "True",
      reason: "Synced",
      message: "",
      lastTransitionTime: "2026-12-04T11:00:00Z",
    }],
  };
  const bad = volumeStatus(
    LIMITS,
    KEYS,
    "data",
    undefined,
    synced("2026-12-04T10:00:00Z"),
  );
  const out = withVolumes(
    base,
    {
      volumes: [bad],
      condition: dataReplicationCondition([bad]),
      warnings: [],
    },
    NOW,
    2,
  );
  assertEquals(out.phase, "Degraded");
  assertEquals(out.volumes, [bad]);
  const ready = out.conditions!.find((c) => c.type === "Ready")!;
  assertEquals([ready.status, ready.reason], ["False", "RPOExceeded"]);
  // Off: the condition and volumes go away.
  const off = withVolumes(out, undefined, NOW, 3);
  assertEquals(off.volumes, undefined);
  assertEquals(
    off.conditions!.some((c) => c.type === "DataReplicationReady"),
    false,
  );
  // Carried over a blocked pass unchanged.
  const carried = carriedReport(out)!;
  assertEquals(carried.volumes, [bad]);
  assertEquals(carried.condition?.reason, "RPOExceeded");
  assertEquals(carriedReport(off), undefined);
});

Deno.test("withVolumes: an unchanged report keeps the transition time", () => {
  const ok = volumeStatus(
    LIMITS,
    KEYS,
    "data",
    undefined,
    synced("2026-12-04T11:50:00Z"),
  );
  const report = {
    volumes: [ok],
    condition: dataReplicationCondition([ok]),
    warnings: [],
  };
  const first = withVolumes({ phase: "Synced" }, report, NOW, 1);
  const later = withVolumes(first, report, new Date("2026-12-04T13:00:00Z"), 1);
  assertEquals(later, first);
});
