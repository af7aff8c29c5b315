import "../../../lib/preload.ts";
import { assert, assertEquals, assertMatch } from "../../assert.ts";
import {
  COMMANDS,
  type ConfigOf,
  type Invocation,
  parseArgs,
} from "../../../lib/cli/args.ts";
import { helpText } from "../../../lib/cli/help.ts";
import { flagName } from "../../../lib/cli/flags.ts";

function parsed(argv: string[]): Invocation {
  const r = parseArgs(argv);
  if (!r.ok) throw new Error(`unexpected usage error: ${r.error}`);
  return r.invocation;
}

const ANY = { hostname: "0.0.0.0" };

const goodCases: { name: string; argv: string[]; want: Invocation }[] = [
  {
    name: "run with every default",
    argv: ["run"],
    want: {
      command: "run",
      kubeconfig: undefined,
      namespace: "dr-syncer-system",
      leaderElect: false,
      sharding: false,
      metricsAddr: { ...ANY, port: 8080 },
      healthAddr: { ...ANY, port: 8081 },
      logFormat: "json",
      logLevel: "info",
    },
  },
  {
    name: "run with every flag, both value spellings",
    argv: [
      "run",
      "--kubeconfig",
      "/k",
      "--namespace=ops",
      "--leader-elect",
      "--metrics-addr",
      "127.0.0.1:9090",
      "--health-addr=[::1]:0",
      "--log-format",
      "pretty",
      "--log-level=warn",
    ],
    want: {
      command: "run",
      kubeconfig: "/k",
      namespace: "ops",
      leaderElect: true,
      sharding: false,
      metricsAddr: { hostname: "127.0.0.1", port: 9090 },
      healthAddr: { hostname: "::1", port: 0 },
      logFormat: "pretty",
      logLevel: "warning",
    },
  },
  {
    name: "run --sharding",
    argv: ["run", "--sharding"],
    want: {
      command: "run",
      kubeconfig: undefined,
      namespace: "dr-syncer-system",
      leaderElect: false,
      sharding: true,
      metricsAddr: { ...ANY, port: 8080 },
      healthAddr: { ...ANY, port: 8081 },
      logFormat: "json",
      logLevel: "info",
    },
  },
  {
    name: "sync with SRC:DST, types, dry run and -o json",
    argv: [
      "sync",
      "--from",
      "a.kc",
      "--to",
      "b.kc",
      "--namespace",
      "shop:shop-dr",
      "--types",
      "deployments.apps, services",
      "--dry-run",
      "-o",
      "json",
      "--owner",
      "dr-syncer-system.shop",
      "--allow-mass-prune",
    ],
    want: {
      command: "sync",
      from: "a.kc",
      to: "b.kc",
      namespace: { source: "shop", destination: "shop-dr" },
      types: ["deployments.apps", "services"],
      dryRun: true,
      output: "json",
      owner: "dr-syncer-system.shop",
      allowMassPrune: true,
      logFormat: "pretty",
      logLevel: "info",
    },
  },
  {
    name: "failback: DST defaults to SRC, --sync-back=false is accepted",
    argv: [
      "failback",
      "--from=a",
      "--to=b",
      "--namespace=shop",
      "--sync-back=false",
    ],
    want: {
      command: "failback",
      from: "a",
      to: "b",
      namespace: { source: "shop", destination: "shop" },
      syncBack: false,
      dryRun: false,
      logFormat: "pretty",
      logLevel: "info",
    },
  },
  {
    name: "cutover --dry-run",
    argv: ["cutover", "--from=a", "--to=b", "--namespace=shop", "--dry-run"],
    want: {
      command: "cutover",
      from: "a",
      to: "b",
      namespace: { source: "shop", destination: "shop" },
      types: undefined,
      owner: undefined,
      allowMassPrune: false,
      dryRun: true,
      logFormat: "pretty",
      logLevel: "info",
    },
  },
  {
    name: "status: defaults",
    argv: ["status"],
    want: {
      command: "status",
      kubeconfig: undefined,
      namespace: "dr-syncer-system",
      output: "text",
    },
  },
  {
    name: "status: every flag",
    argv: ["status", "--kubeconfig", "k", "--namespace", "ops", "-o", "json"],
    want: {
      command: "status",
      kubeconfig: "k",
      namespace: "ops",
      output: "json",
    },
  },
  { name: "version", argv: ["version"], want: { command: "version" } },
  { name: "--version", argv: ["--version"], want: { command: "version" } },
  { name: "crds", argv: ["crds"], want: { command: "crds" } },
  { name: "help", argv: ["help"], want: { command: "help" } },
  { name: "--help", argv: ["--help"], want: { command: "help" } },
  {
    name: "help topic",
    argv: ["help", "promote"],
    want: { command: "help", topic: "promote" },
  },
  {
    name: "command --help",
    argv: ["sync", "-h"],
    want: { command: "help", topic: "sync" },
  },
]; // deno-fmt-ignore

for (const c of goodCases) {
  Deno.test(`args: ${c.name}`, () => {
    assertEquals(parsed(c.argv), c.want);
  });
}

const badCases: { name: string; argv: string[]; error: string }[] = [
  {
    name: "no command",
    argv: [],
    error: "missing command (see dr-syncer help)",
  },
  {
    name: "leader election and sharding together",
    argv: ["run", "--sharding", "--leader-elect"],
    error: "run: --leader-elect and --sharding cannot be used together",
  },
  {
    name: "unknown command",
    argv: ["sink"],
    error: 'unknown command "sink" (see dr-syncer help)',
  },
  {
    name: "unknown flag",
    argv: ["run", "--verbose"],
    error: "run: unknown flag --verbose",
  },
  {
    name: "flag of another command",
    argv: ["version", "--dry-run"],
    error: "version: unknown flag --dry-run",
  },
  {
    name: "positional argument",
    argv: ["crds", "extra"],
    error: 'crds: unexpected argument "extra"',
  },
  {
    name: "missing value at end",
    argv: ["run", "--kubeconfig"],
    error: "run: --kubeconfig needs a value FILE",
  },
  {
    name: "flag where a value belongs",
    argv: ["run", "--namespace", "--leader-elect"],
    error: "run: --namespace needs a value NS",
  },
  {
    name: "bad enum",
    argv: ["run", "--log-format", "xml"],
    error: 'run: --log-format: "xml" is not one of json, pretty',
  },
  {
    name: "bad address",
    argv: ["run", "--metrics-addr", "8080"],
    error: 'run: --metrics-addr: "8080" is not HOST:PORT or :PORT',
  },
  {
    name: "port out of range",
    argv: ["run", "--health-addr", ":70000"],
    error: 'run: --health-addr: ":70000" is not HOST:PORT or :PORT',
  },
  {
    name: "bad namespace",
    argv: ["run", "--namespace", "Ops"],
    error: 'run: --namespace: "Ops" is not a valid namespace name',
  },
  {
    name: "bad switch value",
    argv: ["run", "--leader-elect=yes"],
    error: 'run: --leader-elect: "yes" is not true or false',
  },
  {
    name: "repeated flag",
    argv: ["run", "--namespace=a", "--namespace=b"],
    error: "run: --namespace given twice",
  },
  {
    name: "missing required flag",
    argv: ["promote", "--namespace", "shop"],
    error: "promote: missing required flag --kubeconfig",
  },
  {
    name: "bad pair",
    argv: ["cutover", "--from=a", "--to=b", "--namespace=a:b:c"],
    error: 'cutover: --namespace: "a:b:c" is not SRC or SRC:DST',
  },
  {
    name: "bad destination",
    argv: ["cutover", "--from=a", "--to=b", "--namespace=a:B"],
    error: 'cutover: --namespace: "B" is not a valid namespace name',
  },
  {
    name: "bad owner label value",
    argv: ["sync", "--from=a", "--to=b", "--namespace=a", "--owner=-x"],
    error: 'sync: --owner: "-x" is not a valid label value',
  },
  {
    name: "bad type",
    argv: ["sync", "--from=a", "--to=b", "--namespace=a", "--types=Deployment"],
    error:
      'sync: --types: "Deployment" is not a resource type like deployments or widgets.example.com',
  },
  {
    name: "empty file",
    argv: ["sync", "--from=", "--to=b", "--namespace=a"],
    error: "sync: --from: must not be empty",
  },
  {
    name: "help for unknown topic",
    argv: ["help", "nope"],
    error: 'help: unknown command "nope"',
  },
]; // deno-fmt-ignore

for (const c of badCases) {
  Deno.test(`args: usage error for ${c.name}`, () => {
    assertEquals(parseArgs(c.argv), { ok: false, error: c.error });
  });
}

Deno.test("args: defaults are fresh objects per parse", () => {
  const a = parsed(["run"]) as ConfigOf<"run">;
  a.metricsAddr.port = 1;
  const b = parsed(["run"]) as ConfigOf<"run">;
  assertEquals(b.metricsAddr.port, 8080);
});

Deno.test("args: configs are typed from the flag table", () => {
  const argv = ["sync", "--from=a", "--to=b", "--namespace=s"];
  const s = parsed(argv) as ConfigOf<"sync">;
  // These annotations fail type-checking if the inferred types drift.
  const source: string = s.namespace.source;
  const types: string[] | undefined = s.types;
  const output: "text" | "json" = s.output;
  const dryRun: boolean = s.dryRun;
  assertEquals([source, types, output, dryRun], [
    "s",
    undefined,
    "text",
    false,
  ]);
});

Deno.test("help lists every command and every flag of each", () => {
  const overview = helpText();
  for (const [name, spec] of Object.entries(COMMANDS)) {
    assertMatch(overview, new RegExp(`^  ${name} +${spec.summary}$`, "m"));
    const text = helpText(name as keyof typeof COMMANDS);
    for (const key of Object.keys(spec.flags)) {
      assert(text.includes(`--${flagName(key)}`), `${name} --${key}`);
    }
  }
  assertMatch(
    helpText("run"),
    /--metrics-addr ADDR +serve .* \(default :8080\)/,
  );
  assertMatch(
    helpText("sync"),
    /Usage: dr-syncer sync --from FILE .*\[-o FORMAT\]/,
  );
});
