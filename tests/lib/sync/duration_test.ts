import "../../../lib/preload.ts";
import { assert, assertEquals, assertMatch } from "../../assert.ts";
import { formatDuration, parseDuration } from "../../../lib/sync/duration.ts";

const valid: [string, number][] = [
  ["0", 0],
  ["0s", 0],
  ["60s", 60_000],
  ["10m", 600_000],
  ["1h30m", 5_400_000],
  ["1.5s", 1500],
  ["500ms", 500],
  [".5s", 500],
  ["5.s", 5000],
  ["1.5h", 5_400_000],
  ["1h2m3s4ms", 3_723_004],
  ["2500us", 3], // 2.5 ms rounds to whole milliseconds
  ["1500µs", 2],
  ["1000000ns", 1],
  ["+90s", 90_000],
];
for (const [text, ms] of valid) {
  Deno.test(`parseDuration accepts "${text}" as ${ms}ms`, () => {
    assertEquals(parseDuration(text), { ok: true, ms });
  });
}

const invalid: [string, RegExp][] = [
  ["", /empty/],
  ["-5s", /negative/],
  ["10", /missing unit/],
  ["1.5", /missing unit/],
  ["5 m", /unexpected "5 m"/],
  ["1d", /unexpected "1d"/],
  ["s", /unexpected "s"/],
  [".s", /unexpected/],
  ["1h-5m", /unexpected "-5m"/],
  ["+", /missing number/],
  ["9".repeat(20) + "h", /too large/],
];
for (const [text, problem] of invalid) {
  Deno.test(`parseDuration reports "${text}" as a problem`, () => {
    const r = parseDuration(text);
    assert(!r.ok, "expected a problem");
    assertMatch(r.problem, problem);
    assertMatch(r.problem, /invalid duration/);
  });
}

const formatted: [number, string][] = [
  [0, "0s"],
  [0.4, "0s"],
  [1, "1ms"],
  [500, "500ms"],
  [1000, "1s"],
  [1200, "1.2s"],
  [1234, "1.234s"],
  [1050, "1.05s"],
  [90_000, "1m30s"],
  [90_500, "1m30.5s"],
  [3_600_000, "1h0m0s"],
  [5_400_000, "1h30m0s"],
  [-1500, "-1.5s"],
];
for (const [ms, text] of formatted) {
  Deno.test(`formatDuration(${ms}) is "${text}" like Go`, () => {
    assertEquals(formatDuration(ms), text);
  });
}

Deno.test("formatDuration output parses back to the same milliseconds", () => {
  for (
    const ms of [1, 999, 1000, 1001, 59_999, 61_000, 3_599_999, 86_400_000]
  ) {
    assertEquals(parseDuration(formatDuration(ms)), { ok: true, ms });
  }
});
