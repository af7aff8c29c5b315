/**
 * `deno task sim --dir DIR [--clusters source,dr]`: serves simulated
 * clusters until SIGINT/SIGTERM, writing DIR/<name>.kubeconfig and printing
 * `kube-sim ready` once all of them serve.
 */
import "../../lib/preload.ts";
import { parseArgs } from "node:util";
import { startSim } from "./mod.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    dir: { type: "string" },
    clusters: { type: "string", default: "source,dr" },
    "history-size": { type: "string" },
    "no-workload-status": { type: "boolean", default: false },
  },
});
if (!values.dir) {
  console.error(
    "usage: deno task sim --dir DIR [--clusters source,dr] [--history-size N] [--no-workload-status]",
  );
  Deno.exit(2);
}
await Deno.mkdir(values.dir, { recursive: true });
const sim = await startSim({
  dir: values.dir,
  clusters: values.clusters.split(",").map((s) => s.trim()).filter(Boolean),
  historySize: values["history-size"]
    ? Number(values["history-size"])
    : undefined,
  workloadStatus: !values["no-workload-status"],
});
for (const c of Object.values(sim.clusters)) {
  console.error(`${c.name}: ${c.url} (${c.kubeconfigPath})`);
}
console.log("kube-sim ready");

let stopping = false;
async function shutdown(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await sim.stop();
  Deno.exit(0);
}
Deno.addSignalListener("SIGINT", () => void shutdown());
Deno.addSignalListener("SIGTERM", () => void shutdown());
