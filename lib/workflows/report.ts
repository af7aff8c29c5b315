/**
 * What the workflow commands print: aligned tables on stdout, notes on
 * stderr, and a progress line redrawn on stderr only when it is a terminal
 * (pipes and CI logs get no control characters).
 */
import type { WorkflowIo } from "./io.ts";
import type { StandbyResult } from "./standby.ts";

/** Columns padded to their widest cell; the last column is not padded. */
export function formatTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const all = [headers, ...rows];
  const widths = headers.map((_, i) =>
    Math.max(...all.map((r) => (r[i] ?? "").length))
  );
  return all.map((r) =>
    r.map((cell, i) => i === r.length - 1 ? cell : cell.padEnd(widths[i]))
      .join("  ").trimEnd()
  ).join("\n");
}

/** Prints the rows of promote/demote (or a side of cutover/failback). */
export function printShapes(
  io: WorkflowIo,
  result: Pick<StandbyResult, "rows" | "plan">,
): void {
  if (result.rows.length > 0) {
    io.out(formatTable(
      ["KIND", "NAME", "FROM", "TO", "RESULT"],
      result.rows.map((r) => [
        r.kind,
        r.name,
        r.from,
        r.to,
        r.message ? `${r.result}: ${r.message}` : r.result,
      ]),
    ));
  }
  for (const w of result.plan.warnings) io.err(`warning: ${w}`);
  for (const l of result.plan.leftAlone) {
    io.err(`left alone: ${l.kind} ${l.name}: ${l.why}`);
  }
}

/** Changed, failed, and already-so counts for a summary line. */
export interface ShapeCounts {
  changed: number;
  failed: number;
  same: number;
}

/** See {@link ShapeCounts}. */
export function shapeCounts(
  result: Pick<StandbyResult, "rows" | "plan">,
): ShapeCounts {
  const failed = result.rows.filter((r) => r.result === "failed").length;
  const changed = result.rows.length - failed;
  const same = result.plan.steps.length - result.rows.length;
  return { changed, failed, same };
}

/** Minimum time between two redraws of the progress line. */
const REDRAW_MS = 100;
const CLEAR_LINE = "\r\x1b[2K";

/** A one-line progress display on a terminal; silent otherwise. */
export class Progress {
  #last = 0;
  #shown = false;

  constructor(private readonly io: WorkflowIo) {}

  /** Redraws the line (throttled); `force` for the final state. */
  update(text: string, force = false): void {
    if (!this.io.interactive) return;
    const now = Date.now();
    if (!force && now - this.#last < REDRAW_MS) return;
    this.#last = now;
    this.#shown = true;
    this.io.errRaw(`${CLEAR_LINE}${text}`);
  }

  /** Removes the line so that the results print on a clean terminal. */
  clear(): void {
    if (this.#shown) this.io.errRaw(CLEAR_LINE);
    this.#shown = false;
  }
}

/** "1 workload", "3 workloads". */
export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
