/** Help text, made from the same table the parser reads. */
import { type CommandName, COMMANDS, type CommandSpec } from "./commands.ts";
import { flagName, type FlagSpec } from "./flags.ts";

const PROGRAM = "dr-syncer";

/** The general help, or one command's help when `topic` is given. */
export function helpText(topic?: CommandName): string {
  return topic === undefined ? overview() : commandHelp(topic);
}

function overview(): string {
  const names = Object.keys(COMMANDS) as CommandName[];
  const width = Math.max(...names.map((n) => n.length));
  const rows = names.map((n) => `  ${n.padEnd(width)}  ${COMMANDS[n].summary}`);
  return [
    `${PROGRAM}: keeps a disaster-recovery copy of namespaces in a second cluster`,
    "",
    `Usage: ${PROGRAM} <command> [flags]`,
    "",
    "Commands:",
    ...rows,
    "",
    `Run '${PROGRAM} help <command>' for a command's flags.`,
    "Exit codes: 0 success, 1 failure, 2 usage error.",
  ].join("\n");
}

// deno-lint-ignore no-explicit-any
type AnyFlag = FlagSpec<any>;

function usageOf(key: string, spec: AnyFlag): string {
  const name = spec.short ? `-${spec.short}` : `--${flagName(key)}`;
  const text = spec.valueName ? `${name} ${spec.valueName}` : name;
  return spec.required ? text : `[${text}]`;
}

function describeFlag(key: string, spec: AnyFlag): string {
  const short = spec.short ? `-${spec.short}, ` : "";
  const value = spec.valueName ? ` ${spec.valueName}` : "";
  return `${short}--${flagName(key)}${value}`;
}

function shownDefault(spec: AnyFlag): string {
  const v = spec.fallback;
  if (v === undefined || v === false) return "";
  if (typeof v === "object" && v !== null && "port" in v) {
    return ` (default :${v.port})`;
  }
  return ` (default ${v})`;
}

function commandHelp(command: CommandName): string {
  const flags: CommandSpec["flags"] = COMMANDS[command].flags;
  const entries = Object.entries(flags);
  const usage = [PROGRAM, command, ...entries.map(([k, s]) => usageOf(k, s))];
  const left = entries.map(([k, s]) => describeFlag(k, s));
  const width = Math.max(0, ...left.map((l) => l.length));
  const rows = entries.map(([, s], i) =>
    `  ${left[i].padEnd(width)}  ${s.help}${shownDefault(s)}`
  );
  return [
    `${PROGRAM} ${command}: ${COMMANDS[command].summary}`,
    "",
    `Usage: ${usage.join(" ")}`,
    ...(rows.length ? ["", "Flags:", ...rows] : []),
  ].join("\n");
}
