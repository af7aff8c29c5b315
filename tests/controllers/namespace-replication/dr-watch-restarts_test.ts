/**
 * Issue 15 item 8: DR-side watch restarts are logged and counted in
 * drsyncer_watch_restarts_total{cluster=<RemoteCluster>} (only the source's
 * were before).
 */
import "../../../lib/preload.ts";
import { assert } from "../../assert.ts";
import { samples } from "../../lib/metrics/exposition.ts";
import { configMap } from "../../lib/engine/fixtures.ts";
import {
  put,
  simOf,
  simOnly,
  sourceNamespace,
  standardSetup,
  synced,
  until,
  withController,
} from "../harness.ts";

Deno.test(
  "DR watch restarts are logged and counted under the RemoteCluster's name",
  simOnly("needs cut watches (faults.cutWatches)", async () => {
    await withController(async (e) => {
      await sourceNamespace(e, "shop");
      await put(e, "shop", [configMap("c", { v: "1" })]);
      await standardSetup(e);
      e.start();
      await synced(e);
      simOf(e).dr.faults.cutWatches({ abrupt: true });
      await until("counted", async () => {
        const page = await e.metrics.scrape();
        return samples(page, "drsyncer_watch_restarts_total", { cluster: "dr" })
          .some((s) => s.value > 0);
      });
      assert(
        e.logs.some((l) =>
          l.includes("DR watch restarting") &&
          l.includes('"remoteCluster":"dr"')
        ),
        e.logs.join("\n"),
      );
    });
  }),
);
