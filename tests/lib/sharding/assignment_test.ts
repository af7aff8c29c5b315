import { assign, preference } from "../../../lib/sharding/assignment.ts";
import { assert, assertEquals } from "../../assert.ts";

const names = (n: number) => Array.from({ length: n }, (_, i) => `nr-${i}`);

function loads(a: Map<string, string>, members: string[]): number[] {
  return members.map((m) => [...a.values()].filter((x) => x === m).length);
}

const balanceCases = [
  { replications: 10, members: ["a", "b"] },
  { replications: 30, members: ["a", "b", "c"] },
  { replications: 100, members: ["a", "b", "c"] },
  { replications: 1000, members: ["r1", "r2", "r3", "r4", "r5"] },
  { replications: 7, members: ["a", "b", "c"] },
];

for (const c of balanceCases) {
  Deno.test(`assign: ${c.replications} over ${c.members.length} members differ by at most one`, () => {
    const a = assign(names(c.replications), c.members);
    assertEquals(a.size, c.replications, "every replication has an owner");
    const l = loads(a, c.members);
    assert(Math.max(...l) - Math.min(...l) <= 1, `loads ${l}`);
    const mean = c.replications / c.members.length;
    if (mean >= 5) {
      for (const n of l) assert(Math.abs(n - mean) <= 0.2 * mean, `${l}`);
    }
  });
}

Deno.test("assign: the same answer whatever the order of the inputs", () => {
  const rs = names(50);
  const a = assign(rs, ["a", "b", "c"]);
  const b = assign([...rs].reverse(), ["c", "a", "b", "a"]);
  assertEquals([...a].sort(), [...b].sort());
});

Deno.test("assign: no members, no owners", () => {
  assertEquals(assign(names(3), []).size, 0);
});

Deno.test("assign: a member leaving moves its replications and little else", () => {
  const rs = names(300);
  const before = assign(rs, ["a", "b", "c"]);
  const after = assign(rs, ["a", "b"]);
  const moved = rs.filter((r) => before.get(r) !== after.get(r));
  const ofC = rs.filter((r) => before.get(r) === "c");
  for (const r of ofC) assert(after.get(r) !== "c");
  // c's 100 must move; balance may move a few more, far from a reshuffle.
  assert(moved.length < ofC.length * 1.5, `moved ${moved.length}`);
});

Deno.test("assign: a member joining takes about its share", () => {
  const rs = names(300);
  const before = assign(rs, ["a", "b"]);
  const after = assign(rs, ["a", "b", "c"]);
  const moved = rs.filter((r) => before.get(r) !== after.get(r));
  assertEquals(loads(after, ["a", "b", "c"]), [100, 100, 100]);
  assert(moved.length < 150, `moved ${moved.length}`);
});

Deno.test("preference: a stable order of every member", () => {
  const p = preference("nr-1", ["a", "b", "c"]);
  assertEquals([...p].sort(), ["a", "b", "c"]);
  assertEquals(preference("nr-1", ["c", "b", "a"]), p);
});
