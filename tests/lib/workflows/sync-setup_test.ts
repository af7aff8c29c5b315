import "../../../lib/preload.ts";
import { assert, assertEquals } from "../../assert.ts";
import { ownerValueFor } from "../../../lib/workflows/sync-setup.ts";
import { readLabelValue } from "../../../lib/cli/flags.ts";

const LONG = "n".repeat(60);

Deno.test("ownerValueFor: prefix.name when it fits a label value", () => {
  assertEquals(ownerValueFor("cli", "shop"), "cli.shop");
});

Deno.test("ownerValueFor: too long names are cut and hashed, stably and validly", () => {
  const a = ownerValueFor("cli", `${LONG}-a`);
  const b = ownerValueFor("cli", `${LONG}-b`);
  assertEquals(a.length, 63);
  assert(a !== b, "different namespaces get different owners");
  assertEquals(ownerValueFor("cli", `${LONG}-a`), a, "stable across runs");
  assert(readLabelValue(a).ok, `${a} is a valid label value`);
});
