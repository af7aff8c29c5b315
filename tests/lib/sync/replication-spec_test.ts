import "../../../lib/preload.ts";
import { assertEquals } from "../../assert.ts";
import type { NamespaceReplicationSpec } from "../../../lib/api/v1alpha1.ts";
import {
  copyOptionsFor,
  resolveSpec,
} from "../../../lib/sync/replication-spec.ts";
import { options, OWNER } from "./transforms/builders.ts";

const target = { destinationNamespace: "shop-dr", ownerValue: OWNER };
const REFS = {
  remoteClusterRef: { name: "dr-east" },
  namespaceMappingRefs: [{ name: "shop" }],
};

Deno.test("resolveSpec: every default of an empty spec, no problems", () => {
  assertEquals(resolveSpec(REFS), {
    spec: {
      remoteClusterName: "dr-east",
      namespaceMappingNames: ["shop"],
      mode: "Continuous",
      schedule: "",
      resyncMs: 600_000,
      suspend: false,
      resourceTypes: { include: ["*"], exclude: [] },
      selector: undefined,
      copy: {
        scaleToZero: true,
        preserveNodePorts: true,
        storageClassMappings: [],
        accessModeMappings: [],
        ingressHostRewrites: [],
        ingressClassMappings: [],
      },
      immutableFieldPolicy: "Recreate",
      conflictPolicy: "Abort",
      prune: true,
      pruneSafety: {
        delayMs: 60_000,
        maxDeleteFraction: 0.25,
        minObjects: 5,
        maxDeletesPerHour: 50,
      },
    },
    problems: [],
  });
});

Deno.test("resolveSpec: given values win over defaults", () => {
  const { spec, problems } = resolveSpec({
    ...REFS,
    mode: "Scheduled",
    schedule: "@hourly",
    resyncInterval: "90s",
    suspend: true,
    conflictPolicy: "Adopt",
    immutableFieldPolicy: "Skip",
    prune: false,
    pruneSafety: {
      delay: "2m",
      maxDeleteFraction: 0.5,
      minObjects: 1,
      maxDeletesPerHour: 7,
    },
  });
  assertEquals(problems, []);
  assertEquals(
    [spec.mode, spec.schedule, spec.resyncMs, spec.suspend],
    ["Scheduled", "@hourly", 90_000, true],
  );
  assertEquals(
    [spec.conflictPolicy, spec.immutableFieldPolicy, spec.prune],
    ["Adopt", "Skip", false],
  );
  assertEquals(spec.pruneSafety, {
    delayMs: 120_000,
    maxDeleteFraction: 0.5,
    minObjects: 1,
    maxDeletesPerHour: 7,
  });
});

// A bad resyncInterval used to become 10m in silence while a bad prune delay
// was InvalidSpec; both are problems now (and keep a usable value).
const BAD_DURATIONS: {
  spec: Partial<NamespaceReplicationSpec>;
  field: string;
  resyncMs: number;
  delayMs: number;
}[] = [
  {
    spec: { resyncInterval: "0s" },
    field: "spec.resyncInterval: must be greater than zero",
    resyncMs: 600_000,
    delayMs: 60_000,
  },
  {
    spec: { resyncInterval: "ten minutes" },
    field: "spec.resyncInterval: invalid duration",
    resyncMs: 600_000,
    delayMs: 60_000,
  },
  {
    spec: { pruneSafety: { delay: "soon" } },
    field: "spec.pruneSafety.delay: invalid duration",
    resyncMs: 600_000,
    delayMs: Number.POSITIVE_INFINITY,
  },
];

for (const c of BAD_DURATIONS) {
  Deno.test(`resolveSpec: ${JSON.stringify(c.spec)} is a problem`, () => {
    const { spec, problems } = resolveSpec({ ...REFS, ...c.spec });
    assertEquals(problems.length, 1);
    assertEquals(problems[0].startsWith(c.field), true, problems[0]);
    assertEquals([spec.resyncMs, spec.pruneSafety.delayMs], [
      c.resyncMs,
      c.delayMs,
    ]);
  });
}

Deno.test("resolveSpec: the schedule is checked only in Scheduled mode", () => {
  const bad = { ...REFS, schedule: "61 * * * *" };
  assertEquals(resolveSpec(bad).problems, []);
  const scheduled = resolveSpec({ ...bad, mode: "Scheduled" });
  assertEquals(scheduled.problems.length, 1);
  assertEquals(scheduled.problems[0].startsWith("spec.schedule: "), true);
});

Deno.test("resolveSpec: a bad selector is a problem", () => {
  const { problems } = resolveSpec({
    ...REFS,
    selector: { matchLabels: { "bad key!": "x" } },
  });
  assertEquals(problems.length, 1);
  assertEquals(problems[0].startsWith("spec.selector"), true, problems[0]);
});

Deno.test("copyOptionsFor(resolveSpec): defaults applied to an empty spec", () => {
  const spec: NamespaceReplicationSpec = {
    remoteClusterRef: { name: "dr-east" },
    namespaceMappingRefs: [{ name: "shop" }],
  };
  assertEquals(
    copyOptionsFor(resolveSpec(spec).spec, target),
    options({
      destinationNamespace: "shop-dr",
    }),
  );
});

Deno.test("copyOptionsFor(resolveSpec): spec values win over defaults", () => {
  const spec: NamespaceReplicationSpec = {
    remoteClusterRef: { name: "dr-east" },
    namespaceMappingRefs: [],
    scaleToZero: false,
    services: { preserveNodePorts: false },
    storageClassMappings: [{ from: "a", to: "b" }],
    accessModeMappings: [{ from: "c", to: "d" }],
    ingress: {
      hostRewrites: [{ from: "e", to: "f" }],
      classMappings: [{ from: "g", to: "h" }],
    },
  };
  assertEquals(copyOptionsFor(resolveSpec(spec).spec, target), {
    ...target,
    scaleToZero: false,
    preserveNodePorts: false,
    storageClassMappings: [{ from: "a", to: "b" }],
    accessModeMappings: [{ from: "c", to: "d" }],
    ingressHostRewrites: [{ from: "e", to: "f" }],
    ingressClassMappings: [{ from: "g", to: "h" }],
  });
});
