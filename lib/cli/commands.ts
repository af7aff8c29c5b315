/**
 * The command table (contract §5): every command, its summary and flags.
 * The parser (args.ts) and the help (help.ts) are both made from it, and
 * the config types are inferred from it.
 */
import {
  type FlagSpec,
  readAddress,
  readChoice,
  readLabelValue,
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
const owner = valueFlag(
  "ownership label value of the copies (default: the DR namespace's, else cli.SRC)",
  "VALUE",
  readLabelValue,
);
const allowMassPrune = switchFlag(
  "delete orphaned copies even when the mass-deletion guard holds them back",
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
      sharding: switchFlag(
        "every replica active: NamespaceReplications split over the live replicas through Leases",
      ),
      metricsAddr: valueFlag(
        "serve /metrics on [host]:port; the default :8080 listens on every interface (give 127.0.0.1:8080 to keep it local)",
        "ADDR",
        readAddress,
        {
          fallback: { hostname: "0.0.0.0", port: 8080 },
        },
      ),
      healthAddr: valueFlag(
        "serve /healthz and /readyz on [host]:port; the default :8081 listens on every interface",
        "ADDR",
        readAddress,
        {
          fallback: { hostname: "0.0.0.0", port: 8081 },
        },
      ),
      ...logFlags("json"),
    },
    exclusive: [["leaderElect", "sharding"]],
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
      output: valueFlag(
        "output: text or json",
        "FORMAT",
        readChoice(["text", "json"]),
        {
          fallback: "text",
          short: "o",
        },
      ),
      owner,
      allowMassPrune,
      ...logFlags("pretty"),
    },
  },
  promote: {
    summary: "fail over: scale DR copies to their source replica counts",
    flags: {
      kubeconfig: drKubeconfig,
      namespace: drNamespace,
      dryRun: switchFlag("print what would change and write nothing"),
      force: switchFlag(
        "promote even when a replicated volume has no usable image",
      ),
      ...logFlags("pretty"),
    },
  },
  demote: {
    summary: "back to standby: scale DR copies to zero",
    flags: {
      kubeconfig: drKubeconfig,
      namespace: drNamespace,
      dryRun: switchFlag("print what would change and write nothing"),
      discardDrChanges: switchFlag(
        "demote even though DR objects changed since promote (they are overwritten by the next sync)",
      ),
      ...logFlags("pretty"),
    },
  },
  cutover: {
    summary:
      "planned failover: final sync, scale the source to zero, promote DR",
    flags: {
      from,
      to,
      namespace: pair,
      types: valueFlag(
        "only these resource types in the final sync (plural or plural.group)",
        "LIST",
        readResourceTypes,
      ),
      owner,
      allowMassPrune,
      dryRun: switchFlag(
        "print every write of the cutover (final sync, source scale-down, promote) and write nothing",
      ),
      ...logFlags("pretty"),
    },
  },
  failback: {
    summary: "reverse a cutover: hand the workloads back to the source",
    flags: {
      from,
      to,
      namespace: pair,
      syncBack: switchFlag("first copy DR-side changes back to the source"),
      dryRun: switchFlag(
        "print every write of the failback (sync back, demote, source start) and write nothing",
      ),
      ...logFlags("pretty"),
    },
  },
  status: {
    summary:
      "one line per NamespaceReplication; exit 1 when one is Failed or past its RPO objective",
    flags: {
      kubeconfig: valueFlag(
        "kubeconfig of the source cluster (default: $KUBECONFIG, ~/.kube/config, then in-cluster)",
        "FILE",
        readText,
      ),
      namespace: valueFlag(
        "the controller's namespace, where the NamespaceReplications are",
        "NS",
        readNamespace,
        { fallback: DEFAULT_NAMESPACE },
      ),
      output: valueFlag(
        "output: text or json",
        "FORMAT",
        readChoice(["text", "json"]),
        { fallback: "text", short: "o" },
      ),
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
  /** Groups of flags of which at most one may be given. */
  exclusive?: readonly (readonly string[])[];
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

/** Type guard for command names. */
export function isCommand(name: string): name is CommandName {
  return Object.hasOwn(COMMANDS, name);
}
