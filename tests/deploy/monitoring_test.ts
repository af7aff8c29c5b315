import "../../lib/preload.ts";
import { assert, assertEquals } from "../assert.ts";
import { findOne, loadManifests } from "./manifests.ts";

/** The series the alerts read, with the labels they group by. The metrics
 * module must export exactly these names and labels. */
const ALERT_METRICS = {
  drsyncer_seconds_since_last_successful_sync: ["replication"],
  drsyncer_remote_cluster_ready: ["remote_cluster"],
  drsyncer_prune_blocked: ["replication"],
  drsyncer_leader: [],
  drsyncer_volume_seconds_since_last_sync: [
    "replication",
    "exported_namespace",
    "pvc",
  ],
  drsyncer_rpo_objective_seconds: ["replication"],
  drsyncer_shard_members: [],
  drsyncer_owned_replications: [],
  drsyncer_replications: [],
};
/** Alerts the issue requires, by name. */
const REQUIRED_ALERTS = [
  "DrSyncerRPOExceeded",
  "DrSyncerRemoteClusterNotReady",
  "DrSyncerPruneBlocked",
  "DrSyncerVolumeRPOExceeded",
];

const manifests = loadManifests();
const rule = findOne(manifests, "PrometheusRule", "dr-syncer").doc;
const alerts: { alert: string; expr: string; for: string; labels: object }[] =
  rule.spec.groups.flatMap((g: { rules: unknown[] }) => g.rules);
const service = findOne(manifests, "Service", "dr-syncer-metrics").doc;

function alert(name: string) {
  const a = alerts.find((x) => x.alert === name);
  assert(a, `alert ${name} missing`);
  return a;
}

Deno.test("the required alerts exist with severity and a for-duration", () => {
  for (const name of REQUIRED_ALERTS) alert(name);
  for (const a of alerts) {
    assert(/^\d+m$/.test(a.for), `${a.alert}: for ${a.for}`);
    assert("severity" in a.labels, `${a.alert} has no severity`);
  }
  assertEquals(new Set(alerts.map((a) => a.alert)).size, alerts.length);
});

Deno.test("alerts read only the agreed drsyncer_ metrics and labels", () => {
  for (const a of alerts) {
    for (const name of a.expr.match(/drsyncer_\w+/g) ?? []) {
      assert(name in ALERT_METRICS, `${a.alert} reads unknown metric ${name}`);
      const labels = ALERT_METRICS[name as keyof typeof ALERT_METRICS];
      const by = /by \(([^)]*)\)/.exec(a.expr)?.[1].split(/,\s*/) ?? [];
      for (const l of by.filter((l) => l !== "namespace")) {
        assert(labels.includes(l as never), `${a.alert}: label ${l}`);
      }
    }
  }
});

Deno.test("the RPO alert fires on seconds since the last successful sync", () => {
  const rpo = alert("DrSyncerRPOExceeded");
  // min over replicas: a standby's missing or stale series must not decide.
  assert(/min by \(namespace, replication\)/.test(rpo.expr), rpo.expr);
  // Contract §6: against each replication's own spec.rpoObjective.
  assert(
    /drsyncer_seconds_since_last_successful_sync\)\s*>\s*max by \(namespace, replication\) \(drsyncer_rpo_objective_seconds\)/
      .test(rpo.expr),
    rpo.expr,
  );
  assert(/== 0/.test(alert("DrSyncerRemoteClusterNotReady").expr));
  assert(/== 1/.test(alert("DrSyncerPruneBlocked").expr));
});

Deno.test("the ServiceMonitor scrapes the metrics Service's port", () => {
  const monitor = findOne(manifests, "ServiceMonitor", "dr-syncer").doc.spec;
  for (const [k, v] of Object.entries(monitor.selector.matchLabels)) {
    assertEquals(service.metadata.labels[k], v, `selector ${k}`);
  }
  assertEquals(monitor.namespaceSelector.matchNames, [
    service.metadata.namespace,
  ]);
  const ports = service.spec.ports.map((p: { name: string }) => p.name);
  for (const e of monitor.endpoints) assert(ports.includes(e.port), e.port);
  // Prometheus names the scrape job after the Service.
  assert(alert("DrSyncerDown").expr.includes(`job="${service.metadata.name}"`));
});

Deno.test("alerts match the mode: no no-leader alert where sharding is used, an owner alert there", () => {
  const noLeader = alert("DrSyncerNoLeader").expr;
  assert(/unless on \(namespace\)[^]*drsyncer_shard_members/.test(noLeader));
  const owner = alert("DrSyncerReplicationWithoutOwner").expr;
  assert(
    /drsyncer_replications\)[^]*>[^]*drsyncer_owned_replications/.test(owner),
  );
});
