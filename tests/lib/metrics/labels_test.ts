import "../../../lib/preload.ts";
import { assertEquals, assertMatch } from "../../assert.ts";
import {
  codeLabel,
  errorReasonLabel,
  SYNC_ERROR_REASONS,
  verbLabel,
  WATCH_RESTART_CAUSES,
  watchCauseLabel,
} from "../../../lib/metrics/labels.ts";

const CAMEL = /^[A-Z][A-Za-z]+$/;

Deno.test("allowed reasons and causes are CamelCase and unique", () => {
  for (const set of [SYNC_ERROR_REASONS, WATCH_RESTART_CAUSES]) {
    for (const r of set) assertMatch(r, CAMEL);
    assertEquals(new Set(set).size, set.length);
  }
});

const cases: Array<{ name: string; got: string; want: string }> = [
  {
    name: "API reason kept",
    got: errorReasonLabel("Forbidden"),
    want: "Forbidden",
  },
  {
    name: "plan reason kept",
    got: errorReasonLabel("ResourceTypeMissing"),
    want: "ResourceTypeMissing",
  },
  {
    name: "unknown reason capped",
    got: errorReasonLabel("x".repeat(80)),
    want: "Other",
  },
  {
    name: "reason case matters",
    got: errorReasonLabel("invalid"),
    want: "Other",
  },
  { name: "watch cause kept", got: watchCauseLabel("Closed"), want: "Closed" },
  {
    name: "error reason as cause kept",
    got: watchCauseLabel("Unreachable"),
    want: "Unreachable",
  },
  { name: "unknown cause capped", got: watchCauseLabel("Boom"), want: "Error" },
  { name: "verb lower-cased", got: verbLabel("DELETE"), want: "delete" },
  { name: "unknown verb", got: verbLabel("TRACE"), want: "other" },
  { name: "code as text", got: codeLabel(422), want: "422" },
  { name: "no answer", got: codeLabel(undefined), want: "error" },
  { name: "nonsense status", got: codeLabel(1234), want: "error" },
];

for (const c of cases) {
  Deno.test(`labels: ${c.name}`, () => assertEquals(c.got, c.want));
}
