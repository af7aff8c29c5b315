/**
 * What a workflow command needs from the process: two output streams, a
 * clock, and whether stderr is a terminal (progress is drawn only there).
 * Tests pass a recording one; main.ts passes {@link processIo}.
 */
import { classifyError } from "../kube/errors.ts";

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** See the module comment. */
export interface WorkflowIo {
  /** One or more lines for stdout (results: tables, JSON). */
  out(text: string): void;
  /** One line for stderr (problems, notes). */
  err(text: string): void;
  /** Raw text for stderr without a newline (progress redraws). */
  errRaw(text: string): void;
  /** Progress may be drawn: stderr is a terminal. */
  interactive: boolean;
  now(): Date;
}

/** The real process streams. */
export function processIo(): WorkflowIo {
  const encoder = new TextEncoder();
  return {
    out: (text) => console.log(text),
    err: (text) => console.error(text),
    errRaw: (text) => void Deno.stderr.writeSync(encoder.encode(text)),
    interactive: Deno.stderr.isTerminal(),
    now: () => new Date(),
  };
}

/** A step's value, or why the command stops (one line and an exit code). */
export type Step<T> =
  | { ok: true; value: T }
  | { ok: false; exitCode: number; message: string };

export function done<T>(value: T): Step<T> {
  return { ok: true, value };
}

export function stop<T>(message: string, exitCode = EXIT_FAILURE): Step<T> {
  return { ok: false, exitCode, message };
}

/**
 * Runs one command: a stopped step and anything thrown (an API call failing
 * mid-run) both end as one line `dr-syncer: <command>: ...` and exit 1 or 2.
 */
export async function runWorkflow(
  command: string,
  io: WorkflowIo,
  body: () => Promise<Step<number>>,
): Promise<number> {
  try {
    const result = await body();
    if (result.ok) return result.value;
    io.err(`dr-syncer: ${command}: ${result.message}`);
    return result.exitCode;
  } catch (e) {
    const err = classifyError(e);
    const what = err.code ? `${err.reason}: ${err.message}` : err.message;
    // Every command is idempotent: after a passing failure, a re-run goes on.
    const hint = err.transient ? "; re-running finishes the job" : "";
    io.err(`dr-syncer: ${command}: ${what}${hint}`);
    return EXIT_FAILURE;
  }
}
