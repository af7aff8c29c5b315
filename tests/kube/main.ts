/**
 * `deno task kube --dir DIR [--clusters source,dr]`: real Kubernetes control planes (contract §8)
 * until SIGINT/SIGTERM. Builds the pinned binaries on first use, writes DIR/<name>.kubeconfig
 * (admin) and prints `kube ready` once every cluster serves and its controllers run.
 */
import { parseArgs } from "node:util";
import { startKube } from "./mod.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    dir: { type: "string" },
    clusters: { type: "string", default: "source,dr" },
  },
});
if (!values.dir) {
  console.error("usage: deno task kube --dir DIR [--clusters source,dr]");
  Deno.exit(2);
}
await Deno.mkdir(values.dir, { recursive: true });

// A signal while starting: exit at once; the children die with us (see process.ts).
const early = () => Deno.exit(130);
Deno.addSignalListener("SIGINT", early);
Deno.addSignalListener("SIGTERM", early);

const started = performance.now();
let kube;
try {
  kube = await startKube({
    dir: values.dir,
    clusters: values.clusters.split(",").map((s) => s.trim()).filter(Boolean),
    log: (line) => console.error(line),
  });
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  Deno.exit(1);
}
for (const c of Object.values(kube.clusters)) {
  console.error(`${c.name}: ${c.url} (${c.kubeconfigPath})`);
}
console.error(
  `kube: ready in ${((performance.now() - started) / 1000).toFixed(1)} s`,
);
console.log("kube ready");

let stopping = false;
async function shutdown(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await kube!.stop();
  Deno.exit(0);
}
Deno.removeSignalListener("SIGINT", early);
Deno.removeSignalListener("SIGTERM", early);
Deno.addSignalListener("SIGINT", () => void shutdown());
Deno.addSignalListener("SIGTERM", () => void shutdown());
