import "../../../../lib/preload.ts";
import { assert, assertEquals } from "../../../assert.ts";
import type { KubeObject } from "../../../../lib/sync/types.ts";
import { anObject, copy, specOf } from "./builders.ts";

const UID = "5f1c-uid";
const ORIGINAL_SUSPEND = "drsyncer.io/original-suspend";

/** A Job as the API server returns it (generated selector and labels). */
function aJob(extra: Record<string, unknown> = {}): KubeObject {
  return anObject("batch/v1", "Job", {
    name: "migrate",
    spec: {
      selector: { matchLabels: { "batch.kubernetes.io/controller-uid": UID } },
      template: {
        metadata: {
          labels: {
            app: "migrate",
            "controller-uid": UID,
            "batch.kubernetes.io/controller-uid": UID,
            "job-name": "migrate",
            "batch.kubernetes.io/job-name": "migrate",
          },
        },
        spec: { restartPolicy: "Never", containers: [] },
      },
      ...extra,
    },
  });
}

function aCronJob(
  suspend?: boolean,
  annotations: Record<string, string> = {},
): KubeObject {
  const spec: Record<string, unknown> = { schedule: "0 * * * *" };
  if (suspend !== undefined) spec.suspend = suspend;
  return anObject("batch/v1", "CronJob", { annotations, spec });
}

Deno.test("job: generated selector and template labels dropped", () => {
  const spec = specOf(copy(aJob(), { scaleToZero: false }).object);
  assertEquals(spec.selector, undefined);
  assertEquals(spec.template.metadata.labels, { app: "migrate" });
});

Deno.test("job: manualSelector keeps selector and labels", () => {
  const src = aJob({ manualSelector: true });
  const spec = specOf(copy(src, { scaleToZero: false }).object);
  assertEquals(spec.selector, specOf(src).selector);
  assertEquals(
    spec.template.metadata.labels,
    specOf(src).template.metadata.labels,
  );
});

Deno.test("job: template without labels is fine", () => {
  const src = aJob({ template: { spec: { containers: [] } } });
  const { object, warnings } = copy(src);
  assertEquals(specOf(object).template, { spec: { containers: [] } });
  assertEquals(warnings, []);
});

interface SuspendCase {
  name: string;
  source: KubeObject;
  scaleToZero: boolean;
  suspend: boolean | undefined;
  remembered: string | undefined;
  warns?: boolean;
}

const suspendCases: SuspendCase[] = [
  {
    name: "cronjob: suspended on standby, source value remembered",
    source: aCronJob(),
    scaleToZero: true,
    suspend: true,
    remembered: "false",
  },
  {
    name: "cronjob: already suspended source remembered as true",
    source: aCronJob(true),
    scaleToZero: true,
    suspend: true,
    remembered: "true",
  },
  {
    name: "cronjob: scaleToZero false copies it as-is",
    source: aCronJob(false),
    scaleToZero: false,
    suspend: false,
    remembered: undefined,
  },
  {
    name: "cronjob: override 'source' keeps it scheduled",
    source: aCronJob(undefined, { "drsyncer.io/scale-override": "source" }),
    scaleToZero: true,
    suspend: undefined,
    remembered: undefined,
  },
  {
    name: "cronjob: parked source copied to run is unsuspended",
    source: aCronJob(true, { [ORIGINAL_SUSPEND]: "false" }),
    scaleToZero: false,
    suspend: false,
    remembered: undefined,
  },
  {
    name: "cronjob: malformed remembered value warns, uses live value",
    source: aCronJob(true, { [ORIGINAL_SUSPEND]: "maybe" }),
    scaleToZero: true,
    suspend: true,
    remembered: "true",
    warns: true,
  },
  {
    name: "job: suspended on standby too",
    source: aJob(),
    scaleToZero: true,
    suspend: true,
    remembered: "false",
  },
];

for (const c of suspendCases) {
  Deno.test(c.name, () => {
    const { object, warnings } = copy(c.source, { scaleToZero: c.scaleToZero });
    assertEquals(specOf(object).suspend, c.suspend);
    assertEquals(object.metadata.annotations?.[ORIGINAL_SUSPEND], c.remembered);
    assert(
      c.warns ? warnings.length === 1 : warnings.length === 0,
      warnings.join(),
    );
  });
}
