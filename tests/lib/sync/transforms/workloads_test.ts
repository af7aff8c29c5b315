import "../../../../lib/preload.ts";
import { assert, assertEquals, assertMatch } from "../../../assert.ts";
import type { CopyOptions } from "../../../../lib/sync/transform.ts";
import type { KubeObject } from "../../../../lib/sync/types.ts";
import {
  aDaemonSet,
  aDeployment,
  aStatefulSet,
  copy,
  specOf,
} from "./builders.ts";

const OVERRIDE = "drsyncer.io/scale-override";
const ORIGINAL = "drsyncer.io/original-replicas";
const ORIGINAL_SELECTOR = "drsyncer.io/original-node-selector";
const STANDBY = "drsyncer.io/standby";

interface ReplicaCase {
  name: string;
  source: KubeObject;
  opts?: Partial<CopyOptions>;
  replicas: number;
  original: string;
  /** Expected warning; none expected when absent. */
  warning?: RegExp;
}

const override = (v: string) => ({ [OVERRIDE]: v });

const replicaCases: ReplicaCase[] = [
  {
    name: "deployment: scaled to zero, source count remembered",
    source: aDeployment(3),
    replicas: 0,
    original: "3",
  },
  {
    name: "statefulset: scaled to zero, source count remembered",
    source: aStatefulSet(5),
    replicas: 0,
    original: "5",
  },
  {
    name: "deployment: scaleToZero false keeps the source count",
    source: aDeployment(3),
    opts: { scaleToZero: false },
    replicas: 3,
    original: "3",
  },
  {
    name: "deployment: absent replicas means the API default 1",
    source: aDeployment(),
    replicas: 0,
    original: "1",
  },
  {
    name: "deployment: source already at 0 records 0",
    source: aDeployment(0),
    opts: { scaleToZero: false },
    replicas: 0,
    original: "0",
  },
  {
    name: "override: numeric value sets DR replicas",
    source: aDeployment(3, override("2")),
    replicas: 2,
    original: "3",
  },
  {
    name: "override: also wins when scaleToZero is false",
    source: aDeployment(3, override("1")),
    opts: { scaleToZero: false },
    replicas: 1,
    original: "3",
  },
  {
    name: "override: 0 parks even when scaleToZero is false",
    source: aDeployment(3, override("0")),
    opts: { scaleToZero: false },
    replicas: 0,
    original: "3",
  },
  {
    name: "override: 'source' keeps the source count",
    source: aDeployment(4, override("source")),
    replicas: 4,
    original: "4",
  },
  ...["-1", "abc", "1.5", "", " 3", "3 ", "+3", "1e3", "SOURCE", "99999999999"]
    .map((v) => ({
      name: `override: malformed ${JSON.stringify(v)} falls back, warns`,
      source: aDeployment(3, override(v)),
      replicas: 0,
      original: "3",
      warning: /scale-override/,
    })),
  {
    name: "override: malformed value with scaleToZero false keeps source",
    source: aDeployment(3, override("x")),
    opts: { scaleToZero: false },
    replicas: 3,
    original: "3",
    warning: /scale-override/,
  },
  {
    name: "replicas: non-number source replicas assumed 1, warns",
    source: aDeployment("3"),
    replicas: 0,
    original: "1",
    warning: /spec.replicas/,
  },
  {
    name: "replicas: negative source replicas assumed 1, warns",
    source: aDeployment(-2),
    replicas: 0,
    original: "1",
    warning: /spec.replicas/,
  },
  {
    name: "parked source: remembered count wins over live 0",
    source: aDeployment(0, { [ORIGINAL]: "6" }),
    opts: { scaleToZero: false },
    replicas: 6,
    original: "6",
  },
  {
    name: "running source: live count wins over stale annotation",
    source: aDeployment(2, { [ORIGINAL]: "6" }),
    replicas: 0,
    original: "2",
  },
  {
    name: "parked source: malformed remembered count warns, uses live",
    source: aDeployment(0, { [ORIGINAL]: "six" }),
    replicas: 0,
    original: "0",
    warning: /original-replicas/,
  },
];

for (const c of replicaCases) {
  Deno.test(c.name, () => {
    const { object, warnings } = copy(c.source, c.opts);
    assertEquals(specOf(object).replicas, c.replicas);
    assertEquals(object.metadata.annotations?.[ORIGINAL], c.original);
    if (c.warning) {
      assertEquals(warnings.length, 1, warnings.join("; "));
      assertMatch(warnings[0], c.warning);
    } else assertEquals(warnings, []);
  });
}

Deno.test("deployment: spec without replicas field and no spec at all", () => {
  const src = aDeployment();
  delete src.spec;
  const { object, warnings } = copy(src);
  assertEquals(specOf(object), { replicas: 0 });
  assertEquals(warnings, []);
});

Deno.test("deployment: pod template is copied unchanged", () => {
  const src = aDeployment(3);
  assertEquals(specOf(copy(src).object).template, specOf(src).template);
});

interface DaemonSetCase {
  name: string;
  source: KubeObject;
  opts?: Partial<CopyOptions>;
  nodeSelector: Record<string, string> | undefined;
  remembered: string | undefined;
  warning?: RegExp;
}

const parked = { [STANDBY]: "true" };

const daemonSetCases: DaemonSetCase[] = [
  {
    name: "daemonset: parked by a nodeSelector no node has",
    source: aDaemonSet(),
    nodeSelector: parked,
    remembered: "{}",
  },
  {
    name: "daemonset: own nodeSelector kept beside the standby key",
    source: aDaemonSet({ disk: "ssd" }),
    nodeSelector: { disk: "ssd", ...parked },
    remembered: '{"disk":"ssd"}',
  },
  {
    name: "daemonset: scaleToZero false copies it as-is",
    source: aDaemonSet({ disk: "ssd" }),
    opts: { scaleToZero: false },
    nodeSelector: { disk: "ssd" },
    remembered: undefined,
  },
  {
    name: "daemonset: override 'source' keeps it running",
    source: aDaemonSet(undefined, override("source")),
    nodeSelector: undefined,
    remembered: undefined,
  },
  {
    name: "daemonset: override 0 parks it without scaleToZero",
    source: aDaemonSet(undefined, override("0")),
    opts: { scaleToZero: false },
    nodeSelector: parked,
    remembered: "{}",
  },
  {
    name: "daemonset: malformed override warns and parks",
    source: aDaemonSet(undefined, override("some")),
    nodeSelector: parked,
    remembered: "{}",
    warning: /scale-override/,
  },
  {
    name: "daemonset: parked source is unparked when copied to run",
    source: aDaemonSet({ disk: "ssd", ...parked }, {
      [ORIGINAL_SELECTOR]: '{"disk":"ssd"}',
    }),
    opts: { scaleToZero: false },
    nodeSelector: { disk: "ssd" },
    remembered: undefined,
  },
  {
    name: "daemonset: parked source without selector unparks to none",
    source: aDaemonSet(parked, { [ORIGINAL_SELECTOR]: "{}" }),
    opts: { scaleToZero: false },
    nodeSelector: undefined,
    remembered: undefined,
  },
  {
    name: "daemonset: malformed remembered selector warns, drops our key",
    source: aDaemonSet({ disk: "ssd", ...parked }, {
      [ORIGINAL_SELECTOR]: "{not json",
    }),
    nodeSelector: { disk: "ssd", ...parked },
    remembered: '{"disk":"ssd"}',
    warning: /original-node-selector/,
  },
];

for (const c of daemonSetCases) {
  Deno.test(c.name, () => {
    const { object, warnings } = copy(c.source, c.opts);
    assertEquals(specOf(object).template.spec.nodeSelector, c.nodeSelector);
    assertEquals(
      object.metadata.annotations?.[ORIGINAL_SELECTOR],
      c.remembered,
    );
    assertEquals(specOf(object).replicas, undefined);
    if (c.warning) assert(warnings.some((w) => c.warning!.test(w)));
    else assertEquals(warnings, []);
  });
}

Deno.test("daemonset: parked even when the source lacks a template", () => {
  const src = aDaemonSet();
  delete src.spec;
  assertEquals(specOf(copy(src).object).template.spec.nodeSelector, parked);
});

Deno.test("non-apps Deployment kind is not scaled", () => {
  const src = { ...aDeployment(3), apiVersion: "example.com/v1" };
  const { object } = copy(src);
  assertEquals(specOf(object).replicas, 3);
  assertEquals(object.metadata.annotations?.[ORIGINAL], undefined);
});
