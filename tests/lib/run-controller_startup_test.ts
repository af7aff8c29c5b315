/**
 * Issue 15 item 7: against a cluster without our CRDs the initial cache
 * sync never ends. /readyz says why (the caches, not a lease that election
 * has not even tried), and past the start-up deadline /healthz fails and
 * one log line names the resources that never synced.
 */
import "../../lib/preload.ts";
import { assert, assertEquals, assertMatch } from "../assert.ts";
import { runController } from "../../lib/run-controller.ts";
import type { Manager } from "../../lib/manager.ts";
import { ownKindSpec } from "../../controllers/context.ts";
import { eventually, simWriter, withSim } from "./sim-helpers.ts";

async function probe(port: number, path: string) {
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: res.status, text: await res.text() };
}

Deno.test("run: caches that never sync fail /healthz after the start-up deadline, named in one log line", async () => {
  await withSim(async (c) => {
    simWriter(c, "dr-syncer-system").namespace();
    const lines: string[] = [];
    const put = (level: string) => (m: string, p?: Record<string, unknown>) =>
      lines.push(`${level} ${m} ${JSON.stringify(p ?? {})}`);
    const log = { info: put("INFO"), warn: put("WARN"), error: put("ERROR") };
    let manager: Manager | undefined;
    const stop = new AbortController();
    const done = runController({
      kubeconfig: c.kubeconfigPath,
      namespace: "dr-syncer-system",
      leaderElect: true,
      healthAddr: { hostname: "127.0.0.1", port: 0 },
      startupTimeoutMs: 300,
      signal: stop.signal,
      env: {},
      log,
      onManager: (m) => manager = m,
    }, () => [{
      reconciler: { name: "rc", reconcile: () => Promise.resolve() },
      // Our CRDs are not installed: this list answers 404 forever.
      watches: [{
        spec: ownKindSpec("RemoteCluster", "dr-syncer-system"),
        keys: () => [],
      }],
    }]);
    try {
      await eventually(() => manager?.healthPort !== undefined, 5000, "probes");
      const port = manager!.healthPort!;
      const ready = await probe(port, "/readyz");
      assertEquals(ready.status, 503);
      assertMatch(
        ready.text,
        /caches not synced: remoteclusters\.drsyncer\.io/,
      );
      assert(!ready.text.includes("lease"), ready.text);
      await eventually(
        () => lines.some((l) => l.includes("initial cache sync overdue")),
        5000,
        "overdue log line",
      );
      const overdue = lines.filter((l) => l.includes("overdue"));
      assertEquals(overdue.length, 1);
      assertMatch(
        overdue[0],
        /remoteclusters\.drsyncer\.io in dr-syncer-system/,
      );
      const alive = await probe(port, "/healthz");
      assertEquals(alive.status, 503);
      assertMatch(alive.text, /caches not synced after 0s: remoteclusters/);
    } finally {
      stop.abort();
      assertEquals(await done, 0);
    }
  });
});
