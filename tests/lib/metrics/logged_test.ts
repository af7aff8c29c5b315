import "../../../lib/preload.ts";
import { assertEquals, assertMatch } from "../../assert.ts";
import { LoggedMetrics } from "../../../lib/metrics/logged.ts";
import type { RuntimeLog } from "../../../lib/controller.ts";

function aLog() {
  const lines: string[] = [];
  const put = (level: string) => (m: string, p?: Record<string, unknown>) =>
    lines.push(`${level} ${m} ${JSON.stringify(p ?? {})}`);
  const log: RuntimeLog = {
    info: put("info"),
    warn: put("warn"),
    error: put("error"),
  };
  return { lines, log };
}

Deno.test("logged metrics: sync results are logged with the replication", async () => {
  const { lines, log } = aLog();
  const m = new LoggedMetrics(log, { defaultMetrics: false });
  m.syncFinished("dr-syncer-system/shop", "success", 12.4);
  m.syncFinished("dr-syncer-system/shop", "failure", 7);
  m.syncError("dr-syncer-system/shop", "Forbidden", 2);
  m.syncError("dr-syncer-system/shop", "Forbidden", 0);
  assertEquals(lines, [
    'info sync finished {"replication":"dr-syncer-system/shop","result":"success","durationMs":12}',
    'warn sync finished {"replication":"dr-syncer-system/shop","result":"failure","durationMs":7}',
    'warn sync errors {"replication":"dr-syncer-system/shop","reason":"Forbidden","count":2}',
  ]);
  assertMatch(
    await m.scrape(),
    /drsyncer_sync_duration_seconds_count\{[^}]*\} 1/,
  );
});

Deno.test("logged metrics: remote readiness is logged on change only", () => {
  const { lines, log } = aLog();
  const m = new LoggedMetrics(log, { defaultMetrics: false });
  for (const ready of [true, true, false, false, true]) {
    m.setRemoteClusterReady("dr", ready);
  }
  m.forgetRemoteCluster("dr");
  m.setRemoteClusterReady("dr", true);
  assertEquals(lines.map((l) => l.split(" {")[0]), [
    "info remote cluster ready",
    "warn remote cluster not ready",
    "info remote cluster ready",
    "info remote cluster ready",
  ]);
});
