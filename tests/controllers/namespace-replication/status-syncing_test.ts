/**
 * Issue 15 item 8: phase Syncing was never set. A pass that runs a while
 * (here: a slow DR API server) shows it, and the pass's end replaces it.
 */
import "../../../lib/preload.ts";
import { configMap } from "../../lib/engine/fixtures.ts";
import {
  put,
  simOf,
  simOnly,
  sourceNamespace,
  standardSetup,
  statusOf,
  until,
  withController,
} from "../harness.ts";

Deno.test(
  "status: phase Syncing while a long pass runs, then Synced",
  simOnly("needs a slow API server (faults.latency)", async () => {
    await withController(async (e) => {
      await sourceNamespace(e, "shop");
      await put(e, "shop", [configMap("a", { v: "1" }), configMap("b", {})]);
      await standardSetup(e);
      simOf(e).dr.faults.latency(1200);
      e.start();
      await until(
        "Syncing",
        async () => (await statusOf(e)).phase === "Syncing",
        20_000,
      );
      simOf(e).dr.faults.latency(0);
      await until(
        "Synced",
        async () => (await statusOf(e)).phase === "Synced",
        20_000,
      );
    });
  }),
);
