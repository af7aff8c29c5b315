import { assertEquals } from "../assert.ts";
import { parseFlags } from "./main.ts";

Deno.test("demo flags: --world picks sim or real; anything else is a mistake", () => {
  const real = parseFlags(["--fast", "--world", "real"]);
  assertEquals(typeof real === "object" && [real.fast, real.world], [
    true,
    "real",
  ]);
  const sim = parseFlags(["--world=sim"]);
  assertEquals(typeof sim === "object" && sim.world, "sim");
  assertEquals(
    parseFlags(["--world", "kind"]),
    "--world must be sim or real, not kind",
  );
  const none = parseFlags([]);
  assertEquals(typeof none === "object" && none.world, undefined);
});
