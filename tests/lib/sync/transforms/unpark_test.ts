import "../../../../lib/preload.ts";
import { assert, assertEquals } from "../../../assert.ts";
import { toDrCopy, unparkCopy } from "../../../../lib/sync/transform.ts";
import type { KubeObject } from "../../../../lib/sync/types.ts";
import {
  aDaemonSet,
  aDeployment,
  anObject,
  aStatefulSet,
  deepFreeze,
  options,
  specOf,
} from "./builders.ts";

/**
 * Workloads of every parkable kind, without overrides, as the API server
 * returns them (it defaults `suspend: false`, and unpark restores that).
 */
const workloads: [string, () => KubeObject][] = [
  ["deployment", () => aDeployment(3)],
  ["deployment without replicas", () => aDeployment()],
  ["statefulset", () => aStatefulSet(2)],
  ["daemonset with selector", () => aDaemonSet({ disk: "ssd" })],
  ["daemonset without selector", () => aDaemonSet()],
  [
    "cronjob",
    () =>
      anObject("batch/v1", "CronJob", {
        spec: { schedule: "@daily", suspend: false },
      }),
  ],
  [
    "suspended cronjob",
    () =>
      anObject("batch/v1", "CronJob", {
        spec: { schedule: "@daily", suspend: true },
      }),
  ],
  [
    "job",
    () =>
      anObject("batch/v1", "Job", { spec: { template: {}, suspend: false } }),
  ],
];

for (const [name, build] of workloads) {
  Deno.test(`unpark: parked ${name} runs like a running copy`, () => {
    const parked = deepFreeze(toDrCopy(build(), options()).object);
    const running = toDrCopy(build(), options({ scaleToZero: false })).object;
    const { object, warnings } = unparkCopy(parked);
    assertEquals(object.spec, running.spec);
    assertEquals(warnings, []);
  });
}

Deno.test("unpark: override copies go to the original count", () => {
  const src = aDeployment(5, { "drsyncer.io/scale-override": "1" });
  const parked = toDrCopy(src, options()).object;
  assertEquals(specOf(parked).replicas, 1);
  assertEquals(specOf(unparkCopy(parked).object).replicas, 5);
});

Deno.test("unpark: metadata kept so demote can park again", () => {
  const parked = toDrCopy(aDaemonSet({ disk: "ssd" }), options()).object;
  const active = unparkCopy(parked).object;
  assertEquals(active.metadata.labels, parked.metadata.labels);
  const again = toDrCopy(active, options()).object;
  assertEquals(again.spec, parked.spec);
});

Deno.test("unpark: malformed original-replicas warns, keeps replicas", () => {
  const parked = toDrCopy(aDeployment(3), options()).object;
  parked.metadata.annotations!["drsyncer.io/original-replicas"] = "lots";
  const { object, warnings } = unparkCopy(parked);
  assertEquals(specOf(object).replicas, 0);
  assert(warnings[0].includes("original-replicas"));
});

Deno.test("unpark: other kinds and odd input come back unchanged", () => {
  const cm = anObject("v1", "ConfigMap");
  assertEquals(unparkCopy(deepFreeze(cm)).object, cm);
  const odd = unparkCopy({ kind: "X" } as unknown as KubeObject);
  assertEquals(odd.object as unknown, { kind: "X" });
  assertEquals(odd.warnings.length, 1);
});
