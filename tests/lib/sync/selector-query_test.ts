import "../../../lib/preload.ts";
import { assert, assertEquals, assertMatch } from "../../assert.ts";
import type { LabelSelector } from "../../../lib/api/v1alpha1.ts";
import {
  matchesSelector,
  parseSelectorQuery,
  selectorToQuery,
} from "../../../lib/sync/label-selector.ts";

function parsed(q: string): LabelSelector {
  const r = parseSelectorQuery(q);
  if (!r.ok) throw new Error(`expected ${q} to parse: ${r.problems}`);
  return r.selector;
}

const goodCases: { name: string; q: string; want: LabelSelector }[] = [
  { name: "empty string selects everything", q: "", want: {} },
  { name: "blank string selects everything", q: "   ", want: {} },
  {
    name: "equals",
    q: "a=b",
    want: { matchExpressions: [{ key: "a", operator: "In", values: ["b"] }] },
  },
  {
    name: "double equals",
    q: "a==b",
    want: { matchExpressions: [{ key: "a", operator: "In", values: ["b"] }] },
  },
  {
    name: "not equals",
    q: "a!=b",
    want: {
      matchExpressions: [{ key: "a", operator: "NotIn", values: ["b"] }],
    },
  },
  {
    name: "empty value",
    q: "a=",
    want: { matchExpressions: [{ key: "a", operator: "In", values: [""] }] },
  },
  {
    name: "exists",
    q: "a",
    want: { matchExpressions: [{ key: "a", operator: "Exists" }] },
  },
  {
    name: "does not exist",
    q: "!a",
    want: { matchExpressions: [{ key: "a", operator: "DoesNotExist" }] },
  },
  {
    name: "in with spaces, duplicates dropped",
    q: " a in ( x , y,x ) ",
    want: {
      matchExpressions: [{ key: "a", operator: "In", values: ["x", "y"] }],
    },
  },
  {
    name: "notin without spaces",
    q: "a notin(x)",
    want: {
      matchExpressions: [{ key: "a", operator: "NotIn", values: ["x"] }],
    },
  },
  {
    name: "empty set means the empty value (API server behaviour)",
    q: "a in ()",
    want: { matchExpressions: [{ key: "a", operator: "In", values: [""] }] },
  },
  {
    name: "leading comma in a set is the empty value",
    q: "a in (,x)",
    want: {
      matchExpressions: [{ key: "a", operator: "In", values: ["", "x"] }],
    },
  },
  {
    name: "several requirements keep their order",
    q: "tier in (front,back),!canary,example.com/team=a,env",
    want: {
      matchExpressions: [
        { key: "tier", operator: "In", values: ["front", "back"] },
        { key: "canary", operator: "DoesNotExist" },
        { key: "example.com/team", operator: "In", values: ["a"] },
        { key: "env", operator: "Exists" },
      ],
    },
  },
  {
    name: "a key may be named like a keyword",
    q: "in=notin",
    want: {
      matchExpressions: [{ key: "in", operator: "In", values: ["notin"] }],
    },
  },
];

for (const c of goodCases) {
  Deno.test(`parseSelectorQuery: ${c.name}`, () => {
    assertEquals(parseSelectorQuery(c.q), { ok: true, selector: c.want });
  });
}

const badCases: { name: string; q: string; want: RegExp }[] = [
  {
    name: "trailing comma",
    q: "a=b,",
    want: /at position 4: expected a label key/,
  },
  { name: "leading comma", q: ",a", want: /expected a label key/ },
  {
    name: "missing closing paren",
    q: "a in (x,y",
    want: /expected ',' or '\)'/,
  },
  { name: "in without set", q: "a in x", want: /expected '\(' after In/ },
  {
    name: "unknown word operator",
    q: "a is b",
    want: /unexpected "is": expected an operator/,
  },
  {
    name: "Gt is unsupported",
    q: "a>1",
    want: /operator '>' is not supported/,
  },
  {
    name: "Lt is unsupported",
    q: "a<1",
    want: /operator '<' is not supported/,
  },
  { name: "bang without equals", q: "a!b", want: /expected '=' after '!'/ },
  {
    name: "space inside a value",
    q: "a=b c",
    want: /expected ',' or end of input/,
  },
  {
    name: "bad value characters",
    q: "a=b*",
    want: /invalid label value "b\*"/,
  },
  {
    name: "bad value in a set",
    q: "a in (x,-y)",
    want: /invalid label value "-y"/,
  },
  { name: "bad key", q: "a/b/c=x", want: /at most one '\/'/ },
  {
    name: "negated requirement with a value",
    q: "!a=b",
    want: /expected ',' or end of input/,
  },
  { name: "lone bang", q: "!", want: /expected a label key/ },
  {
    name: "upper-case keyword is not a keyword",
    q: "a IN (x)",
    want: /unexpected "IN"/,
  },
];

for (const c of badCases) {
  Deno.test(`parseSelectorQuery reports: ${c.name}`, () => {
    const r = parseSelectorQuery(c.q);
    assert(!r.ok, `expected ${JSON.stringify(c.q)} to be rejected`);
    assertEquals(r.problems.length, 1);
    assertMatch(r.problems[0], /^labelSelector: /);
    assertMatch(r.problems[0], c.want);
  });
}

Deno.test("parseSelectorQuery: a non-string is reported, not thrown", () => {
  const r = parseSelectorQuery(42 as unknown as string);
  assertEquals(r, { ok: false, problems: ["labelSelector: must be a string"] });
});

// The server filters with the query string, the client with the object form:
// both must select the same objects.
const roundTrip: LabelSelector[] = [
  { matchLabels: { app: "web", "example.com/team": "" } },
  {
    matchExpressions: [
      { key: "tier", operator: "In", values: ["front", "back", ""] },
      { key: "canary", operator: "DoesNotExist" },
      { key: "env", operator: "NotIn", values: ["dev"] },
      { key: "zone", operator: "Exists" },
    ],
  },
];
const labelSets: Record<string, string>[] = [
  {},
  { app: "web" },
  { app: "web", "example.com/team": "" },
  { tier: "front", zone: "a" },
  { tier: "", zone: "a", env: "prod" },
  { tier: "back", zone: "a", env: "dev" },
  { tier: "front", zone: "a", canary: "yes" },
];

roundTrip.forEach((sel, i) => {
  Deno.test(`selectorToQuery then parseSelectorQuery selects the same objects (#${i})`, () => {
    const back = parsed(selectorToQuery(sel));
    for (const labels of labelSets) {
      assertEquals(
        matchesSelector(labels, back),
        matchesSelector(labels, sel),
        JSON.stringify(labels),
      );
    }
    assert(labelSets.some((l) => matchesSelector(l, sel)), "a set must match");
    assert(
      labelSets.some((l) => !matchesSelector(l, sel)),
      "a set must not match",
    );
  });
});
