import "../../../lib/preload.ts";
import { assert, assertEquals } from "../../assert.ts";
import { readLabelValue } from "../../../lib/cli/flags.ts";
import {
  compareStrings,
  dns1123LabelProblem,
  labelKeyProblem,
  labelValueProblem,
  ownerLabelValue,
} from "../../../lib/sync/names.ts";

const ok = undefined;
const invalid = "invalid";
const outcome = (p: string | undefined) => p === undefined ? ok : invalid;

const cases: {
  name: string;
  check: (s: unknown) => string | undefined;
  input: unknown;
  want: typeof ok | typeof invalid;
}[] = [
  {
    name: "namespace: 63 characters",
    check: dns1123LabelProblem,
    input: "a".repeat(63),
    want: ok,
  },
  {
    name: "namespace: 64 characters",
    check: dns1123LabelProblem,
    input: "a".repeat(64),
    want: invalid,
  },
  {
    name: "namespace: digits first",
    check: dns1123LabelProblem,
    input: "1shop",
    want: ok,
  },
  {
    name: "namespace: upper case",
    check: dns1123LabelProblem,
    input: "Shop",
    want: invalid,
  },
  {
    name: "namespace: dot",
    check: dns1123LabelProblem,
    input: "shop.prod",
    want: invalid,
  },
  {
    name: "namespace: underscore",
    check: dns1123LabelProblem,
    input: "shop_prod",
    want: invalid,
  },
  {
    name: "namespace: trailing dash",
    check: dns1123LabelProblem,
    input: "shop-",
    want: invalid,
  },
  {
    name: "namespace: empty",
    check: dns1123LabelProblem,
    input: "",
    want: invalid,
  },
  {
    name: "namespace: not a string",
    check: dns1123LabelProblem,
    input: 7,
    want: invalid,
  },
  {
    name: "namespace: unicode",
    check: dns1123LabelProblem,
    input: "shöp",
    want: invalid,
  },
  { name: "label value: empty", check: labelValueProblem, input: "", want: ok },
  {
    name: "label value: upper, dot, underscore",
    check: labelValueProblem,
    input: "A_b.C-1",
    want: ok,
  },
  {
    name: "label value: 63 characters",
    check: labelValueProblem,
    input: "v".repeat(63),
    want: ok,
  },
  {
    name: "label value: 64 characters",
    check: labelValueProblem,
    input: "v".repeat(64),
    want: invalid,
  },
  {
    name: "label value: ends with dot",
    check: labelValueProblem,
    input: "v.",
    want: invalid,
  },
  {
    name: "label value: slash",
    check: labelValueProblem,
    input: "a/b",
    want: invalid,
  },
  {
    name: "label value: newline",
    check: labelValueProblem,
    input: "a\nb",
    want: invalid,
  },
  { name: "label key: plain", check: labelKeyProblem, input: "app", want: ok },
  {
    name: "label key: upper-case name",
    check: labelKeyProblem,
    input: "example.com/Team_A",
    want: ok,
  },
  {
    name: "label key: 253-character prefix",
    check: labelKeyProblem,
    input: `${"p".repeat(63)}.${"p".repeat(63)}.${"p".repeat(63)}.${
      "p".repeat(61)
    }/k`,
    want: ok,
  },
  {
    name: "label key: 254-character prefix",
    check: labelKeyProblem,
    input: `${"p".repeat(63)}.${"p".repeat(63)}.${"p".repeat(63)}.${
      "p".repeat(62)
    }/k`,
    want: invalid,
  },
  {
    name: "label key: empty name after prefix",
    check: labelKeyProblem,
    input: "example.com/",
    want: invalid,
  },
  {
    name: "label key: prefix with underscore",
    check: labelKeyProblem,
    input: "ex_ample.com/k",
    want: invalid,
  },
  {
    name: "label key: not a string",
    check: labelKeyProblem,
    input: null,
    want: invalid,
  },
];

for (const c of cases) {
  Deno.test(`names: ${c.name}`, () => {
    assertEquals(outcome(c.check(c.input)), c.want);
  });
}

Deno.test("compareStrings: code-point order, upper case before lower", () => {
  assertEquals(["b", "a", "B", "a-b", "a.b"].sort(compareStrings), [
    "B",
    "a",
    "a-b",
    "a.b",
    "b",
  ]);
});

const LONG = "n".repeat(60);

Deno.test("ownerLabelValue: prefix.name when it fits a label value", () => {
  assertEquals(ownerLabelValue("cli", "shop"), "cli.shop");
});

Deno.test("ownerLabelValue: too long names are cut and hashed, stably and validly", () => {
  const a = ownerLabelValue("cli", `${LONG}-a`);
  const b = ownerLabelValue("cli", `${LONG}-b`);
  assertEquals(a.length, 63);
  assert(a !== b, "different namespaces get different owners");
  assertEquals(ownerLabelValue("cli", `${LONG}-a`), a, "stable across runs");
  assert(readLabelValue(a).ok, `${a} is a valid label value`);
});
