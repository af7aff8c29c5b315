import {
  liveMembers,
  observe,
  planLeaseSteps,
  type Seen,
  type ShardLease,
} from "../../../lib/sharding/ownership.ts";
import { assertEquals } from "../../assert.ts";

const LEASE_MS = 15_000;

function member(holder: string, renewTime: string): ShardLease {
  return {
    name: `m-${holder}`,
    role: "member",
    holder,
    renewTime,
    durationMs: LEASE_MS,
    resourceVersion: "1",
  };
}

function nrLease(replication: string, holder: string): ShardLease {
  return {
    name: `nr-${replication}`,
    role: "replication",
    replication,
    holder,
    renewTime: "t",
    durationMs: LEASE_MS,
    resourceVersion: "7",
  };
}

Deno.test("liveness is timed by when this replica saw a renewal, on a stepped clock", () => {
  let now = 1_000_000;
  let seen = new Map<string, Seen>();
  const rounds: { step: number; a: string; b: string; live: string[] }[] = [
    // b's clock is far off: its renewTime means nothing, only change does.
    { step: 0, a: "t1", b: "1999-01-01", live: ["a", "b"] },
    { step: 2_000, a: "t2", b: "1999-01-01", live: ["a", "b"] },
    { step: 12_000, a: "t3", b: "1999-01-01", live: ["a", "b"] },
    // b unchanged for 15 s since first seen: gone.
    { step: 1_000, a: "t4", b: "1999-01-01", live: ["a"] },
    // b renews again: back at once.
    { step: 2_000, a: "t5", b: "1999-01-02", live: ["a", "b"] },
  ];
  for (const r of rounds) {
    now += r.step;
    const leases = [member("a", r.a), member("b", r.b)];
    seen = observe(seen, leases, now);
    assertEquals(liveMembers(leases, seen, now), r.live, `at +${r.step}`);
  }
});

Deno.test("a member with an empty holder (left) is not live; self always is", () => {
  const leases = [member("", "x"), member("b", "y")];
  const seen = observe(new Map(), leases, 0);
  assertEquals(liveMembers(leases, seen, 0, "me"), ["b", "me"]);
});

const planCases: {
  name: string;
  mine: string[];
  leases: ShardLease[];
  live: string[];
  releaseAt?: [string, number][];
  now?: number;
  /** Every replication that exists (absent: not known yet). */
  known?: string[];
  want: string[];
}[] = [
  {
    name: "no Lease yet: create",
    mine: ["x"],
    leases: [],
    live: ["me", "b"],
    want: ["create x"],
  },
  {
    name: "already ours: nothing to do (membership renewal keeps it)",
    mine: ["x"],
    leases: [nrLease("x", "me")],
    live: ["me"],
    want: [],
  },
  {
    name: "held by a live member: wait for it to free it",
    mine: ["x"],
    leases: [nrLease("x", "b")],
    live: ["me", "b"],
    want: [],
  },
  {
    name: "held by a member that died: take it over",
    mine: ["x"],
    leases: [nrLease("x", "b")],
    live: ["me"],
    want: ["acquire x"],
  },
  {
    name: "freed by its holder: take it",
    mine: ["x"],
    leases: [nrLease("x", "")],
    live: ["me", "b"],
    want: ["acquire x"],
  },
  {
    name: "given up: freed only once its release time has come",
    mine: [],
    leases: [nrLease("x", "me"), nrLease("y", "me")],
    live: ["me", "b"],
    releaseAt: [["x", 100], ["y", 200]],
    now: 150,
    want: ["release x"],
  },
  {
    name: "someone else's Lease that is not ours to take is left alone",
    mine: [],
    leases: [nrLease("x", "b")],
    live: ["me"],
    want: [],
  },
  {
    name: "replications not known yet: no Lease is deleted",
    mine: [],
    leases: [nrLease("gone", ""), nrLease("x", "me")],
    live: ["me"],
    want: [],
  },
  {
    name:
      "deleted replication held by us: deleted once its release time has come, not before",
    mine: ["y"],
    leases: [nrLease("gone", "me"), nrLease("later", "me"), nrLease("y", "me")],
    live: ["me", "b"],
    releaseAt: [["gone", 100], ["later", 200]],
    now: 150,
    known: ["y"],
    want: ["delete gone"],
  },
  {
    name:
      "deleted replication with no live holder: the first live member deletes it",
    mine: [],
    leases: [nrLease("freed", ""), nrLease("dead", "c")],
    live: ["me", "z"],
    known: [],
    want: ["delete freed", "delete dead"],
  },
  {
    name:
      "deleted replication with no live holder: another member comes first, it deletes",
    mine: [],
    leases: [nrLease("freed", "")],
    live: ["a", "me"],
    known: [],
    want: [],
  },
  {
    name: "deleted replication held by a live member: left to that member",
    mine: [],
    leases: [nrLease("gone", "b")],
    live: ["b", "me"],
    known: [],
    want: [],
  },
  {
    name: "an existing replication's freed Lease is never deleted",
    mine: [],
    leases: [nrLease("x", "")],
    live: ["me"],
    known: ["x"],
    want: [],
  },
];

for (const c of planCases) {
  Deno.test(`planLeaseSteps: ${c.name}`, () => {
    const steps = planLeaseSteps({
      self: "me",
      mine: new Set(c.mine),
      leases: new Map(c.leases.map((l) => [l.replication!, l])),
      live: new Set(c.live),
      releaseAt: new Map(c.releaseAt ?? []),
      now: c.now ?? 0,
      known: c.known ? new Set(c.known) : undefined,
    });
    assertEquals(steps.map((s) => `${s.op} ${s.replication}`), c.want);
  });
}
