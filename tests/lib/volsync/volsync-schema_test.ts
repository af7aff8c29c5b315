/**
 * What we write into VolSync's objects, and what the fake mover writes into
 * their status, against VolSync's own CRD schemas (tests/fixtures/volsync,
 * v0.14.0): kube-sim does not validate custom resources, a real API server
 * does, so this is what stands between the tests and a rejected write.
 */
import "../../../lib/preload.ts";
import { parse } from "yaml";
import { assertEquals } from "../../assert.ts";
import type { CrdManifest } from "../../../crds/mod.ts";
import {
  desiredDestination,
  desiredSource,
} from "../../../lib/volsync/plan.ts";
import { restoredPvc } from "../../../lib/volsync/restore.ts";
import { Ajv } from "ajv";
import { rootSchema, toAjvSchema } from "../../crds/schema.ts";
import { ANSWERED, input, pair, pvc } from "./fixtures.ts";

function crd(file: string): CrdManifest {
  const url = new URL(`../../fixtures/volsync/${file}`, import.meta.url);
  return parse(Deno.readTextFileSync(url)) as CrdManifest;
}

/**
 * Schema only (VolSync's CEL rules are outside our evaluator's subset), not
 * strict: its int-or-string quantities carry a pattern without a type.
 */
function validatorOf(file: string) {
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addFormat("date-time", /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
  ajv.addFormat("int32", true);
  ajv.addFormat("int64", true);
  const check = ajv.compile(toAjvSchema(rootSchema(crd(file))));
  return (obj: unknown) => {
    const ok = check(structuredClone(obj));
    return {
      errors: ok
        ? []
        : (check.errors ?? []).map((e) =>
          `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`
        ),
    };
  };
}

const validateRD = validatorOf("volsync.backube_replicationdestinations.yaml");
const validateRS = validatorOf("volsync.backube_replicationsources.yaml");
const TIME = "2026-12-04T12:00:00Z";

Deno.test("VolSync schema: our ReplicationDestination, with the status VolSync reports", () => {
  const p = pair({ pvcs: [pvc("data")] });
  const rd = desiredDestination(
    input([p], {
      spec: { volumeSnapshotClassName: "snap", serviceType: "LoadBalancer" },
    }),
    p,
    pvc("data"),
  );
  assertEquals(validateRD(rd).errors, []);
  const reported = {
    ...rd,
    spec: { ...(rd.spec as object), paused: true },
    status: {
      ...ANSWERED,
      lastSyncTime: TIME,
      lastSyncDuration: "41s",
      latestImage: {
        apiGroup: "snapshot.storage.k8s.io",
        kind: "VolumeSnapshot",
        name: "img",
      },
    },
  };
  assertEquals(validateRD(reported).errors, []);
});

Deno.test("VolSync schema: our ReplicationSource, scheduled, manual and paused", () => {
  const p = pair({ pvcs: [pvc("data")] });
  for (const schedule of ["*/10 * * * *", "@hourly", "0 3 * * 1-5"]) {
    const rs = desiredSource(
      input([p], { spec: { schedule, volumeSnapshotClassName: "snap" } }),
      p,
      "data",
      ANSWERED.rsyncTLS,
      undefined,
    );
    assertEquals(validateRS(rs).errors, [], schedule);
  }
  const promoted = pair({ pvcs: [pvc("data")], promoted: true });
  const paused = desiredSource(
    input([promoted]),
    promoted,
    "data",
    ANSWERED.rsyncTLS,
    undefined,
  );
  const manual = {
    ...paused,
    spec: { ...(paused.spec as object), trigger: { manual: "cutover-1" } },
    status: {
      lastSyncTime: TIME,
      lastSyncDuration: "3s",
      lastManualSync: "cutover-1",
    },
  };
  assertEquals(validateRS(manual).errors, []);
  // The check bites: an unknown field and a schedule VolSync refuses.
  const bad = {
    ...paused,
    spec: {
      ...(paused.spec as object),
      trigger: { schedule: "every hour" },
      extra: 1,
    },
  };
  assertEquals(validateRS(bad).errors.length, 2, validateRS(bad).errors.join());
});

Deno.test("restoredPvc refers to the snapshot as the PVC API expects", () => {
  const spec = restoredPvc(pvc("data"), "img").spec as Record<string, unknown>;
  // dataSource and dataSourceRef must agree when both are set.
  assertEquals(spec.dataSource, spec.dataSourceRef);
});
