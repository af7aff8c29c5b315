/**
 * The command line parser: argv in, a typed invocation or a one-line usage
 * error out. Pure; driven by the table in commands.ts.
 */
import { flagName } from "./flags.ts";
import {
  type CommandName,
  COMMANDS,
  type CommandSpec,
  type ConfigOf,
  isCommand,
} from "./commands.ts";

export { type CommandName, COMMANDS, type ConfigOf };

/** What the user asked for. */
export type Invocation =
  | { [C in CommandName]: ConfigOf<C> }[CommandName]
  | { command: "help"; topic?: CommandName };

/** Result of parsing argv: an invocation or a one-line usage error. */
export type ParseResult =
  | { ok: true; invocation: Invocation }
  | { ok: false; error: string };

const HELP_FLAGS = new Set(["--help", "-h"]);

/** Parses argv (without the program name). Never throws. */
export function parseArgs(argv: readonly string[]): ParseResult {
  const [first, ...rest] = argv;
  if (first === undefined) {
    return fail("missing command (see dr-syncer help)");
  }
  if (first === "help" || HELP_FLAGS.has(first)) return parseHelp(rest);
  if (first === "--version") return parseArgs(["version", ...rest]);
  if (!isCommand(first)) {
    return fail(`unknown command "${first}" (see dr-syncer help)`);
  }
  if (rest.some((a) => HELP_FLAGS.has(a))) {
    return { ok: true, invocation: { command: "help", topic: first } };
  }
  return parseFlags(first, rest);
}

function parseHelp(rest: readonly string[]): ParseResult {
  const [topic, ...extra] = rest;
  if (extra.length > 0) return fail(`help: unexpected argument "${extra[0]}"`);
  if (topic === undefined) return { ok: true, invocation: { command: "help" } };
  if (!isCommand(topic)) return fail(`help: unknown command "${topic}"`);
  return { ok: true, invocation: { command: "help", topic } };
}

function fail(error: string): ParseResult {
  return { ok: false, error };
}

/** Finds the flag key for `--name` or `-x`. */
function lookup(
  flags: CommandSpec["flags"],
  name: string,
): string | undefined {
  return Object.keys(flags).find((k) =>
    name === `--${flagName(k)}` ||
    (!!flags[k].short && name === `-${flags[k].short}`)
  );
}

function parseFlags(
  command: CommandName,
  args: readonly string[],
): ParseResult {
  const flags: CommandSpec["flags"] = COMMANDS[command].flags;
  const values: Record<string, unknown> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith("-")) {
      return fail(`${command}: unexpected argument "${arg}"`);
    }
    const eq = arg.indexOf("=");
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const key = lookup(flags, name);
    if (key === undefined) return fail(`${command}: unknown flag ${name}`);
    const spec = flags[key];
    const shown = `--${flagName(key)}`;
    let raw: string | undefined = eq > 0 ? arg.slice(eq + 1) : undefined;
    if (raw === undefined && spec.valueName === undefined) raw = "true";
    if (raw === undefined) {
      raw = args[++i];
      if (raw === undefined || raw.startsWith("--")) {
        return fail(`${command}: ${shown} needs a value ${spec.valueName}`);
      }
    }
    if (key in values) return fail(`${command}: ${shown} given twice`);
    const read = spec.read(raw);
    if (!read.ok) return fail(`${command}: ${shown}: ${read.problem}`);
    values[key] = read.value;
  }
  return finish(command, flags, values);
}

function finish(
  command: CommandName,
  flags: CommandSpec["flags"],
  values: Record<string, unknown>,
): ParseResult {
  const spec: CommandSpec = COMMANDS[command];
  for (const group of spec.exclusive ?? []) {
    const given = group.filter((k) => k in values && values[k] !== false);
    if (given.length > 1) {
      const shown = given.map((k) => `--${flagName(k)}`).join(" and ");
      return fail(`${command}: ${shown} cannot be used together`);
    }
  }
  for (const [key, spec] of Object.entries(flags)) {
    if (key in values) continue;
    if (spec.required) {
      return fail(`${command}: missing required flag --${flagName(key)}`);
    }
    values[key] = structuredClone(spec.fallback);
  }
  const invocation = { command, ...values } as Invocation;
  return { ok: true, invocation };
}
