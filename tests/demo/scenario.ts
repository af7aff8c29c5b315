/**
 * What the demo does, step by step, against running clusters: install,
 * create the sample app and DR Syncer objects, start the controller, watch
 * the first sync, make a change, promote. Each step waits on a condition
 * while the screen shows the side-by-side view.
 */
import { CRDS } from "../../crds/mod.ts";
import type { World } from "../world/mod.ts";
import { installSide } from "../deploy/sim-rbac.ts";
import { Api } from "./api.ts";
import { type ControllerProcess, runCli, startController } from "./process.ts";
import {
  DR_NS,
  drSyncerObjects,
  sampleApp,
  SOURCE_NS,
  SYSTEM_NS,
} from "./sample.ts";
import type { Snapshot } from "./view.ts";
import { takeSnapshot } from "./snapshot.ts";
import type { Screen } from "./screen.ts";

/** Demo settings from the command line. */
export interface DemoOptions {
  fast: boolean;
  logLevel: string;
}

const STEP_TIMEOUT_MS = 30_000;
/** State shared by the steps. */
export interface Demo {
  world: World;
  src: Api;
  dr: Api;
  screen: Screen;
  opts: DemoOptions;
  controller?: ControllerProcess;
}

function admin(world: World, name: "source" | "dr"): Api {
  const c = world.clusters[name];
  return new Api({ url: c.url, token: c.adminToken, caPem: c.caPem });
}

/** Admin clients for both clusters of `world`. */
export function demoOf(
  world: World,
  screen: Screen,
  opts: DemoOptions,
): Demo {
  return {
    world,
    src: admin(world, "source"),
    dr: admin(world, "dr"),
    screen,
    opts,
  };
}

/** Reads both clusters, the replication status and the RPO gauge. */
function snapshot(d: Demo, title: string): Promise<Snapshot> {
  return takeSnapshot(d.src, d.dr, d.controller?.metricsUrl, title);
}

/** Shows the view until `done` holds on a snapshot; fails after a bound. */
async function watchUntil(
  d: Demo,
  title: string,
  done: (s: Snapshot, dr: Api) => Promise<boolean> | boolean,
): Promise<void> {
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  const minUntil = Date.now() + (d.opts.fast ? 0 : 3000);
  while (true) {
    const s = await snapshot(d, title);
    d.screen.frame(s);
    if (await done(s, d.dr) && Date.now() >= minUntil) {
      return d.screen.settle(s);
    }
    if (Date.now() > deadline) {
      d.screen.settle(s);
      throw new Error(
        `step "${title}" did not finish in ${STEP_TIMEOUT_MS / 1000}s`,
      );
    }
    await new Promise((r) => setTimeout(r, d.opts.fast ? 100 : 500));
  }
}

/** CRDs, RBAC identities, sample app, kubeconfig Secret and our three objects. */
export async function install(d: Demo): Promise<string> {
  for (const crd of CRDS) {
    await d.src.create(
      "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
      crd,
    );
  }
  const own = await installSide(d.world.clusters.source, "source");
  const drSide = await installSide(d.world.clusters.dr, "dr");
  const kubeconfig = `${d.world.dir}/controller.kubeconfig`;
  await Deno.writeTextFile(kubeconfig, own.kubeconfig, { mode: 0o600 });
  for (const [path, body] of sampleApp()) await d.src.create(path, body);
  await d.src.create(`/api/v1/namespaces/${SYSTEM_NS}/secrets`, {
    metadata: { name: "dr-kubeconfig" },
    stringData: { kubeconfig: drSide.kubeconfig },
  });
  for (const [path, body] of drSyncerObjects()) await d.src.create(path, body);
  return kubeconfig;
}

const dep = (s: Snapshot, side: "source" | "dr") =>
  s[side].find((r) => r.kind === "Deployment")?.detail ?? "";

/** Starts the controller and waits for the first complete sync. */
export async function firstSync(d: Demo, kubeconfig: string): Promise<void> {
  d.controller = await startController({
    kubeconfig,
    logPath: `${d.world.dir}/controller.log`,
    logLevel: d.opts.logLevel,
  });
  d.screen.say(
    `controller running as "main.ts run" (log: ${d.controller.logPath}), metrics ${d.controller.metricsUrl}`,
  );
  await watchUntil(
    d,
    "first sync: copies arrive parked (replicas 0)",
    (s) =>
      s.phase === "Synced" && s.dr.length === s.source.length &&
      /parked, was 3/.test(dep(s, "dr")) &&
      // Status tells the truth: what the first sync wrote stays shown.
      /created [1-9]/.test(s.counts),
  );
}

/** Scales the source and edits a ConfigMap; waits for both on DR. */
export async function change(d: Demo): Promise<void> {
  const ns = `namespaces/${SOURCE_NS}`;
  await d.src.patch(`/apis/apps/v1/${ns}/deployments/web`, {
    spec: { replicas: 5 },
  });
  await d.src.patch(`/api/v1/${ns}/configmaps/web-config`, {
    data: { greeting: "hello from v2" },
  });
  d.screen.say("changed the source: web scaled to 5, greeting set to v2");
  await watchUntil(
    d,
    "change arrives on DR",
    (s) =>
      /parked, was 5/.test(dep(s, "dr")) &&
      s.dr.some((r) => r.detail.includes("hello from v2")),
  );
}

/** Fails over with `dr-syncer promote` and waits for replicas restored. */
export async function promote(d: Demo): Promise<void> {
  const kubeconfig = d.world.clusters.dr.kubeconfigPath;
  const args = ["promote", "--kubeconfig", kubeconfig, "--namespace", DR_NS];
  d.screen.say(`$ dr-syncer ${args.join(" ")}`);
  const { code, out } = await runCli(args);
  d.screen.say(out.trimEnd());
  if (code !== 0) throw new Error(`promote exited ${code}`);
  await watchUntil(
    d,
    "promoted: DR replicas restored, the replication says why it copies nothing",
    (s) =>
      dep(s, "dr") === "replicas 5" && s.promoted !== undefined &&
      s.phase.includes("Ready: DestinationPromoted"),
  );
}

/** Closes the admin clients. */
export function closeDemo(d: Demo): void {
  d.src.close();
  d.dr.close();
}
