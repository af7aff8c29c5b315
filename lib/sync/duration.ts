/**
 * Go/Kubernetes-style durations ("60s", "1h30m", "1.5s", "500ms") as used by
 * metav1.Duration, so users can write what kubectl and Go print.
 */

/** Outcome of parsing: milliseconds, or a problem to report to the user. */
export type DurationResult =
  | { ok: true; ms: number }
  | { ok: false; problem: string };

const MS_PER_UNIT: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  "µs": 1e-3, // U+00B5 micro sign, accepted by Go
  "μs": 1e-3, // U+03BC Greek mu, accepted by Go
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

// One "<number><unit>" element; Go allows ".5s" and "5.s" but not ".s".
const ELEMENT = /^(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/;
const MS_PER_SECOND = 1000;
const MS_PER_MINUTE = 60_000;
const MS_PER_HOUR = 3_600_000;

/**
 * Parses a non-negative duration to whole milliseconds (rounded; "1ns" is 0).
 * Negative values are reported: nothing in this product runs backwards.
 */
export function parseDuration(text: string): DurationResult {
  const bad = (why: string): DurationResult => ({
    ok: false,
    problem: `invalid duration "${text}": ${why}`,
  });
  if (text === "") return bad("empty");
  if (text.startsWith("-")) return bad("must not be negative");
  let rest = text.startsWith("+") ? text.slice(1) : text;
  if (rest === "0") return { ok: true, ms: 0 };
  if (rest === "") return bad("missing number");
  let total = 0;
  while (rest !== "") {
    const m = ELEMENT.exec(rest);
    if (!m) {
      return bad(
        /^[\d.]+$/.test(rest)
          ? "missing unit (use ns, us, ms, s, m or h)"
          : `unexpected "${rest}"`,
      );
    }
    total += Number(m[1]) * MS_PER_UNIT[m[2]];
    rest = rest.slice(m[0].length);
  }
  if (!Number.isSafeInteger(Math.round(total))) return bad("too large");
  return { ok: true, ms: Math.round(total) };
}

/**
 * Formats milliseconds the way Go's time.Duration.String does, at
 * millisecond precision: "0s", "500ms", "1.2s", "1m30s", "1h0m0s".
 * The output parses back to the same value.
 */
export function formatDuration(ms: number): string {
  const whole = Math.round(Math.abs(ms));
  const sign = ms < 0 && whole !== 0 ? "-" : "";
  if (whole === 0) return "0s";
  if (whole < MS_PER_SECOND) return `${sign}${whole}ms`;
  const hours = Math.floor(whole / MS_PER_HOUR);
  const minutes = Math.floor((whole % MS_PER_HOUR) / MS_PER_MINUTE);
  const secondsMs = whole % MS_PER_MINUTE;
  const seconds = secondsText(secondsMs);
  if (hours > 0) return `${sign}${hours}h${minutes}m${seconds}s`;
  if (minutes > 0) return `${sign}${minutes}m${seconds}s`;
  return `${sign}${seconds}s`;
}

/** "1.2" for 1200 ms, "30" for 30000 ms: trailing zeros trimmed like Go. */
function secondsText(ms: number): string {
  const secs = Math.floor(ms / MS_PER_SECOND);
  const frac = ms % MS_PER_SECOND;
  if (frac === 0) return String(secs);
  return `${secs}.${String(frac).padStart(3, "0").replace(/0+$/, "")}`;
}
