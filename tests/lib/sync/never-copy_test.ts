import "../../../lib/preload.ts";
import { assert } from "../../assert.ts";
import { isNeverCopy } from "../../../lib/sync/never-copy.ts";

Deno.test("isNeverCopy: VolSync objects and VolumeSnapshots belong to one cluster", () => {
  for (
    const [group, resource] of [
      ["volsync.backube", "replicationsources"],
      ["volsync.backube", "replicationdestinations"],
      ["snapshot.storage.k8s.io", "volumesnapshots"],
      ["snapshot.storage.k8s.io", "volumesnapshotcontents"],
    ]
  ) assert(isNeverCopy({ group, resource }), `${resource}.${group}`);
  assert(!isNeverCopy({ group: "", resource: "persistentvolumeclaims" }));
});
