import "../../../lib/preload.ts";
import { assertEquals } from "../../assert.ts";
import { tallyOutcomes } from "../../../lib/metrics/outcomes.ts";
import type { ActionOutcome } from "../../../lib/engine/outcome.ts";

function anOutcome(over: Partial<ActionOutcome>): ActionOutcome {
  return {
    action: "create",
    key: "apps/Deployment/shop/api",
    kind: "Deployment",
    namespace: "shop",
    name: "api",
    status: "done",
    ...over,
  };
}

const cases: Array<{
  name: string;
  outcomes: ActionOutcome[];
  writes: Record<string, number>;
  errors: Record<string, number>;
}> = [
  {
    name: "done writes counted per operation",
    outcomes: [
      anOutcome({ action: "create" }),
      anOutcome({ action: "create" }),
      anOutcome({ action: "update" }),
      anOutcome({ action: "delete" }),
      anOutcome({ action: "recreate" }),
    ],
    writes: { create: 2, update: 1, delete: 1, recreate: 1 },
    errors: {},
  },
  {
    name: "unchanged, skipped and dry-run planned are not writes",
    outcomes: [
      anOutcome({ action: "unchanged", status: "unchanged" }),
      anOutcome({
        action: "skip",
        status: "skipped",
        reason: "ImmutableFieldChanged",
      }),
      anOutcome({ action: "create", status: "planned" }),
    ],
    writes: {},
    errors: {},
  },
  {
    name: "failures counted by reason, none given is Failed",
    outcomes: [
      anOutcome({ status: "failed", reason: "Invalid" }),
      anOutcome({ status: "failed", reason: "Invalid" }),
      anOutcome({ action: "conflict", status: "failed", reason: "NotOwned" }),
      anOutcome({ action: "update", status: "failed" }),
    ],
    writes: {},
    errors: { Invalid: 2, NotOwned: 1, Failed: 1 },
  },
];

for (const c of cases) {
  Deno.test(`tallyOutcomes: ${c.name}`, () => {
    const t = tallyOutcomes(c.outcomes);
    assertEquals(Object.fromEntries(t.writes), c.writes);
    assertEquals(Object.fromEntries(t.errors), c.errors);
  });
}
