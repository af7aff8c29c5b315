/**
 * The command line (contract §5): one table of commands and flags, from
 * which both the parser and the help text are made. Pure: argv in, a typed
 * config or a one-line usage error out.
 */
import {
  flagName,
  type FlagSpec,
  readAddress,
  readChoice,
  readNamespace,
  readNamespacePair,
  readResourceTypes,
  readText,
  switchFlag,
  valueFlag,
  type ValueOf,
} from "./flags.ts";
import { LOG_FORMATS, LOG_LEVELS, type LogFormat } from "../log/levels.ts";

const DEFAULT_NAMESPACE = "dr-syncer-system";

const logFlags = (format: LogFormat) => ({
  logFormat: valueFlag("log line format", "FORMAT", readChoice(LOG_FORMATS), {
    fallback: format,
  }),
  logLevel: valueFlag(
    `lowest level logged: ${LOG_LEVELS.join(", ")}`,
    "LEVEL",
    readChoice(LOG_LEVELS, { warn: "warning" }),
    { fallback: "info" },
  ),
});

const from = valueFlag("kubeconfig of the source cluster", "FILE", readText, {
  required: true,
});
const to = valueFlag("kubeconfig of the DR cluster", "FILE", readText, {
  required: true,
});
const pair = valueFlag(
  "source namespace, and the DR namespace if it differs",
  "SRC[:DST]",
  readNamespacePair,
  { required: true },
);
const drKubeconfig = valueFlag(
  "kubeconfig of the DR cluster",
  "FILE",
  readText,
  {
    required: true,
  },
);
const drNamespace = valueFlag("DR namespace", "NS", readNamespace, {
  required: true,
});

/** Every command with its summary and flags. */
export const COMMANDS = {
  run: {
    summary: "run the controller",
    flags: {
      kubeconfig: valueFlag(
        "kubeconfig of the source cluster (default: $KUBECONFIG, ~/.kube/config, then in-cluster)",
        "FILE",
        readText,
      ),
      namespace: valueFlag(
        "namespace whose RemoteClusters, NamespaceMappings and NamespaceReplications are honoured",
        "NS",
        readNamespace,
        { fallback: DEFAULT_NAMESPACE },
      ),
      leaderElect: switchFlag("elect one active replica through a Lease"),
      metricsAddr: valueFlag("serve /metrics on", "ADDR", readAddress, {
        fallback: { hostname: "0.0.0.0", port: 8080 },
      }),
      healthAddr: valueFlag(
        "serve /healthz and /readyz on",
        "ADDR",
        readAddress,
        {
          fallback: { hostname: "0.0.0.0", port: 8081 },
        },
      ),
      ...logFlags("json"),
    },
  },
  sync: {
    summary: "sync one namespace once, without installing anything",
    flags: {
      from,
      to,
      namespace: pair,
      types: valueFlag(
        "only these resource types, comma-separated (plural or plural.group)",
        "LIST",
        readResourceTypes,
      ),
      dryRun: switchFlag(
        "print the plan (create/update/delete/unchanged) and write nothing",
      ),
      output: valueFlag("plan format", "FORMAT", readChoice(["text", "json"]), {
        fallback: "text",
        short: "o",
      }),
      ...logFlags("pretty"),
    },
  },
  promote: {
    summary: "fail over: scale DR copies to their source replica counts",
    flags: {
      kubeconfig: drKubeconfig,
      namespace: drNamespace,
      dryRun: switchFlag("print what would change and write nothing"),
      ...logFlags("pretty"),
    },
  },
  demote: {
    summary: "back to standby: scale DR copies to zero",
    flags: {
      kubeconfig: drKubeconfig,
      namespace: drNamespace,
      dryRun: switchFlag("print what would change and write nothing"),
      ...logFlags("pretty"),
    },
  },
  cutover: {
    summary:
      "planned failover: final sync, scale the source to zero, promote DR",
    flags: { from, to, namespace: pair, ...logFlags("pretty") },
  },
  failback: {
    summary: "reverse a cutover: hand the workloads back to the source",
    flags: {
      from,
      to,
      namespace: pair,
      syncBack: switchFlag("first copy DR-side changes back to the source"),
      ...logFlags("pretty"),
    },
  },
  crds: {
    summary: "print the CRD manifests for kubectl apply -f -",
    flags: {},
  },
  version: { summary: "print the version and the Deno version", flags: {} },
} satisfies Record<string, CommandSpec>;

/** A command's summary and flags. */
export interface CommandSpec {
  summary: string;
  // deno-lint-ignore no-explicit-any
  flags: Record<string, FlagSpec<any>>;
}

export type CommandName = keyof typeof COMMANDS;

/** The parsed config of one command. */
export type ConfigOf<C extends CommandName> =
  & { command: C }
  & {
    -readonly [K in keyof typeof COMMANDS[C]["flags"]]: ValueOf<
      typeof COMMANDS[C]["flags"][K]
    >;
  };

/** What the user asked for. */
export type Invocation =
  | { [C in CommandName]: ConfigOf<C> }[CommandName]
  | { command: "help"; topic?: CommandName };

/** Result of parsing argv: an invocation or a one-line usage error. */
export type ParseResult =
  | { ok: true; invocation: Invocation }
  | { ok: false; error: string };

/** Type guard for command names. */
export function isCommand(name: string): name is CommandName {
  return Object.hasOwn(COMMANDS, name);
}

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
