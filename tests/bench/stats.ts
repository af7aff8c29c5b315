/**
 * Small helpers of the benchmark: a bounded-concurrency pool, percentiles,
 * sleeping, and the result table.
 */

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Runs `fn` over `items` with at most `limit` calls in flight. */
export async function pool<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker),
  );
}

/** The `p`-th percentile (0–100) of `values` (nearest rank). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** One reported figure: the value, the limit it approaches, the target. */
export interface Figure {
  scenario: string;
  name: string;
  value: number;
  unit: string;
  /** The limit measured in the same run, when there is one. */
  limit?: number;
  /** value / limit. */
  ratio?: number;
  target: string;
  /** Whether the target is met (undefined: informational). */
  met?: boolean;
}

function fmt(n: number | undefined): string {
  if (n === undefined) return "";
  if (!Number.isFinite(n)) return String(n);
  if (Math.abs(n) >= 100) return Math.round(n).toLocaleString("en-US");
  return n.toFixed(Math.abs(n) >= 10 ? 1 : 2);
}

/** The figures as an aligned text table. */
export function table(figures: readonly Figure[]): string {
  const head = ["scenario", "figure", "value", "unit", "limit", "ratio"]
    .concat(["target", "met"]);
  const rows = figures.map((f) => [
    f.scenario,
    f.name,
    fmt(f.value),
    f.unit,
    fmt(f.limit),
    f.ratio === undefined ? "" : fmt(f.ratio),
    f.target,
    f.met === undefined ? "" : f.met ? "yes" : "NO",
  ]);
  const widths = head.map((h, i) =>
    Math.max(h.length, ...rows.map((r) => r[i].length))
  );
  const line = (r: string[]) =>
    r.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
  return [line(head), line(widths.map((w) => "-".repeat(w)))]
    .concat(rows.map(line)).join("\n");
}
