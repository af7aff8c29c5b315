import "../../../lib/preload.ts";
import { assert, assertEquals } from "../../assert.ts";
import {
  desiredDestination,
  desiredKeySecret,
  desiredSource,
  planVolumes,
  type VolumeAction,
} from "../../../lib/volsync/plan.ts";
import { volumeObjectName } from "../../../lib/volsync/objects.ts";
import type { KubeObject } from "../../../lib/sync/types.ts";
import {
  ANSWERED,
  drKey,
  input,
  OWNER,
  pair,
  pvc,
  stored,
} from "./fixtures.ts";

type Json = Record<string, unknown>;

function ops(actions: VolumeAction[]): string[] {
  return actions.map((a) =>
    `${a.cluster} ${a.op} ${a.object.kind} ${a.object.metadata.name}`
  );
}

/** The world after the whole handshake for PVC "data". */
function handshaken(extra: Json = {}) {
  const p0 = pair({ pvcs: [pvc("data")] });
  const i = input([p0]);
  const rd = stored(desiredDestination(i, p0, pvc("data")), ANSWERED);
  const key = drKey("volsync-rsync-tls-drs-data");
  const ks = stored(desiredKeySecret(i, p0, "data", key));
  const rs = stored(desiredSource(i, p0, "data", ANSWERED.rsyncTLS, undefined));
  return pair({
    pvcs: [pvc("data")],
    destinations: [rd],
    keySecrets: [ks],
    sources: [rs],
    drKeys: new Map([[key.metadata.name, key]]),
    ...extra,
  });
}

Deno.test("planVolumes: first the destination, from the PVC after our mappings", () => {
  const plan = planVolumes(input([pair({ pvcs: [pvc("data")] })]));
  assertEquals(ops(plan.actions), [
    "dr create ReplicationDestination drs-data",
  ]);
  const rd = plan.actions[0].object;
  assertEquals(rd.metadata.namespace, "shop-dr");
  assertEquals(rd.metadata.labels, { "drsyncer.io/replication": OWNER });
  assertEquals(rd.metadata.annotations?.["drsyncer.io/pvc"], "data");
  assertEquals((rd.spec as Json).rsyncTLS, {
    copyMethod: "Snapshot", // DR side always, whatever spec.copyMethod says
    capacity: "5Gi",
    accessModes: ["ReadWriteOnce"],
    storageClassName: "dr-ssd",
    serviceType: "ClusterIP",
  });
  assertEquals(plan.volumes[0].phase, "Pending");
});

Deno.test("planVolumes: nothing on the source until VolSync publishes address and key", () => {
  const p0 = pair({ pvcs: [pvc("data")] });
  const rd = stored(desiredDestination(input([p0]), p0, pvc("data")));
  const waiting = planVolumes(input([pair({ ...p0, destinations: [rd] })]));
  assertEquals(ops(waiting.actions), []);
  assertEquals(waiting.volumes[0].reason, "AwaitingAddress");
  // Address and key named, but the key Secret is not there yet.
  const named = stored(rd, ANSWERED);
  const noKey = planVolumes(input([pair({ ...p0, destinations: [named] })]));
  assertEquals(ops(noKey.actions), []);
  assertEquals(noKey.volumes[0].reason, "AwaitingKeySecret");
});

Deno.test("planVolumes: then the key copy and the ReplicationSource, in the PVC's own namespace", () => {
  const p0 = pair({ pvcs: [pvc("data")] });
  const rd = stored(desiredDestination(input([p0]), p0, pvc("data")), ANSWERED);
  const key = drKey("volsync-rsync-tls-drs-data");
  const plan = planVolumes(input([pair({
    ...p0,
    destinations: [rd],
    drKeys: new Map([[key.metadata.name, key]]),
  })]));
  assertEquals(ops(plan.actions), [
    "source create Secret drs-data-key",
    "source create ReplicationSource drs-data",
  ]);
  const [secret, rs] = plan.actions.map((a) => a.object);
  assertEquals(secret.metadata.namespace, "shop");
  assertEquals(secret.data, key.data);
  assertEquals(
    secret.metadata.labels?.["drsyncer.io/data-replication-key"],
    "true",
  );
  assertEquals(rs.metadata.namespace, "shop");
  assertEquals(rs.spec, {
    sourcePVC: "data",
    trigger: { schedule: "*/10 * * * *" },
    rsyncTLS: {
      address: "10.96.7.1",
      port: 8000,
      keySecret: "drs-data-key",
      copyMethod: "Clone",
    },
  });
  assertEquals(plan.volumes[0].phase, "Syncing");
});

Deno.test("planVolumes: a finished handshake needs no write; drift is reverted", () => {
  assertEquals(planVolumes(input([handshaken()])).actions, []);
  const p = handshaken();
  const rs = p.sources[0];
  const drifted = {
    ...rs,
    spec: { ...(rs.spec as Json), trigger: { schedule: "@daily" } },
  };
  const plan = planVolumes(input([{ ...p, sources: [drifted] }]));
  assertEquals(ops(plan.actions), ["source update ReplicationSource drs-data"]);
  assertEquals(plan.actions[0].object.metadata.resourceVersion, "7");
  // A rotated key on the DR side is copied again.
  const rotated = drKey("volsync-rsync-tls-drs-data");
  rotated.data = { "psk.txt": "bmV3" };
  const again = planVolumes(input([{
    ...p,
    drKeys: new Map([[rotated.metadata.name, rotated]]),
  }]));
  assertEquals(ops(again.actions), ["source update Secret drs-data-key"]);
});

Deno.test("planVolumes: a cutover's manual trigger is kept", () => {
  const p = handshaken();
  const rs = p.sources[0];
  const manual = {
    ...rs,
    spec: { ...(rs.spec as Json), trigger: { manual: "cutover-1" } },
  };
  assertEquals(planVolumes(input([{ ...p, sources: [manual] }])).actions, []);
});

Deno.test("planVolumes: a promoted DR namespace gets no write; the source is paused", () => {
  const plan = planVolumes(input([handshaken({ promoted: true })]));
  assertEquals(ops(plan.actions), ["source update ReplicationSource drs-data"]);
  assertEquals((plan.actions[0].object.spec as Json).paused, true);
  assertEquals(plan.volumes[0].phase, "Paused");
  const paused = planVolumes(input([{
    ...handshaken({ promoted: true }),
    sources: [plan.actions[0].object],
  }]));
  assertEquals(paused.actions, []);
  // Nothing new is created for a promoted namespace either.
  const fresh = planVolumes(
    input([pair({ pvcs: [pvc("x")], promoted: true })]),
  );
  assertEquals(fresh.actions, []);
});

Deno.test("planVolumes: Block and sizeless PVCs are skipped with a reason; the selector filters", () => {
  const plan = planVolumes(input([pair({
    pvcs: [
      pvc("raw", { volumeMode: "Block" }),
      pvc("nosize", { resources: {} }),
      pvc("other", {}, { tier: "cache" }),
    ],
  })], {
    spec: {
      selector: {
        matchExpressions: [{
          key: "tier",
          operator: "NotIn",
          values: ["cache"],
        }],
      },
    },
  }));
  assertEquals(ops(plan.actions), []);
  assertEquals(
    plan.volumes.map((v) => [v.pvc, v.phase, v.reason]),
    [["raw", "Skipped", "BlockVolume"], ["nosize", "Skipped", "NoCapacity"]],
  );
});

Deno.test("planVolumes: a PVC gone: source pair deleted; DR data only with prune", () => {
  const gone = handshaken({ pvcs: [] });
  assertEquals(ops(planVolumes(input([gone])).actions), [
    "source delete ReplicationSource drs-data",
    "source delete Secret drs-data-key",
    "dr delete ReplicationDestination drs-data",
  ]);
  assertEquals(ops(planVolumes(input([gone], { prune: false })).actions), [
    "source delete ReplicationSource drs-data",
    "source delete Secret drs-data-key",
  ]);
  assertEquals(planVolumes(input([gone])).volumes, []);
});

Deno.test("planVolumes: dataReplication off deletes ours; a missing source namespace deletes nothing", () => {
  const off = planVolumes(input([handshaken()], { spec: undefined }));
  assertEquals(off.actions.map((a) => a.op), ["delete", "delete", "delete"]);
  assertEquals(off.volumes, []);
  const missing = planVolumes(
    input([handshaken({ pvcs: [], sourceMissing: true })]),
  );
  assertEquals(missing.actions, []);
});

Deno.test("planVolumes: a PVC being deleted keeps its pair and gets nothing new", () => {
  const p = handshaken();
  const deleting: KubeObject = {
    ...p.pvcs[0],
    metadata: {
      ...p.pvcs[0].metadata,
      deletionTimestamp: "2026-12-04T11:00:00Z",
    },
  };
  const plan = planVolumes(input([{ ...p, pvcs: [deleting] }]));
  assertEquals(plan.actions, []);
});

Deno.test("volumeObjectName: long PVC names are shortened, stably and distinctly", () => {
  assertEquals(volumeObjectName("data"), "drs-data");
  const a = volumeObjectName("x".repeat(60) + "-a");
  const b = volumeObjectName("x".repeat(60) + "-b");
  assert(a.length <= 41 && b.length <= 41, a);
  assert(a !== b);
  assertEquals(a, volumeObjectName("x".repeat(60) + "-a"));
  assert(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(a), a);
});

Deno.test("planVolumes: only the destination's own key, and only its psk.txt, is copied", () => {
  const p0 = pair({ pvcs: [pvc("data")] });
  const rd = stored(desiredDestination(input([p0]), p0, pvc("data")), {
    rsyncTLS: { address: "10.96.7.1", keySecret: "db-password" },
  });
  const foreign = {
    ...drKey("db-password"),
    data: { "psk.txt": "eA==", password: "cA==" },
  };
  const world = (key: KubeObject) =>
    input([
      pair({
        ...p0,
        destinations: [rd],
        drKeys: new Map([[key.metadata.name, key]]),
      }),
    ]);
  // Named by the status, but neither owned by the destination nor VolSync's name.
  const refused = planVolumes(world(foreign));
  assertEquals(ops(refused.actions), []);
  assertEquals(refused.volumes[0].reason, "AwaitingKeySecret");
  // Owned by the destination: copied, without its other entries.
  const owned = {
    ...foreign,
    metadata: {
      ...foreign.metadata,
      ownerReferences: [{
        apiVersion: "volsync.backube/v1alpha1",
        kind: "ReplicationDestination",
        name: "drs-data",
        uid: rd.metadata.uid!,
      }],
    },
  };
  const copied = planVolumes(world(owned));
  assertEquals(ops(copied.actions), [
    "source create Secret drs-data-key",
    "source create ReplicationSource drs-data",
  ]);
  assertEquals(copied.actions[0].object.data, { "psk.txt": "eA==" });
});
