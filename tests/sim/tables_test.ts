import "../../lib/preload.ts";
import { assertEquals } from "../assert.ts";
import { humanAge, jsonPath } from "./tables.ts";

const NOW = Date.parse("2026-01-10T00:00:00Z");
const AGES: [string, number, string][] = [
  ["seconds", 45, "45s"],
  ["under two minutes", 119, "119s"],
  ["minutes and seconds", 200, "3m20s"],
  ["minutes", 30 * 60, "30m"],
  ["hours and minutes", 5 * 3600 + 7 * 60, "5h7m"],
  ["hours", 20 * 3600, "20h"],
  ["days and hours", 3 * 86400 + 4 * 3600, "3d4h"],
  ["days", 40 * 86400, "40d"],
];

for (const [name, secs, want] of AGES) {
  Deno.test(`humanAge: ${name}`, () => {
    assertEquals(
      humanAge(new Date(NOW - secs * 1000).toISOString(), NOW),
      want,
    );
  });
}

const OBJ = {
  spec: { server: "https://x" },
  status: {
    conditions: [{ type: "Synced", status: "False" }, {
      type: "Ready",
      status: "True",
    }],
    list: [1, 2],
  },
};

const PATHS: [string, string, unknown][] = [
  ["field path", ".spec.server", "https://x"],
  ["index", ".status.list[1]", 2],
  ["filter", '.status.conditions[?(@.type=="Ready")].status', "True"],
  ["missing", ".status.nope", undefined],
];

for (const [name, path, want] of PATHS) {
  Deno.test(`printer column JSONPath: ${name}`, () =>
    assertEquals(jsonPath(OBJ, path), want));
}
