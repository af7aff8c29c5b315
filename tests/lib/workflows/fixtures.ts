/**
 * Helpers for the workflow commands end to end: a recording WorkflowIo, the
 * commands run in-process from argv (the real parser), and builders for the
 * parkable kinds. The two clusters come from tests/lib/engine/fixtures.ts.
 */
import "../../../lib/preload.ts";
import { parseArgs } from "../../../lib/cli/args.ts";
import type { WorkflowIo } from "../../../lib/workflows/io.ts";
import { sync } from "../../../lib/workflows/sync.ts";
import { promote } from "../../../lib/workflows/promote.ts";
import { demote } from "../../../lib/workflows/demote.ts";
import { cutover } from "../../../lib/workflows/cutover.ts";
import { failback } from "../../../lib/workflows/failback.ts";
import type { KubeObject } from "../../../lib/sync/types.ts";
import type { TwoClusters } from "../engine/fixtures.ts";

export {
  configMap,
  deployment,
  engineInput,
  pass,
  seed,
  type TwoClusters,
  withTwoClusters,
} from "../engine/fixtures.ts";

/** Verbs that change something, for request counters. */
export const WRITES = { verbs: ["create", "update", "patch", "delete"] };
/** The fixed "now" of every command run here. */
export const NOW = new Date("2026-11-26T10:00:00.123Z");

/** A WorkflowIo that keeps what was printed. */
export interface RecordingIo extends WorkflowIo {
  stdout: string[];
  stderr: string[];
  raw: string[];
}

export function recordingIo(
  interactive = false,
  now: Date = NOW,
): RecordingIo {
  const io: RecordingIo = {
    stdout: [],
    stderr: [],
    raw: [],
    out: (text) => io.stdout.push(text),
    err: (text) => io.stderr.push(text),
    errRaw: (text) => io.raw.push(text),
    interactive,
    now: () => now,
  };
  return io;
}

/** What one command run gave. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  io: RecordingIo;
}

const COMMANDS = { sync, promote, demote, cutover, failback };

/**
 * Runs a workflow command in-process. `$SRC` and `$DR` in argv stand for
 * the kubeconfig files of the two clusters.
 */
export async function cli(
  t: TwoClusters,
  argv: string[],
  io = recordingIo(),
): Promise<CliRun> {
  const args = argv.map((a) =>
    a.replace("$SRC", t.source.kubeconfigPath).replace(
      "$DR",
      t.dr.kubeconfigPath,
    )
  );
  const parsed = parseArgs(args);
  if (!parsed.ok) throw new Error(parsed.error);
  const inv = parsed.invocation;
  if (!(inv.command in COMMANDS)) throw new Error(`not a workflow: ${args}`);
  const run = COMMANDS[inv.command as keyof typeof COMMANDS] as (
    cfg: typeof inv,
    io: WorkflowIo,
  ) => Promise<number>;
  const code = await run(inv, io);
  return {
    code,
    stdout: io.stdout.join("\n"),
    stderr: io.stderr.join("\n"),
    io,
  };
}

/** Live object, read through the admin API. */
export async function live(
  t: TwoClusters,
  side: "src" | "drApi",
  resource: string,
  ns: string,
  name: string,
  group = "apps",
): Promise<KubeObject> {
  const o = await t[side].get(t.type(resource, group), ns, name);
  if (!o) throw new Error(`${resource} ${ns}/${name} not found`);
  return o;
}

// deno-lint-ignore no-explicit-any
export function spec(o: KubeObject): any {
  return o.spec;
}

function podTemplate(app: string, extra: Record<string, unknown> = {}) {
  return {
    metadata: { labels: { app } },
    spec: { containers: [{ name: "c", image: "nginx:1.27" }], ...extra },
  };
}

export function statefulSet(name: string, replicas: number): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: { name },
    spec: {
      replicas,
      serviceName: name,
      selector: { matchLabels: { app: name } },
      template: podTemplate(name),
    },
  };
}

export function daemonSet(
  name: string,
  nodeSelector: Record<string, string>,
): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name },
    spec: {
      selector: { matchLabels: { app: name } },
      template: podTemplate(name, { nodeSelector }),
    },
  };
}

export function cronJob(name: string): KubeObject {
  return {
    apiVersion: "batch/v1",
    kind: "CronJob",
    metadata: { name },
    spec: {
      schedule: "@daily",
      jobTemplate: {
        spec: { template: podTemplate(name, { restartPolicy: "Never" }) },
      },
    },
  };
}
