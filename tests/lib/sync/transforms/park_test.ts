import "../../../../lib/preload.ts";
import { assertEquals } from "../../../assert.ts";
import {
  isParkable,
  parkCopy,
  toDrCopy,
  unparkCopy,
} from "../../../../lib/sync/transform.ts";
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

const HONOUR = { honourOverride: true };
const IGNORE = { honourOverride: false };

/** Running workloads of every parkable kind. */
const workloads: [string, () => KubeObject][] = [
  ["deployment", () => aDeployment(3)],
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
    "job",
    () =>
      anObject("batch/v1", "Job", { spec: { template: {}, suspend: false } }),
  ],
];

for (const [name, build] of workloads) {
  Deno.test(`park: running ${name} gets the spec a sync parks it with`, () => {
    const live = deepFreeze(build());
    const { object, warnings } = parkCopy(live, HONOUR);
    assertEquals(object.spec, toDrCopy(live, options()).object.spec);
    assertEquals(object.metadata.name, live.metadata.name);
    assertEquals(warnings, []);
  });

  Deno.test(`park: parked ${name} is left as it is, unpark undoes it`, () => {
    const parked = parkCopy(build(), HONOUR).object;
    assertEquals(parkCopy(parked, HONOUR).object, parked);
    assertEquals(unparkCopy(parked).object.spec, build().spec);
  });
}

Deno.test("park: keeps metadata such as resourceVersion for the write-back", () => {
  const live = aDeployment(2);
  live.metadata.resourceVersion = "42";
  live.metadata.labels = { "drsyncer.io/replication": "x.y", app: "web" };
  const parked = parkCopy(live, HONOUR).object;
  assertEquals(parked.metadata.resourceVersion, "42");
  assertEquals(parked.metadata.labels, live.metadata.labels);
  assertEquals(
    parked.metadata.annotations?.["drsyncer.io/original-replicas"],
    "2",
  );
});

const overrideCases = [
  { name: "standby honours the override", opts: HONOUR, replicas: 1 },
  { name: "a handed-over source stops completely", opts: IGNORE, replicas: 0 },
];

for (const c of overrideCases) {
  Deno.test(`park: scale-override: ${c.name}`, () => {
    const live = aDeployment(4, { "drsyncer.io/scale-override": "1" });
    const parked = parkCopy(live, c.opts).object;
    assertEquals(specOf(parked).replicas, c.replicas);
    assertEquals(
      parked.metadata.annotations?.["drsyncer.io/original-replicas"],
      "4",
    );
    assertEquals(
      parked.metadata.annotations?.["drsyncer.io/scale-override"],
      "1",
      "the annotation itself is kept",
    );
  });
}

Deno.test("park: other kinds are not parkable and come back unchanged", () => {
  const cm = anObject("v1", "ConfigMap");
  assertEquals(isParkable(cm), false);
  assertEquals(isParkable(aDeployment(1)), true);
  assertEquals(parkCopy(deepFreeze(cm), HONOUR).object, cm);
});
