import "../../../lib/preload.ts";
import { assert, assertEquals, assertMatch } from "../../assert.ts";
import {
  describeImage,
  isRestoredFrom,
  judgeImage,
  refusal,
  restoredPvc,
} from "../../../lib/volsync/restore.ts";
import type { KubeObject } from "../../../lib/sync/types.ts";
import { NOW, pvc, stored } from "./fixtures.ts";

const RD = stored({
  apiVersion: "volsync.backube/v1alpha1",
  kind: "ReplicationDestination",
  metadata: { name: "drs-data", namespace: "shop-dr" },
});

function snapshot(
  ready: boolean | undefined,
  at = "2026-12-04T11:30:00Z",
): KubeObject {
  return {
    apiVersion: "snapshot.storage.k8s.io/v1",
    kind: "VolumeSnapshot",
    metadata: { name: "img-3", namespace: "shop-dr" },
    status: { readyToUse: ready, creationTime: at },
  };
}

Deno.test("judgeImage: usable, missing, not ready, none yet", () => {
  const ok = judgeImage("data", RD, "img-3", snapshot(true), NOW);
  assertEquals(ok, {
    pvc: "data",
    destination: "drs-data",
    image: "img-3",
    ageMs: 1_800_000,
  });
  assertEquals(describeImage(ok), "volume data: img-3 (30m0s old)");
  assertMatch(
    judgeImage("data", RD, "img-3", undefined, NOW).problem!,
    /img-3 not found/,
  );
  assertMatch(
    judgeImage("data", RD, "img-3", snapshot(false), NOW).problem!,
    /not ready/,
  );
  const none = judgeImage("data", RD, undefined, undefined, NOW);
  assertMatch(
    describeImage(none),
    /volume data: no image: no replicated image yet/,
  );
});

Deno.test("refusal: any unusable image stops promote unless forced", () => {
  const ok = judgeImage("a", RD, "img-3", snapshot(true), NOW);
  const bad = judgeImage("b", RD, "img-9", undefined, NOW);
  assertEquals(refusal([ok], false), undefined);
  assertMatch(
    refusal([ok, bad], false)!,
    /1 volume\(s\) .*\(b\); nothing was changed/,
  );
  assertEquals(refusal([ok, bad], true), undefined);
  assertEquals(refusal([], false), undefined);
});

Deno.test("restoredPvc: same claim, unbound, its data from the snapshot", () => {
  const live = stored({
    ...pvc("data", { volumeName: "pv-1" }),
    metadata: {
      name: "data",
      namespace: "shop-dr",
      labels: { "drsyncer.io/replication": "x.y" },
      annotations: { a: "b" },
      finalizers: ["kubernetes.io/pvc-protection"],
    },
  });
  const next = restoredPvc(live, "img-3");
  const ref = {
    apiGroup: "snapshot.storage.k8s.io",
    kind: "VolumeSnapshot",
    name: "img-3",
  };
  assertEquals(next.metadata, {
    name: "data",
    namespace: "shop-dr",
    labels: { "drsyncer.io/replication": "x.y" },
    annotations: { a: "b", "drsyncer.io/restored-from": "img-3" },
  });
  const spec = next.spec as Record<string, unknown>;
  assertEquals(spec.dataSourceRef, ref);
  assertEquals(spec.dataSource, ref);
  assertEquals(spec.volumeName, undefined);
  assertEquals((spec.resources as { requests: unknown }).requests, {
    storage: "5Gi",
  });
  assert(isRestoredFrom(next, "img-3"));
  assert(!isRestoredFrom(live, "img-3"));
});
