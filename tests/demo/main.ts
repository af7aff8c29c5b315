/**
 * `deno task demo`: DR Syncer end to end with no cluster at all. Two
 * simulated clusters, the real controller process (`main.ts run`, with the
 * RBAC of deploy/), a sample app, a live side-by-side view, a change, and a
 * failover with `dr-syncer promote`. Exits 0 and leaves nothing running.
 *
 * Flags: --fast (no pauses; CI), --plain (sequential snapshots even on a
 * terminal), --keep (keep clusters and controller up until Ctrl-C, and the
 * directory), --dir DIR (files go there and stay), --log-level LEVEL,
 * --world sim|real (default DRS_WORLD, else sim: tests/world).
 */
import "../../lib/preload.ts";
import { startWorld, type WorldName } from "../world/mod.ts";
import { Screen } from "./screen.ts";
import {
  change,
  closeDemo,
  type Demo,
  demoOf,
  firstSync,
  install,
  promote,
} from "./scenario.ts";

interface Flags {
  fast: boolean;
  plain: boolean;
  keep: boolean;
  dir?: string;
  logLevel: string;
  world?: WorldName;
}

const SWITCHES = {
  "--fast": "fast",
  "--plain": "plain",
  "--keep": "keep",
} as const;
const VALUES = {
  "--dir": "dir",
  "--log-level": "logLevel",
  "--world": "world",
} as const;

/** Parses the demo's flags; a message string on a mistake. */
export function parseFlags(args: string[]): Flags | string {
  const f: Flags = { fast: false, plain: false, keep: false, logLevel: "info" };
  for (let i = 0; i < args.length; i++) {
    const [name, inline] = args[i].split(/=(.*)/s, 2);
    if (name in SWITCHES) {
      f[SWITCHES[name as keyof typeof SWITCHES]] = true;
      continue;
    }
    if (!(name in VALUES)) return `unknown flag ${args[i]}`;
    const value = inline ?? args[++i];
    if (!value) return `${name} needs a value`;
    if (name === "--world" && value !== "sim" && value !== "real") {
      return `--world must be sim or real, not ${value}`;
    }
    (f as unknown as Record<string, string>)[
      VALUES[name as keyof typeof VALUES]
    ] = value;
  }
  return f;
}

function waitForInterrupt(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      Deno.removeSignalListener("SIGINT", done);
      resolve();
    };
    Deno.addSignalListener("SIGINT", done);
  });
}

async function scenario(d: Demo, flags: Flags): Promise<void> {
  const { source, dr } = d.world.clusters;
  d.screen.say(
    `DR Syncer demo: two ${
      d.world.name === "real"
        ? "real Kubernetes control planes"
        : "simulated Kubernetes clusters"
    }, the real controller.`,
  );
  d.screen.say(
    `  source: ${source.url}  kubectl --kubeconfig ${source.kubeconfigPath} get all -n shop`,
  );
  d.screen.say(
    `  DR:     ${dr.url}  kubectl --kubeconfig ${dr.kubeconfigPath} get all -n shop-dr`,
  );
  const kubeconfig = await install(d);
  d.screen.say(
    "installed: CRDs, RBAC of deploy/ and deploy/dr-cluster, sample app in shop " +
      "(Deployment, Service, Ingress, ConfigMap, Secret, PVC), RemoteCluster dr, " +
      "NamespaceMapping shop, NamespaceReplication shop-to-dr\n",
  );
  await firstSync(d, kubeconfig);
  await change(d);
  await promote(d);
  if (flags.keep) {
    d.screen.say(
      "--keep: clusters and controller stay up for kubectl (commands above); Ctrl-C to stop.",
    );
    await waitForInterrupt();
  }
  const code = await d.controller!.stop();
  d.screen.say(
    `controller stopped (exit ${code}); its log: ${d.controller!.logPath}`,
  );
  if (code !== 0) throw new Error(`controller exited ${code}`);
}

/** Runs the demo; resolves with the exit code. */
export async function demo(args: string[]): Promise<number> {
  const flags = parseFlags(args);
  if (typeof flags === "string") {
    console.error(`demo: ${flags}`);
    return 2;
  }
  const keepDir = flags.keep || flags.dir !== undefined;
  const dir = flags.dir ??
    await Deno.makeTempDir({ prefix: "dr-syncer-demo-" });
  // Real clusters have no scheduler or kubelet: Pods are made, never Ready (tests/world/README.md).
  const world = await startWorld({
    clusters: ["source", "dr"],
    dir,
    world: flags.world,
    workloadStatus: true,
  });
  const screen = new Screen(!flags.plain && Deno.stdout.isTerminal());
  const d = demoOf(world, screen, {
    fast: flags.fast,
    logLevel: flags.logLevel,
  });
  try {
    await scenario(d, flags);
    screen.say(
      keepDir
        ? `files kept in ${dir}`
        : "cleaned up: clusters stopped, files removed",
    );
    screen.say("demo finished");
    return 0;
  } catch (e) {
    console.error(`demo failed: ${e instanceof Error ? e.message : e}`);
    return 1;
  } finally {
    await d.controller?.stop();
    closeDemo(d);
    await world.stop();
    if (!keepDir) await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

if (import.meta.main) Deno.exit(await demo(Deno.args));
