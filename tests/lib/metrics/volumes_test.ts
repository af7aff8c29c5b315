import "../../../lib/preload.ts";
import { assert, assertEquals } from "../../assert.ts";
import { Metrics } from "../../../lib/metrics/mod.ts";

function series(text: string, pvc: string): number | undefined {
  const line = text.split("\n").find((l) =>
    l.startsWith("drsyncer_volume_seconds_since_last_sync{") &&
    l.includes(`pvc="${pvc}"`)
  );
  return line === undefined ? undefined : Number(line.split(" ").pop());
}

Deno.test("drsyncer_volume_seconds_since_last_sync grows between passes, per PVC", async () => {
  let now = Date.parse("2026-12-04T12:00:00Z");
  const m = new Metrics({ defaultMetrics: false, now: () => now });
  m.volumes.set("shop-to-dr", [
    { namespace: "shop", pvc: "data", lastSyncTime: "2026-12-04T11:59:00Z" },
    { namespace: "shop", pvc: "fresh" },
  ], now);
  let text = await m.scrape();
  assertEquals(series(text, "data"), 60);
  assertEquals(series(text, "fresh"), 0, "counts from first seen");
  assert(text.includes('replication="shop-to-dr",namespace="shop",pvc="data"'));
  now += 30_000;
  text = await m.scrape();
  assertEquals(series(text, "data"), 90);
  assertEquals(series(text, "fresh"), 30);
  m.volumes.set("shop-to-dr", [{ namespace: "shop", pvc: "fresh" }], now);
  text = await m.scrape();
  assertEquals(
    series(text, "data"),
    undefined,
    "a removed volume loses its series",
  );
  assertEquals(series(text, "fresh"), 30, "first-seen time is kept");
  m.forget("shop-to-dr");
  assertEquals(series(await m.scrape(), "fresh"), undefined);
});
