import "../../../lib/preload.ts";
import { assert, assertEquals } from "../../assert.ts";
import {
  guardTrips,
  planPrunes,
  type PruneInput,
  type PruneSafety,
} from "../../../lib/sync/prune.ts";
import { type KubeObject, objectKey } from "../../../lib/sync/types.ts";
import {
  aConfigMap,
  aDeployment,
  anObject,
  aService,
  NS,
  owned,
  OWNER,
} from "./dr_objects.ts";

const NOW = new Date("2026-03-10T10:00:00Z");
const DELAY = 60_000;
const SAFETY: PruneSafety = {
  delayMs: DELAY,
  maxDeleteFraction: 0.25,
  minObjects: 5,
};
const ago = (ms: number) => new Date(NOW.getTime() - ms);

/** n owned ConfigMaps c0..c(n-1). */
function copies(n: number): KubeObject[] {
  return Array.from({ length: n }, (_, i) => owned(aConfigMap(`c${i}`)));
}

/**
 * `total` owned copies of which the first `orphans` lost their source;
 * `dueCount` of those were seen orphaned longer than the delay ago.
 */
function scene(
  total: number,
  orphans: number,
  dueCount: number,
  over: Partial<PruneInput> = {},
): PruneInput {
  const current = copies(total);
  const keys = current.map(objectKey);
  const pendingSince = new Map(
    keys.slice(0, dueCount).map((k) => [k, ago(DELAY + 1)]),
  );
  return {
    ownerValue: OWNER,
    current,
    desiredKeys: new Set(keys.slice(orphans)),
    pendingSince,
    now: NOW,
    prune: true,
    safety: SAFETY,
    allowToken: {},
    sourceNamespaceExists: true,
    ...over,
  };
}

const names = (cs: { name: string }[]) => cs.map((c) => c.name);

Deno.test("prune: a missing source namespace prunes nothing, keeps no timers", () => {
  const p = planPrunes(scene(10, 10, 10, { sourceNamespaceExists: false }));
  assertEquals(p.deletes, []);
  assertEquals(p.waiting, []);
  assertEquals(p.nextPendingSince.size, 0);
  assertEquals(p.inactive, "SourceNamespaceMissing");
});

Deno.test("prune: prune false deletes nothing and forgets timers", () => {
  const p = planPrunes(scene(10, 1, 1, { prune: false }));
  assertEquals([p.deletes, p.nextPendingSince.size], [[], 0]);
  assertEquals(p.inactive, "PruneDisabled");
});

Deno.test("prune: a new orphan waits for the delay, timed from now", () => {
  const p = planPrunes(scene(10, 1, 0));
  const due = new Date(NOW.getTime() + DELAY);
  assertEquals(p.deletes, []);
  assertEquals(p.waiting, [{ key: objectKey(copies(1)[0]), dueAt: due }]);
  assertEquals(p.nextDueAt, due);
  assertEquals([...p.nextPendingSince.values()], [NOW]);
  assertEquals(p.blocked, undefined);
});

Deno.test("prune: an orphan is deleted once the delay has passed", () => {
  const p = planPrunes(scene(10, 1, 1));
  assertEquals(names(p.deletes), ["c0"]);
  assertEquals(p.waiting, []);
  assertEquals(p.nextDueAt, undefined);
});

Deno.test("prune: exactly at the due time counts as due", () => {
  const i = scene(10, 1, 0);
  const key = objectKey(i.current[0]);
  const p = planPrunes({ ...i, pendingSince: new Map([[key, ago(DELAY)]]) });
  assertEquals(names(p.deletes), ["c0"]);
});

Deno.test("prune: keys desired again drop out of the pending timers", () => {
  const i = scene(10, 0, 0);
  const back = objectKey(i.current[3]);
  const p = planPrunes({ ...i, pendingSince: new Map([[back, ago(5)]]) });
  assertEquals(p.nextPendingSince.size, 0);
  assertEquals(p.deletes, []);
});

Deno.test("prune: the caller's pendingSince map is not modified", () => {
  const i = scene(10, 2, 1);
  const before = new Map(i.pendingSince);
  const p = planPrunes(i);
  assertEquals(i.pendingSince, before);
  assert(p.nextPendingSince !== i.pendingSince);
});

Deno.test("prune: foreign and other replications' objects are never pruned", () => {
  const foreign = aConfigMap("theirs");
  const other = owned(aConfigMap("other"), "dr-syncer-system.other");
  const i = scene(10, 0, 0);
  const p = planPrunes({
    ...i,
    current: [...i.current, foreign, other],
    pendingSince: new Map([
      [objectKey(foreign), ago(DELAY * 10)],
      [objectKey(other), ago(DELAY * 10)],
    ]),
  });
  assertEquals([p.deletes, p.waiting, p.nextPendingSince.size], [[], [], 0]);
});

Deno.test("prune: the DR namespace itself is never a candidate", () => {
  const ns = owned({
    ...anObject("v1", "Namespace", NS),
    metadata: { name: NS },
  });
  const i = scene(10, 0, 0);
  const p = planPrunes({
    ...i,
    current: [...i.current, ns],
    pendingSince: new Map([[objectKey(ns), ago(DELAY * 10)]]),
  });
  assertEquals([p.deletes, p.nextPendingSince.size], [[], 0]);
});

Deno.test("prune: a copy already being deleted is not deleted again", () => {
  const i = scene(10, 1, 1);
  i.current[0] = {
    ...i.current[0],
    metadata: {
      ...i.current[0].metadata,
      deletionTimestamp: NOW.toISOString(),
    },
  };
  assertEquals(planPrunes(i).deletes, []);
});

Deno.test("prune: deletes run in reverse write order", () => {
  const current = [
    owned(aConfigMap("cfg")),
    owned(aService("web")),
    owned(aDeployment("web")),
    ...copies(20),
  ];
  const orphans = current.slice(0, 3).map(objectKey);
  const p = planPrunes({
    ...scene(0, 0, 0),
    current,
    desiredKeys: new Set(current.slice(3).map(objectKey)),
    pendingSince: new Map(orphans.map((k) => [k, ago(DELAY * 2)])),
  });
  assertEquals(p.deletes.map((d) => d.kind), [
    "Deployment",
    "Service",
    "ConfigMap",
  ]);
});

interface GuardCase {
  name: string;
  total: number;
  orphans: number;
  due: number;
  safety?: Partial<PruneSafety>;
  deleted: number;
  blocked: boolean;
}

const guardCases: GuardCase[] = [
  {
    name: "5 of 10 is a mass deletion",
    total: 10,
    orphans: 5,
    due: 5,
    deleted: 0,
    blocked: true,
  },
  {
    name: "not-yet-due orphans count toward the guard",
    total: 10,
    orphans: 5,
    due: 2,
    deleted: 0,
    blocked: true,
  },
  {
    name: "exactly at the fraction is allowed (strictly greater blocks)",
    total: 20,
    orphans: 5,
    due: 5,
    deleted: 5,
    blocked: false,
  },
  {
    name: "below minObjects passes even at 100%",
    total: 4,
    orphans: 4,
    due: 4,
    deleted: 4,
    blocked: false,
  },
  {
    name: "minObjects 0 lets the fraction alone decide",
    total: 10,
    orphans: 1,
    due: 1,
    safety: { minObjects: 0, maxDeleteFraction: 0.05 },
    deleted: 0,
    blocked: true,
  },
  {
    name: "fraction 1 never blocks",
    total: 10,
    orphans: 10,
    due: 10,
    safety: { maxDeleteFraction: 1 },
    deleted: 10,
    blocked: false,
  },
  {
    name: "no copies at all",
    total: 0,
    orphans: 0,
    due: 0,
    deleted: 0,
    blocked: false,
  },
];

for (const c of guardCases) {
  Deno.test(`prune guard: ${c.name}`, () => {
    const p = planPrunes(scene(c.total, c.orphans, c.due, {
      safety: { ...SAFETY, ...c.safety },
    }));
    assertEquals(p.deletes.length, c.deleted);
    assertEquals(p.blocked !== undefined, c.blocked);
    assertEquals(p.nextPendingSince.size, c.orphans, "timers kept either way");
  });
}

Deno.test("prune guard: blocked reports every pending object and the counts", () => {
  const p = planPrunes(scene(10, 5, 2));
  assertEquals(p.blocked?.reason, "MassDeletion");
  assertEquals([p.blocked?.pending, p.blocked?.total], [5, 10]);
  assertEquals(
    p.blocked?.objects.map((o) => `${o.kind}/${o.namespace}/${o.name}`),
    ["c4", "c3", "c2", "c1", "c0"].map((n) => `ConfigMap/${NS}/${n}`),
  );
  assertEquals(p.waiting.length, 3);
  assertEquals(p.consumedAllowToken, undefined);
});

Deno.test("prune guard: a new allow token lets every blocked one through once, due or not", () => {
  const p = planPrunes(scene(10, 5, 3, {
    allowToken: { current: "ok-2", lastHandled: "ok-1" },
  }));
  assertEquals(names(p.deletes), ["c4", "c3", "c2", "c1", "c0"]);
  assertEquals(p.consumedAllowToken, "ok-2");
  assertEquals(p.blocked, undefined);
  assertEquals([p.waiting, p.nextDueAt], [[], undefined]);
});

Deno.test("prune guard: the already handled token does not unblock", () => {
  const p = planPrunes(scene(10, 5, 5, {
    allowToken: { current: "ok-1", lastHandled: "ok-1" },
  }));
  assertEquals(p.deletes, []);
  assert(p.blocked !== undefined);
  assertEquals(p.consumedAllowToken, undefined);
});

Deno.test("prune guard: a token approves pending ones before their delay ran out", () => {
  const p = planPrunes(scene(10, 5, 0, { allowToken: { current: "ok" } }));
  assertEquals(p.deletes.length, 5);
  assertEquals([p.blocked, p.consumedAllowToken], [undefined, "ok"]);
});

Deno.test("prune guard: a token is not consumed when the guard is not tripped", () => {
  const p = planPrunes(scene(10, 1, 1, { allowToken: { current: "ok" } }));
  assertEquals(names(p.deletes), ["c0"]);
  assertEquals(p.consumedAllowToken, undefined);
});

Deno.test("guardTrips: edges of count and fraction", () => {
  const s = SAFETY;
  assertEquals(guardTrips(0, 0, s), false);
  assertEquals(guardTrips(0, 10, { ...s, minObjects: 0 }), false);
  assertEquals(guardTrips(5, 20, s), false);
  assertEquals(guardTrips(5, 19, s), true);
  assertEquals(guardTrips(4, 4, s), false);
});

Deno.test("prune: adopted objects, cluster-made objects and other source clusters' copies are never pruned", () => {
  const mark = (o: KubeObject, labels: Record<string, string>) => ({
    ...o,
    metadata: { ...o.metadata, labels: { ...o.metadata.labels, ...labels } },
  });
  const keep = [
    mark(owned(aConfigMap("adopted")), { "drsyncer.io/adopted": "true" }),
    owned(anObject("v1", "ServiceAccount", "default")),
    owned(aConfigMap("kube-root-ca.crt")),
    mark(owned(aConfigMap("theirs")), { "drsyncer.io/source-cluster": "b" }),
  ];
  const gone = [
    owned(aConfigMap("legacy")), // no cluster label yet: ours
    mark(owned(aConfigMap("mine")), { "drsyncer.io/source-cluster": "a" }),
  ];
  const current = [...copies(20), ...keep, ...gone];
  const plan = planPrunes({
    ownerValue: OWNER,
    sourceCluster: "a",
    current,
    desiredKeys: new Set(copies(20).map(objectKey)),
    pendingSince: new Map(),
    now: NOW,
    prune: true,
    safety: { ...SAFETY, delayMs: 0 },
    allowToken: {},
    sourceNamespaceExists: true,
  });
  assertEquals(plan.deletes.map((d) => d.name).sort(), ["legacy", "mine"]);
});

Deno.test("prune: the hourly budget blocks a trickle the fraction guard lets through, as a whole", () => {
  const safety = { ...SAFETY, maxDeletesPerHour: 5 };
  // 3 of 100 due: far below the fraction guard.
  const under = planPrunes(scene(100, 3, 3, { safety, prunedLastHour: 2 }));
  assertEquals(under.deletes.length, 3, "2 + 3 fits a budget of 5");
  const over = planPrunes(scene(100, 3, 3, { safety, prunedLastHour: 3 }));
  assertEquals(over.deletes, []);
  assertEquals(over.blocked?.reason, "BudgetExceeded");
  assertEquals(over.blocked?.objects.length, 3);
  assert(/maxDeletesPerHour \(5\)/.test(over.blocked!.message));
  // No budget configured: no limit.
  const none = planPrunes(scene(100, 3, 3, { prunedLastHour: 1000 }));
  assertEquals(none.deletes.length, 3);
});

Deno.test("prune: the allow-mass-prune token releases a budget block once", () => {
  const safety = { ...SAFETY, maxDeletesPerHour: 5 };
  const approved = planPrunes(scene(100, 4, 2, {
    safety,
    prunedLastHour: 5,
    allowToken: { current: "ok-1", lastHandled: "ok-0" },
  }));
  assertEquals(approved.deletes.length, 4, "the whole pending set");
  assertEquals(approved.consumedAllowToken, "ok-1");
  const used = planPrunes(scene(100, 4, 2, {
    safety,
    prunedLastHour: 5,
    allowToken: { current: "ok-1", lastHandled: "ok-1" },
  }));
  assertEquals(used.blocked?.reason, "BudgetExceeded");
});
