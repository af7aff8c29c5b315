/**
 * Scheduled-mode timing: standard 5-field cron (UTC), the @hourly-style
 * macros, or a plain duration meaning "this long after the last run".
 * Croner is only a calculator here: no job is created, so no timer exists.
 */
import { Cron } from "croner";
import { parseDuration } from "./duration.ts";

/** Next run time, or a problem to report on the replication. */
export type NextRunResult =
  | { ok: true; next: Date }
  | { ok: false; problem: string };

/** An interval schedule shorter than this would make a hot sync loop. */
export const MIN_INTERVAL_MS = 1000;

const MACROS: Record<string, string> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
};

const CRON_FIELDS = 5;
const VALIDATION_START = new Date("2000-01-01T00:00:00Z");
const MONTHS = "JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC";
const DAYS = "SUN|MON|TUE|WED|THU|FRI|SAT";
const FIELD_NAMES = ["minute", "hour", "day of month", "month", "day of week"];

/**
 * What standard (Vixie/Kubernetes CronJob) cron allows per field: numbers or
 * names, ranges, lists, steps. Croner also takes L, W, #, + and seconds;
 * those would not mean the same thing elsewhere, so they are refused.
 */
function fieldPattern(value: string, wildcard: string): RegExp {
  const item = `(${wildcard}|(${value})(-(${value}))?)(/\\d+)?`;
  return new RegExp(`^${item}(,${item})*$`, "i");
}
const FIELD_RULES = [
  fieldPattern("\\d+", "\\*"),
  fieldPattern("\\d+", "\\*"),
  fieldPattern("\\d+", "\\*|\\?"),
  fieldPattern(`\\d+|${MONTHS}`, "\\*"),
  fieldPattern(`\\d+|${DAYS}`, "\\*|\\?"),
];

type Parsed =
  | { kind: "cron"; cron: Cron }
  | { kind: "interval"; ms: number }
  | { kind: "invalid"; problem: string };

function parseSchedule(schedule: string): Parsed {
  const text = schedule.trim();
  if (text === "") return { kind: "invalid", problem: "schedule is empty" };
  if (text.startsWith("@every ")) return parseInterval(text.slice(7).trim());
  if (text.startsWith("@")) {
    const pattern = MACROS[text.toLowerCase()];
    if (!pattern) {
      return { kind: "invalid", problem: `unknown schedule macro "${text}"` };
    }
    return parseCron(pattern, text);
  }
  if (/^[\d.+]/.test(text) && !text.includes(" ")) return parseInterval(text);
  return parseCron(text, text);
}

function parseInterval(text: string): Parsed {
  const d = parseDuration(text);
  if (!d.ok) return { kind: "invalid", problem: d.problem };
  if (d.ms < MIN_INTERVAL_MS) {
    return {
      kind: "invalid",
      problem: `interval "${text}" is shorter than the minimum of 1s`,
    };
  }
  return { kind: "interval", ms: d.ms };
}

function parseCron(pattern: string, original: string): Parsed {
  const fields = pattern.split(/\s+/);
  if (fields.length !== CRON_FIELDS) {
    return {
      kind: "invalid",
      problem: `cron schedule "${original}" must have 5 fields ` +
        `(minute hour day-of-month month day-of-week), found ${fields.length}`,
    };
  }
  for (let i = 0; i < CRON_FIELDS; i++) {
    if (!FIELD_RULES[i].test(fields[i])) {
      return {
        kind: "invalid",
        problem: `cron schedule "${original}": invalid ${
          FIELD_NAMES[i]
        } field "${fields[i]}"`,
      };
    }
  }
  try {
    const cron = new Cron(fields.join(" "), {
      mode: "5-part",
      timezone: "UTC",
      paused: true,
    });
    return { kind: "cron", cron };
  } catch (e) {
    const why = (e instanceof Error ? e.message : String(e))
      .replace(/^CronPattern: /, "");
    return { kind: "invalid", problem: `cron schedule "${original}": ${why}` };
  }
}

/** Problems with a schedule string; empty when it is usable. */
export function validateSchedule(schedule: string): string[] {
  // A fixed start keeps this deterministic; a pattern that matches no date
  // at all (Feb 30) is reported here rather than at the first sync.
  const result = nextRunTime(schedule, VALIDATION_START);
  return result.ok ? [] : [result.problem];
}

/**
 * The first run strictly after `after` (the last run, or now when there
 * was none). Cron runs on whole UTC minutes; intervals add to `after`.
 */
export function nextRunTime(schedule: string, after: Date): NextRunResult {
  const parsed = parseSchedule(schedule);
  switch (parsed.kind) {
    case "invalid":
      return { ok: false, problem: parsed.problem };
    case "interval":
      return { ok: true, next: new Date(after.getTime() + parsed.ms) };
    case "cron": {
      const next = parsed.cron.nextRun(after);
      if (!next) {
        return { ok: false, problem: `schedule "${schedule}" never runs` };
      }
      return { ok: true, next };
    }
  }
}
