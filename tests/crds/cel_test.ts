import "../../lib/preload.ts";
import { assertEquals, assertThrows } from "../assert.ts";
import { compileCel } from "./cel.ts";

const cases: { name: string; rule: string; self: unknown; want: unknown }[] = [
  { name: "has present", rule: "has(self.a)", self: { a: 0 }, want: true },
  { name: "has absent", rule: "has(self.a)", self: {}, want: false },
  { name: "has nested", rule: "has(self.a.b)", self: { a: {} }, want: false },
  {
    name: "xor true",
    rule: "has(self.a) != has(self.b)",
    self: { a: 1 },
    want: true,
  },
  {
    name: "xor false",
    rule: "has(self.a) != has(self.b)",
    self: { a: 1, b: 2 },
    want: false,
  },
  {
    name: "not and or",
    rule: "!has(self.a) || has(self.b)",
    self: { a: 1 },
    want: false,
  },
  {
    name: "string eq",
    rule: "self.m == 'Scheduled'",
    self: { m: "Scheduled" },
    want: true,
  },
  {
    name: "double quotes",
    rule: 'self.m != "x"',
    self: { m: "x" },
    want: false,
  },
  {
    name: "number compare",
    rule: "self.burst >= self.qps",
    self: { burst: 5, qps: 5.5 },
    want: false,
  },
  {
    name: "short-circuit skips missing key",
    rule: "!has(self.m) || self.m == 'x'",
    self: {},
    want: true,
  },
  {
    name: "parentheses and &&",
    rule: "(has(self.a) && true) || false",
    self: { a: 1 },
    want: true,
  },
]; // deno-fmt-ignore

for (const c of cases) {
  Deno.test(`cel: ${c.name}`, () => {
    assertEquals(compileCel(c.rule)(c.self), c.want);
  });
}

Deno.test("cel: a missing key is an evaluation error, as in CEL", () => {
  assertThrows(() => compileCel("self.m == 'x'")({}), /no such key: m/);
});

Deno.test("cel: expressions outside the subset do not compile", () => {
  for (
    const rule of ["self.a.size() > 1", "oldSelf == self", "self.a +", "x"]
  ) {
    assertThrows(() => compileCel(rule), /cel:/);
  }
});
