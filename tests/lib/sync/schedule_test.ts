import "../../../lib/preload.ts";
import { assert, assertEquals, assertMatch } from "../../assert.ts";
import { nextRunTime, validateSchedule } from "../../../lib/sync/schedule.ts";

// A Tuesday, mid-minute, so "strictly after" and minute rounding both show.
const AFTER = new Date("2026-03-10T10:07:30Z");

const nextCases: { schedule: string; next: string; why: string }[] = [
  { schedule: "*/5 * * * *", next: "2026-03-10T10:10:00Z", why: "step" },
  {
    schedule: "7 * * * *",
    next: "2026-03-10T11:07:00Z",
    why: "same minute passed",
  },
  { schedule: "30 2 * * *", next: "2026-03-11T02:30:00Z", why: "in UTC" },
  {
    schedule: "0 12 * JAN-MAR MON-FRI",
    next: "2026-03-10T12:00:00Z",
    why: "names",
  },
  {
    schedule: "0 0 1 * MON",
    next: "2026-03-16T00:00:00Z",
    why: "day fields OR-ed",
  },
  { schedule: "0 0 * * 7", next: "2026-03-15T00:00:00Z", why: "7 is Sunday" },
  {
    schedule: "0 0 ? * *",
    next: "2026-03-11T00:00:00Z",
    why: "? like CronJob",
  },
  {
    schedule: "0,30 9-17/4 * * *",
    next: "2026-03-10T13:00:00Z",
    why: "lists/ranges",
  },
  { schedule: "@hourly", next: "2026-03-10T11:00:00Z", why: "macro" },
  { schedule: "@daily", next: "2026-03-11T00:00:00Z", why: "macro" },
  { schedule: "@midnight", next: "2026-03-11T00:00:00Z", why: "macro" },
  { schedule: "@weekly", next: "2026-03-15T00:00:00Z", why: "Sunday" },
  { schedule: "@monthly", next: "2026-04-01T00:00:00Z", why: "macro" },
  { schedule: "@yearly", next: "2027-01-01T00:00:00Z", why: "macro" },
  { schedule: "@annually", next: "2027-01-01T00:00:00Z", why: "macro" },
  { schedule: "@DAILY", next: "2026-03-11T00:00:00Z", why: "macro case" },
  {
    schedule: "10m",
    next: "2026-03-10T10:17:30Z",
    why: "interval from last run",
  },
  { schedule: "1h30m", next: "2026-03-10T11:37:30Z", why: "interval" },
  { schedule: "@every 90s", next: "2026-03-10T10:09:00Z", why: "@every" },
  { schedule: " @daily ", next: "2026-03-11T00:00:00Z", why: "trimmed" },
];
for (const c of nextCases) {
  Deno.test(`nextRunTime "${c.schedule}" (${c.why})`, () => {
    assertEquals(nextRunTime(c.schedule, AFTER), {
      ok: true,
      next: new Date(c.next),
    });
    assertEquals(validateSchedule(c.schedule), []);
  });
}

Deno.test("nextRunTime on an exact match moves to the following one", () => {
  const r = nextRunTime("0 * * * *", new Date("2026-03-10T10:00:00Z"));
  assertEquals(r, { ok: true, next: new Date("2026-03-10T11:00:00Z") });
});

Deno.test("nextRunTime finds Feb 29 in the next leap year", () => {
  const r = nextRunTime("0 0 29 2 *", AFTER);
  assertEquals(r, { ok: true, next: new Date("2028-02-29T00:00:00Z") });
});

const badCases: { schedule: string; problem: RegExp }[] = [
  { schedule: "", problem: /empty/ },
  { schedule: "0 0 * * * *", problem: /5 fields.*found 6/ },
  { schedule: "0 0 * *", problem: /found 4/ },
  { schedule: "bananas", problem: /5 fields/ },
  { schedule: "0 0 L * *", problem: /day of month field "L"/ },
  { schedule: "0 0 15W * *", problem: /day of month field "15W"/ },
  { schedule: "0 0 * * FRI#2", problem: /day of week field "FRI#2"/ },
  { schedule: "0 0 * * 5L", problem: /day of week/ },
  { schedule: "0 0 1 * +MON", problem: /day of week/ },
  { schedule: "? 0 * * *", problem: /minute field/ },
  { schedule: "0 0 * MON *", problem: /month field "MON"/ },
  { schedule: "60 * * * *", problem: /minute: 60/ },
  { schedule: "5-1 * * * *", problem: /larger/ },
  { schedule: "*/0 * * * *", problem: /stepping/ },
  { schedule: "0 0 31 2 *", problem: /never runs/ },
  { schedule: "@fortnightly", problem: /unknown schedule macro/ },
  { schedule: "500ms", problem: /shorter than the minimum/ },
  { schedule: "0s", problem: /shorter than the minimum/ },
  { schedule: "10", problem: /missing unit/ },
  { schedule: "@every banana", problem: /invalid duration/ },
];
for (const c of badCases) {
  Deno.test(`schedule "${c.schedule}" is reported, not thrown`, () => {
    const problems = validateSchedule(c.schedule);
    assertEquals(problems.length, 1);
    assertMatch(problems[0], c.problem);
    const r = nextRunTime(c.schedule, AFTER);
    assert(!r.ok, "expected a problem");
    assertEquals(r.problem, problems[0]);
  });
}

Deno.test("nextRunTime uses UTC whatever the process time zone", async () => {
  // The time zone is fixed at process start, so ask a child process.
  const module = new URL("../../../lib/sync/schedule.ts", import.meta.url).href;
  const code = `const { nextRunTime } = await import(${JSON.stringify(module)});
    console.log(nextRunTime("30 2 * * *", new Date("${AFTER.toISOString()}"))
      .next.toISOString());`;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", code],
    env: { TZ: "America/New_York" },
    stdout: "piped",
    stderr: "inherit",
  }).output();
  assertEquals(
    new TextDecoder().decode(out.stdout).trim(),
    "2026-03-11T02:30:00.000Z",
  );
});
