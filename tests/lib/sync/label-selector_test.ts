import "../../../lib/preload.ts";
import { assert, assertEquals, assertThrows } from "../../assert.ts";
import type { LabelSelector } from "../../../lib/api/v1alpha1.ts";
import {
  isEmptySelector,
  matchesSelector,
  selectorToQuery,
  validateSelector,
} from "../../../lib/sync/label-selector.ts";

const web = { app: "web", tier: "front", "example.com/team": "a" };

const matchCases: {
  name: string;
  labels: Record<string, string> | undefined;
  selector: LabelSelector | undefined;
  want: boolean;
}[] = [
  {
    name: "undefined selector matches",
    labels: web,
    selector: undefined,
    want: true,
  },
  { name: "empty selector matches", labels: web, selector: {}, want: true },
  {
    name: "empty selector matches unlabelled",
    labels: undefined,
    selector: {},
    want: true,
  },
  {
    name: "empty lists match",
    labels: undefined,
    selector: { matchLabels: {}, matchExpressions: [] },
    want: true,
  },
  {
    name: "matchLabels equal",
    labels: web,
    selector: { matchLabels: { app: "web" } },
    want: true,
  },
  {
    name: "matchLabels differ",
    labels: web,
    selector: { matchLabels: { app: "db" } },
    want: false,
  },
  {
    name: "matchLabels value is case-sensitive",
    labels: web,
    selector: { matchLabels: { app: "Web" } },
    want: false,
  },
  {
    name: "matchLabels key missing",
    labels: web,
    selector: { matchLabels: { env: "prod" } },
    want: false,
  },
  {
    name: "matchLabels empty value needs the label present",
    labels: {},
    selector: { matchLabels: { env: "" } },
    want: false,
  },
  {
    name: "matchLabels empty value matches empty label",
    labels: { env: "" },
    selector: { matchLabels: { env: "" } },
    want: true,
  },
  {
    name: "matchLabels and expressions are ANDed",
    labels: web,
    selector: {
      matchLabels: { app: "web" },
      matchExpressions: [{ key: "tier", operator: "In", values: ["back"] }],
    },
    want: false,
  },
  {
    name: "In hit",
    labels: web,
    selector: {
      matchExpressions: [{
        key: "tier",
        operator: "In",
        values: ["back", "front"],
      }],
    },
    want: true,
  },
  {
    name: "In needs the label",
    labels: {},
    selector: {
      matchExpressions: [{ key: "tier", operator: "In", values: ["front"] }],
    },
    want: false,
  },
  {
    name: "NotIn matches a missing label (Kubernetes semantics)",
    labels: {},
    selector: {
      matchExpressions: [{ key: "tier", operator: "NotIn", values: ["front"] }],
    },
    want: true,
  },
  {
    name: "NotIn excludes a listed value",
    labels: web,
    selector: {
      matchExpressions: [{ key: "tier", operator: "NotIn", values: ["front"] }],
    },
    want: false,
  },
  {
    name: "Exists with prefixed key",
    labels: web,
    selector: {
      matchExpressions: [{ key: "example.com/team", operator: "Exists" }],
    },
    want: true,
  },
  {
    name: "Exists with empty value label",
    labels: { env: "" },
    selector: { matchExpressions: [{ key: "env", operator: "Exists" }] },
    want: true,
  },
  {
    name: "DoesNotExist",
    labels: web,
    selector: { matchExpressions: [{ key: "app", operator: "DoesNotExist" }] },
    want: false,
  },
  {
    name: "DoesNotExist on undefined labels",
    labels: undefined,
    selector: { matchExpressions: [{ key: "app", operator: "DoesNotExist" }] },
    want: true,
  },
  {
    name: "inherited properties are not labels",
    labels: {},
    selector: {
      matchExpressions: [{ key: "constructor", operator: "Exists" }],
    },
    want: false,
  },
  {
    name: "invalid operator fails closed",
    labels: web,
    selector: {
      matchExpressions: [{
        key: "app",
        operator: "in" as "In",
        values: ["web"],
      }],
    },
    want: false,
  },
  {
    name: "In without values fails closed",
    labels: web,
    selector: { matchExpressions: [{ key: "app", operator: "In" }] },
    want: false,
  },
  {
    name: "NotIn without values fails closed",
    labels: web,
    selector: {
      matchExpressions: [{ key: "x", operator: "NotIn", values: [] }],
    },
    want: false,
  },
];

for (const c of matchCases) {
  Deno.test(`matchesSelector: ${c.name}`, () => {
    assertEquals(matchesSelector(c.labels, c.selector), c.want);
  });
}

Deno.test("isEmptySelector: only selectors without requirements", () => {
  assert(isEmptySelector(undefined));
  assert(isEmptySelector({ matchLabels: {}, matchExpressions: [] }));
  assert(
    !isEmptySelector({ matchExpressions: [{ key: "a", operator: "Exists" }] }),
  );
});

const validateCases: { name: string; selector: unknown; want: string[] }[] = [
  { name: "undefined is valid", selector: undefined, want: [] },
  {
    name: "a full valid selector",
    selector: {
      matchLabels: { "example.com/team": "a-b_c.d", empty: "" },
      matchExpressions: [
        { key: "a", operator: "In", values: ["x", "y"] },
        { key: "b", operator: "NotIn", values: ["z"] },
        { key: "c", operator: "Exists" },
        { key: "d", operator: "DoesNotExist", values: [] },
      ],
    },
    want: [],
  },
  {
    name: "unknown operator (operators are case-sensitive)",
    selector: {
      matchExpressions: [{ key: "a", operator: "in", values: ["x"] }],
    },
    want: [
      'sel.matchExpressions[0].operator: unsupported value "in": must be one of In, NotIn, Exists, DoesNotExist',
    ],
  },
  {
    name: "values required for In and NotIn",
    selector: {
      matchExpressions: [
        { key: "a", operator: "In" },
        { key: "b", operator: "NotIn", values: [] },
      ],
    },
    want: [
      "sel.matchExpressions[0].values: required for operator In",
      "sel.matchExpressions[1].values: required for operator NotIn",
    ],
  },
  {
    name: "values forbidden for Exists and DoesNotExist",
    selector: {
      matchExpressions: [
        { key: "a", operator: "Exists", values: ["x"] },
        { key: "b", operator: "DoesNotExist", values: ["y"] },
      ],
    },
    want: [
      "sel.matchExpressions[0].values: must be empty for operator Exists",
      "sel.matchExpressions[1].values: must be empty for operator DoesNotExist",
    ],
  },
  {
    name: "bad label values",
    selector: {
      matchLabels: { a: "has space" },
      matchExpressions: [{
        key: "b",
        operator: "In",
        values: ["ok", "-x", "x".repeat(64)],
      }],
    },
    want: [
      "sel.matchLabels[\"a\"]: invalid label value \"has space\": must consist of alphanumeric characters, '-', '_' or '.', and start and end with an alphanumeric",
      "sel.matchExpressions[0].values[1]: invalid label value \"-x\": must consist of alphanumeric characters, '-', '_' or '.', and start and end with an alphanumeric",
      `sel.matchExpressions[0].values[2]: invalid label value "${
        "x".repeat(64)
      }": must be at most 63 characters`,
    ],
  },
  {
    name: "bad label keys",
    selector: {
      matchLabels: { "a/b/c": "x", "/x": "y", "Upper.Com/x": "z", "": "w" },
    },
    want: [
      `sel.matchLabels["a/b/c"]: invalid label key "a/b/c": at most one '/'`,
      'sel.matchLabels["/x"]: invalid label key "/x": prefix must not be empty',
      "sel.matchLabels[\"Upper.Com/x\"]: invalid label key \"Upper.Com/x\": prefix must consist of lower case alphanumeric characters, '-' or '.', and start and end with an alphanumeric character",
      'sel.matchLabels[""]: invalid label key "": name is empty',
    ],
  },
  {
    name: "key name too long",
    selector: {
      matchExpressions: [{ key: "k".repeat(64), operator: "Exists" }],
    },
    want: [
      `sel.matchExpressions[0].key: invalid label key "${
        "k".repeat(64)
      }": name must be at most 63 characters`,
    ],
  },
  {
    name: "wrong shapes",
    selector: { matchLabels: ["a"], matchExpressions: { key: "a" } },
    want: [
      "sel.matchLabels: must be a map of strings",
      "sel.matchExpressions: must be a list",
    ],
  },
  {
    name: "non-string values and non-object expressions",
    selector: {
      matchLabels: { a: 1 },
      matchExpressions: [null, { key: "b", operator: "In", values: "x" }],
    },
    want: [
      'sel.matchLabels["a"]: label value must be a string',
      "sel.matchExpressions[0]: must be an object",
      "sel.matchExpressions[1].values: must be a list of strings",
    ],
  },
];

for (const c of validateCases) {
  Deno.test(`validateSelector: ${c.name}`, () => {
    assertEquals(validateSelector(c.selector as LabelSelector, "sel"), c.want);
  });
}

Deno.test("validateSelector: default path is 'selector'", () => {
  assertEquals(
    validateSelector({ matchExpressions: [{ key: "a", operator: "In" }] }),
    [
      "selector.matchExpressions[0].values: required for operator In",
    ],
  );
});

const queryCases: {
  name: string;
  selector: LabelSelector | undefined;
  want: string;
}[] = [
  { name: "undefined gives no parameter", selector: undefined, want: "" },
  { name: "empty gives no parameter", selector: { matchLabels: {} }, want: "" },
  {
    name: "every operator, sorted by key",
    selector: {
      matchLabels: { a: "b" },
      matchExpressions: [
        { key: "e", operator: "Exists" },
        { key: "d", operator: "DoesNotExist" },
        { key: "c", operator: "In", values: ["y", "x", "y"] },
        { key: "f", operator: "NotIn", values: ["q", "p"] },
      ],
    },
    want: "a=b,c in (x,y),!d,e,f notin (p,q)",
  },
  {
    name: "single-value In and NotIn use = and !=",
    selector: {
      matchExpressions: [
        { key: "x", operator: "NotIn", values: ["1"] },
        { key: "w", operator: "In", values: ["2"] },
      ],
    },
    want: "w=2,x!=1",
  },
  {
    name: "duplicate terms collapse; same key keeps both terms",
    selector: {
      matchLabels: { a: "b" },
      matchExpressions: [
        { key: "a", operator: "In", values: ["b"] },
        { key: "a", operator: "Exists" },
      ],
    },
    want: "a,a=b",
  },
  {
    name: "empty value",
    selector: {
      matchLabels: { a: "" },
      matchExpressions: [{ key: "b", operator: "In", values: ["", "x"] }],
    },
    want: "a=,b in (,x)",
  },
  {
    name: "prefixed keys",
    selector: { matchLabels: { "example.com/team": "a" } },
    want: "example.com/team=a",
  },
];

for (const c of queryCases) {
  Deno.test(`selectorToQuery: ${c.name}`, () => {
    assertEquals(selectorToQuery(c.selector), c.want);
  });
}

Deno.test("selectorToQuery: invalid selector is a programming error", () => {
  assertThrows(
    () => selectorToQuery({ matchExpressions: [{ key: "a", operator: "In" }] }),
    /^BUG: /,
  );
});

Deno.test("selectorToQuery: same selector, any order, same string", () => {
  const a = selectorToQuery({ matchLabels: { x: "1", y: "2" } });
  const b = selectorToQuery({ matchLabels: { y: "2", x: "1" } });
  assertEquals(a, b);
});
