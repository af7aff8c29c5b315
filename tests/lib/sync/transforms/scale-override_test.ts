import "../../../../lib/preload.ts";
import { assertEquals, assertMatch } from "../../../assert.ts";
import {
  type ScaleOverride,
  scaleOverrideOf,
} from "../../../../lib/sync/transforms/scale-override.ts";
import { parkCopy } from "../../../../lib/sync/transforms/park.ts";
import type { KubeObject } from "../../../../lib/sync/types.ts";
import { aDeployment, copy, specOf } from "./builders.ts";

const OURS = "drsyncer.io/scale-override";
const LEGACY = "dr-syncer.io/scale-override";

function withMeta(
  labels: Record<string, string>,
  annotations: Record<string, string>,
): KubeObject {
  const d = aDeployment(4, annotations);
  d.metadata.labels = { app: "web", ...labels };
  return d;
}

const cases: {
  name: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  want: ScaleOverride;
  warning?: RegExp;
}[] = [
  { name: "nothing set", want: { kind: "none" } },
  {
    name: "our annotation, a count",
    annotations: { [OURS]: "2" },
    want: { kind: "count", replicas: 2 },
  },
  {
    name: "our label, a count",
    labels: { [OURS]: "2" },
    want: { kind: "count", replicas: 2 },
  },
  {
    name: "our label, source",
    labels: { [OURS]: "source" },
    want: { kind: "source" },
  },
  {
    name: "our label, malformed: ignored with a warning",
    labels: { [OURS]: "true" },
    want: { kind: "none" },
    warning: /ignored malformed drsyncer\.io\/scale-override "true"/,
  },
  {
    name: "our annotation wins over our label",
    annotations: { [OURS]: "1" },
    labels: { [OURS]: "3" },
    want: { kind: "count", replicas: 1 },
  },
  {
    name: "legacy label, a count",
    labels: { [LEGACY]: "3" },
    want: { kind: "count", replicas: 3 },
  },
  {
    name: "legacy label, 0 parks",
    labels: { [LEGACY]: "0" },
    want: { kind: "count", replicas: 0 },
  },
  {
    name: "legacy label 'true' keeps the source count, no warning",
    labels: { [LEGACY]: "true" },
    want: { kind: "source" },
  },
  {
    name: "legacy label, any non-integer keeps the source count",
    labels: { [LEGACY]: "yes" },
    want: { kind: "source" },
  },
  {
    name: "legacy annotation accepted too",
    annotations: { [LEGACY]: "true" },
    want: { kind: "source" },
  },
  {
    name: "ours wins over the legacy alias",
    labels: { [OURS]: "1", [LEGACY]: "true" },
    want: { kind: "count", replicas: 1 },
  },
];

for (const c of cases) {
  Deno.test(`scaleOverrideOf: ${c.name}`, () => {
    const warnings: string[] = [];
    const got = scaleOverrideOf(
      withMeta(c.labels ?? {}, c.annotations ?? {}),
      warnings,
    );
    assertEquals(got, c.want);
    if (c.warning) {
      assertEquals(warnings.length, 1);
      assertMatch(warnings[0], c.warning);
    } else assertEquals(warnings, []);
  });
}

Deno.test("copy: a legacy 'true' label runs the source count on DR", () => {
  const { object } = copy(withMeta({ [LEGACY]: "true" }, {}));
  assertEquals(specOf(object).replicas, 4);
  assertEquals(object.metadata.labels?.[LEGACY], "true", "label is kept");
});

Deno.test("copy: our label as a count", () => {
  const { object } = copy(withMeta({ [OURS]: "2" }, {}));
  assertEquals(specOf(object).replicas, 2);
});

Deno.test("park: a handed-over source stops whatever label overrides it", () => {
  const overrides: Record<string, string>[] = [{ [OURS]: "2" }, {
    [LEGACY]: "true",
  }];
  for (const labels of overrides) {
    const live = withMeta(labels, {});
    const parked = parkCopy(live, { honourOverride: false }).object;
    assertEquals(specOf(parked).replicas, 0);
    assertEquals(parked.metadata.labels, live.metadata.labels, "kept");
  }
  const standby = parkCopy(withMeta({ [LEGACY]: "true" }, {}), {
    honourOverride: true,
  }).object;
  assertEquals(specOf(standby).replicas, 4);
});
