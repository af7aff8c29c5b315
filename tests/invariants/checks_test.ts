/**
 * The checks themselves, over hand-made records: each invariant is broken
 * on purpose once (so the check provably can fail) and kept once (so it
 * does not cry wolf on what the contract allows).
 */
import type { KubeObject } from "../../lib/sync/types.ts";
import { assertEquals } from "../assert.ts";
import {
  checkDestinations,
  checkForeign,
  checkPromoted,
  checkPromoteUndone,
  checkPrunes,
  checkRankAfterPromote,
  checkSafety,
  type Model,
} from "./checks.ts";
import { checkConverged, type ConvergenceInput } from "./convergence.ts";
import type { Change } from "./record.ts";

const CTRL = "system:serviceaccount:dr-syncer-system:dr-syncer-remote";
const SRC_CTRL = "system:serviceaccount:dr-syncer-system:dr-syncer";
const CLI = "dr-syncer-cli";
const ADMIN = "kube-sim-admin";
const OWNER = "dr-syncer-system.r";

function model(over: Partial<Model> = {}): Model {
  return {
    controllerUsers: [CTRL, SRC_CTRL],
    cliUsers: [CLI],
    controllerNamespace: "dr-syncer-system",
    ownerValues: [OWNER],
    adopt: [],
    destinations: new Set(["shop-dr"]),
    promoteGraceMs: 1000,
    prune: {
      minObjects: 3,
      maxDeleteFraction: 0.5,
      maxDeletesPerHour: 6,
      releases: [],
    },
    ...over,
  };
}

function obj(
  kind: string,
  name: string,
  labels: Record<string, string> | undefined = {},
  extra: Record<string, unknown> = {},
  annotations?: Record<string, string>,
): KubeObject {
  return {
    apiVersion: "v1",
    kind,
    metadata: { name, namespace: "shop-dr", labels, annotations },
    ...extra,
  };
}

const owned = { "drsyncer.io/replication": OWNER };
const adopted = { ...owned, "drsyncer.io/adopted": "true" };

let seq = 0;
function change(c: Partial<Change> & Pick<Change, "type">): Change {
  const o = c.after ?? c.before;
  return {
    seq: seq++,
    cluster: "dr",
    at: 1_000,
    arrivedAt: c.at ?? 1_000,
    user: CTRL,
    verb: { ADDED: "create", MODIFIED: "update", DELETED: "delete" }[c.type],
    kind: o?.kind ?? "ConfigMap",
    namespace: o?.kind === "Namespace" ? "" : "shop-dr",
    name: o?.metadata.name ?? "x",
    ...c,
  };
}

Deno.test("invariant a: modifying an object without our label is caught", () => {
  const before = obj("ConfigMap", "theirs", {}, { data: { v: "1" } });
  const after = obj("ConfigMap", "theirs", owned, { data: { v: "2" } });
  const v = checkForeign(
    [change({ type: "MODIFIED", before, after })],
    model(),
  );
  assertEquals(v.map((x) => x.invariant), ["a"]);
});

Deno.test("invariant a: deleting a foreign object, by the controller or the CLI, is caught", () => {
  const before = obj("ConfigMap", "theirs");
  const v = checkForeign([
    change({ type: "DELETED", before }),
    change({ type: "DELETED", before, user: CLI }),
  ], model());
  assertEquals(v.length, 2);
});

Deno.test("invariant a: labelling the default ServiceAccount is caught, merging pull secrets is not", () => {
  const sa = obj("ServiceAccount", "default", undefined, { secrets: [] });
  const merged = {
    ...sa,
    metadata: { ...sa.metadata, labels: {}, annotations: {} },
    imagePullSecrets: [{ name: "p" }],
  };
  const labelled = { ...merged, metadata: { ...sa.metadata, labels: owned } };
  assertEquals(
    checkForeign(
      [change({ type: "MODIFIED", before: sa, after: merged })],
      model(),
    ),
    [],
  );
  assertEquals(
    checkForeign(
      [change({ type: "MODIFIED", before: sa, after: labelled })],
      model(),
    ).length,
    1,
  );
});

Deno.test("invariant a: Adopt may take over, but never the cluster-made, and never outside its window", () => {
  const before = obj("ConfigMap", "theirs");
  const after = obj("ConfigMap", "theirs", adopted);
  const ca = obj("ConfigMap", "kube-root-ca.crt");
  const caAfter = obj("ConfigMap", "kube-root-ca.crt", adopted);
  const m = model({ adopt: [{ from: 500, to: 2_000 }] });
  assertEquals(
    checkForeign([change({ type: "MODIFIED", before, after })], m),
    [],
  );
  assertEquals(
    checkForeign(
      [change({ type: "MODIFIED", before: ca, after: caAfter })],
      m,
    ).length,
    1,
  );
  assertEquals(
    checkForeign(
      [change({ type: "MODIFIED", before, after, at: 3_000 })],
      m,
    ).length,
    1,
  );
});

Deno.test("invariant a: deleting an adopted object is caught even though it carries our label", () => {
  const v = checkForeign([
    change({ type: "DELETED", before: obj("ConfigMap", "x", adopted) }),
  ], model());
  assertEquals(v.map((x) => x.invariant), ["a"]);
});

Deno.test("invariant a: the harness's own writes and our copies are fine", () => {
  const v = checkForeign([
    change({
      type: "DELETED",
      before: obj("ConfigMap", "theirs"),
      user: ADMIN,
    }),
    change({ type: "DELETED", before: obj("ConfigMap", "mine", owned) }),
  ], model());
  assertEquals(v, []);
});

function namespace(name: string, promoted?: string): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: {
      name,
      labels: owned,
      annotations: promoted ? { "drsyncer.io/promoted": promoted } : {},
    },
  };
}

Deno.test("invariant b: a controller write after the promote (beyond the grace) is caught", () => {
  const promote = change({
    type: "MODIFIED",
    user: CLI,
    at: 10_000,
    before: namespace("shop-dr"),
    after: namespace("shop-dr", "t"),
  });
  const late = change({
    type: "MODIFIED",
    at: 13_000,
    before: obj("Deployment", "api", owned),
    after: obj("Deployment", "api", owned, { spec: { replicas: 0 } }),
  });
  const inFlight = { ...late, seq: seq++, at: 10_500, arrivedAt: 10_500 };
  const cliScale = { ...late, seq: seq++, user: CLI };
  const m = model();
  assertEquals(checkPromoted([promote, inFlight, cliScale], m), []);
  assertEquals(
    checkPromoted([promote, late], m).map((x) => x.invariant),
    ["b"],
  );
});

function promoteAt(at: number): Change {
  return change({
    type: "MODIFIED",
    user: CLI,
    at,
    before: namespace("shop-dr"),
    after: namespace("shop-dr", "t"),
  });
}

function write(kind: string, at: number, user = CTRL): Change {
  const o = obj(kind, "w", owned, { spec: { v: at } });
  return change({ type: "MODIFIED", user, at, before: o, after: o });
}

Deno.test("invariant b (per rank): only the write rank in flight may land after the promote", () => {
  const m = model();
  // Rank 1 in flight at the mark, its writes land late: allowed (no time grace needed).
  const inFlight = [
    promoteAt(10_000),
    write("ConfigMap", 10_200),
    write("Secret", 14_000),
  ];
  assertEquals(checkRankAfterPromote(inFlight, m), []);
  // A Deployment (rank 4) landing 3 s later began a new rank: caught even though DR was slow.
  const newRank = [...inFlight, write("Deployment", 13_000)];
  const v = checkRankAfterPromote(newRank, m);
  assertEquals(v.map((x) => x.invariant), ["b"]);
  assertEquals(v[0].message.includes("rank 4"), true);
  // The CLI's own writes are not the controller's.
  assertEquals(
    checkRankAfterPromote([...inFlight, write("Deployment", 13_000, CLI)], m),
    [],
  );
});

Deno.test("invariant b (no grace): a controller update of what the promote changed is caught", () => {
  const m = model();
  const cliScale = write("Deployment", 10_100, CLI);
  // Within any latency grace, yet after the CLI's change: it undoes the failover.
  const undo = write("Deployment", 10_300);
  assertEquals(
    checkPromoteUndone([promoteAt(10_000), cliScale, undo], m).map((x) =>
      x.invariant
    ),
    ["b"],
  );
  // Before the CLI touched it, or another object: not an undo.
  assertEquals(checkPromoteUndone([promoteAt(10_000), undo, cliScale], m), []);
  const other = { ...undo, seq: seq++, name: "other" };
  assertEquals(checkPromoteUndone([promoteAt(10_000), cliScale, other], m), []);
});

Deno.test("invariant b: after demote, writes are allowed again", () => {
  const m = model();
  const changes = [
    change({
      type: "MODIFIED",
      user: CLI,
      at: 10_000,
      before: namespace("shop-dr"),
      after: namespace("shop-dr", "t"),
    }),
    change({
      type: "MODIFIED",
      user: CLI,
      at: 20_000,
      before: namespace("shop-dr", "t"),
      after: namespace("shop-dr"),
    }),
    change({ type: "ADDED", at: 25_000, after: obj("ConfigMap", "c", owned) }),
  ];
  assertEquals(checkPromoted(changes, m), []);
});

function prune(name: string, at: number): Change {
  return change({ type: "DELETED", at, before: obj("ConfigMap", name, owned) });
}

function copies(n: number, at = 0): Change[] {
  return Array.from(
    { length: n },
    (_, i) =>
      change({ type: "ADDED", at, after: obj("ConfigMap", `c${i}`, owned) }),
  );
}

Deno.test("invariant d: a batch over the mass-deletion guard is caught", () => {
  const changes = [
    ...copies(4),
    prune("c0", 5_000),
    prune("c1", 5_001),
    prune("c2", 5_002),
  ];
  const v = checkPrunes(changes, model());
  assertEquals(v.map((x) => x.invariant), ["d"]);
  // Released by a new allow-mass-prune token first: fine.
  const released = model({
    prune: { ...model().prune, releases: [4_000] },
  });
  assertEquals(checkPrunes(changes, released), []);
  // Not by one an earlier batch already used.
  const nsWrite = change({
    type: "MODIFIED",
    at: 4_600,
    before: namespace("shop-dr"),
    after: namespace("shop-dr"),
  });
  const used = [
    ...changes.slice(0, 4),
    prune("c3", 4_500),
    nsWrite,
    ...changes.slice(4),
  ];
  assertEquals(checkPrunes(used, released).length, 1);
});

Deno.test("invariant d: prunes spread over passes beyond the hourly budget are caught", () => {
  const changes = [...copies(20)];
  for (let i = 0; i < 7; i++) {
    // One prune per pass, each after the pass recorded its budget.
    changes.push(change({
      type: "MODIFIED",
      at: 10_000 * (i + 1) - 1,
      before: namespace("shop-dr"),
      after: namespace("shop-dr"),
    }));
    changes.push(prune(`c${i}`, 10_000 * (i + 1)));
  }
  const v = checkPrunes(changes, model());
  assertEquals(v.map((x) => x.invariant), ["d"]);
  assertEquals(checkPrunes(changes.slice(0, -2), model()), []);
  // A token set between two batches releases the next one only.
  const released = model({ prune: { ...model().prune, releases: [15_000] } });
  assertEquals(checkPrunes(changes, released), []);
  const more = [...changes, prune("c9", 90_000)];
  assertEquals(checkPrunes(more, released).length, 1);
});

Deno.test("invariant e: writes into an unmapped or protected namespace are caught", () => {
  const cm = (ns: string, cluster: "source" | "dr" = "dr", user = CTRL) =>
    change({
      type: "ADDED",
      cluster,
      user,
      after: { ...obj("Secret", "k"), metadata: { name: "k", namespace: ns } },
      namespace: ns,
    });
  const v = checkDestinations([
    cm("shop-dr"),
    cm("kube-system"),
    cm("ctl-dr"),
    cm("dr-syncer-system", "source", SRC_CTRL),
    cm("shop", "source", SRC_CTRL),
  ], model());
  assertEquals(v.map((x) => x.message.split(": outside")[0]), [
    `#${seq - 4} dr create Secret kube-system/k by ${CTRL}`,
    `#${seq - 3} dr create Secret ctl-dr/k by ${CTRL}`,
    `#${seq - 1} source create Secret shop/k by ${SRC_CTRL}`,
  ]);
});

Deno.test("checkSafety: a clean record passes", () => {
  const changes = [
    change({ type: "ADDED", after: namespace("shop-dr") }),
    ...copies(3),
    prune("c0", 2_000),
  ];
  assertEquals(checkSafety(changes, model()), []);
});

const SPEC_TYPES = [
  {
    group: "",
    version: "v1",
    resource: "configmaps",
    kind: "ConfigMap",
    namespaced: true,
    verbs: ["list", "watch", "create"],
  },
];

function convergence(
  dr: KubeObject[],
  over: Partial<ConvergenceInput> = {},
): ConvergenceInput {
  const src = obj("ConfigMap", "c", {}, { data: { v: "1" } });
  src.metadata.namespace = "shop";
  return {
    replication: { namespace: "dr-syncer-system", name: "r" },
    spec: { conflictPolicy: "Abort" },
    types: SPEC_TYPES,
    pairs: [{ source: "shop", destination: "shop-dr" }],
    sourceNamespaces: new Map([[
      "shop",
      { apiVersion: "v1", kind: "Namespace", metadata: { name: "shop" } },
    ]]),
    source: new Map([["shop", [src]]]),
    dr: new Map([["shop-dr", dr]]),
    promoted: new Set(),
    pruneBlocked: false,
    ...over,
  };
}

const goodCopy = obj(
  "ConfigMap",
  "c",
  owned,
  { data: { v: "1" } },
  { "drsyncer.io/source": "shop/c" },
);

Deno.test("invariant c: a converged copy passes; missing, stale and orphaned copies are caught", () => {
  assertEquals(checkConverged(convergence([goodCopy])), []);
  assertEquals(checkConverged(convergence([])).map((v) => v.message), [
    "shop-dr/ConfigMap/c: missing",
  ]);
  const stale = { ...goodCopy, data: { v: "0" } };
  assertEquals(checkConverged(convergence([stale])).length, 1);
  const orphan = { ...goodCopy, metadata: { ...goodCopy.metadata, name: "o" } };
  assertEquals(
    checkConverged(convergence([goodCopy, orphan])).map((v) => v.message),
    ["shop-dr/ConfigMap/o: orphan not pruned"],
  );
  // A blocked prune may leave it; a promoted destination is not judged.
  assertEquals(
    checkConverged(convergence([goodCopy, orphan], { pruneBlocked: true })),
    [],
  );
  assertEquals(
    checkConverged(convergence([], { promoted: new Set(["shop-dr"]) })),
    [],
  );
});

Deno.test("invariant c: a same-named object of someone else is left alone under Abort, adopted under Adopt", () => {
  const theirs = obj("ConfigMap", "c", {}, { data: { v: "x" } });
  assertEquals(checkConverged(convergence([theirs])), []);
  assertEquals(
    checkConverged(
      convergence([theirs], { spec: { conflictPolicy: "Adopt" } }),
    ).map((v) => v.message),
    ["shop-dr/ConfigMap/c: not adopted"],
  );
});

Deno.test("invariant c: an adopted copy keeps Adopt's mark and still counts as converged", () => {
  const adoptedCopy = {
    ...goodCopy,
    metadata: { ...goodCopy.metadata, labels: adopted },
  };
  const adoptSpec = { spec: { conflictPolicy: "Adopt" as const } };
  assertEquals(checkConverged(convergence([adoptedCopy], adoptSpec)), []);
  const stale = { ...adoptedCopy, data: { v: "0" } };
  assertEquals(
    checkConverged(convergence([stale], adoptSpec)).map((v) => v.message),
    ["shop-dr/ConfigMap/c: differs at data.v"],
  );
});
