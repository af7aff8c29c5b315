/**
 * The benchmark's cluster process: clusters "source" and "dr" of the test
 * world (kube-sim, or real control planes with DRS_WORLD=real: tests/world) in
 * their own process (so neither the controller nor the benchmark client
 * shares a thread with the API servers), plus a small plain-HTTP control
 * port for the request counters. Prints `ready <port>` on stdout.
 *
 *   deno run -A tests/bench/sim-host.ts --dir DIR
 *   GET  /counters  → {source: {"verb group/resource": n}, dr: {...}}
 *   POST /reset     → zeroes every counter
 */
import "../../lib/preload.ts";
import { parseArgs } from "node:util";
import { startWorld } from "../world/mod.ts";

/** Large enough that no benchmark watch ever falls out of the history. */
const HISTORY_EVENTS = 400_000;

const { values } = parseArgs({
  args: Deno.args,
  options: { dir: { type: "string" } },
});
if (!values.dir) {
  console.error("usage: sim-host.ts --dir DIR");
  Deno.exit(2);
}
const sim = await startWorld({
  dir: values.dir,
  clusters: ["source", "dr"],
  historySize: HISTORY_EVENTS,
});
const control = Deno.serve(
  { hostname: "127.0.0.1", port: 0, onListen: () => {} },
  (req) => {
    const path = new URL(req.url).pathname;
    if (path === "/reset" && req.method === "POST") {
      for (const c of Object.values(sim.clusters)) c.counters.reset();
      return new Response("ok");
    }
    if (path === "/counters") {
      return Response.json({
        source: sim.clusters.source.counters.snapshot(),
        dr: sim.clusters.dr.counters.snapshot(),
      });
    }
    return new Response("not found", { status: 404 });
  },
);
console.log(`ready ${(control.addr as Deno.NetAddr).port}`);

let stopping = false;
async function shutdown(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await control.shutdown();
  await sim.stop();
  Deno.exit(0);
}
Deno.addSignalListener("SIGINT", () => void shutdown());
Deno.addSignalListener("SIGTERM", () => void shutdown());
