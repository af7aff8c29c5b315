/**
 * The Grafana dashboard (deploy/monitoring/grafana-dashboard.json): every
 * query's metric names and labels exist on what /metrics really exports
 * (the registry of lib/metrics, read back from its exposition), and the
 * panels the issue asks for are there. Also its ConfigMap for the Grafana
 * sidecar.
 */
import "../../lib/preload.ts";
import { assert, assertEquals } from "../assert.ts";
import { Metrics } from "../../lib/metrics/mod.ts";
import { registerShardMetrics } from "../../lib/sharding/metrics.ts";
import type { ShardCoordinator } from "../../lib/sharding/coordinator.ts";
import {
  type PromqlReads,
  readLabelValues,
  readPromql,
  tokenize,
} from "./promql.ts";
import { ROOT } from "./manifests.ts";

const DASHBOARD = "deploy/monitoring/grafana-dashboard.json";
const dashboard = JSON.parse(Deno.readTextFileSync(ROOT + DASHBOARD));

/** Labels Prometheus adds from the scrape target (ServiceMonitor defaults). */
const TARGET_LABELS = new Set([
  "namespace",
  "pod",
  "service",
  "endpoint",
  "container",
  "job",
  "instance",
]);

/** Metric name → its label names, as the registry exports them. */
async function exported(): Promise<Map<string, Set<string>>> {
  const metrics = new Metrics({ defaultMetrics: true });
  // What `run --sharding` adds to the same registry (controllers/run-command.ts).
  const shard = { members: [], owned: 0, unowned: 0 };
  registerShardMetrics(metrics.registry, shard as unknown as ShardCoordinator);
  const text = await metrics.scrape();
  const families = new Map<string, Set<string>>();
  for (const line of text.split("\n")) {
    const m = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (!m) continue;
    const [, name, type] = m;
    const metric = (await metrics.registry.getSingleMetric(name)) as unknown as
      | { labelNames?: string[] }
      | undefined;
    const labels = new Set(metric?.labelNames ?? []);
    if (type === "histogram") {
      families.set(`${name}_bucket`, new Set([...labels, "le"]));
      for (const s of ["_sum", "_count"]) families.set(name + s, labels);
    } else families.set(name, labels);
  }
  // Sample lines carry labels of metrics that declare none up front
  // (defaults, collect hooks): add those too.
  for (const line of text.split("\n")) {
    const m = /^([a-zA-Z_:][\w:]*)\{(.*)\}\s/.exec(line);
    if (!m || line.startsWith("#")) continue;
    const set = families.get(m[1]) ?? new Set<string>();
    for (const [, k] of m[2].matchAll(/(\w+)="/g)) set.add(k);
    families.set(m[1], set);
  }
  return families;
}

interface Query {
  where: string;
  reads: PromqlReads;
}

function queries(): Query[] {
  const out: Query[] = [];
  for (const panel of dashboard.panels) {
    for (const t of panel.targets ?? []) {
      out.push({
        where: `${panel.title} ${t.refId}`,
        reads: readPromql(t.expr),
      });
    }
  }
  for (const v of dashboard.templating.list) {
    if (v.type !== "query") continue;
    const q = typeof v.query === "string" ? v.query : v.query.query;
    const reads = readLabelValues(q) ?? readPromql(q);
    out.push({ where: `variable ${v.name}`, reads });
  }
  return out;
}

Deno.test("dashboard: every query reads metrics and labels /metrics exports", async () => {
  const families = await exported();
  assert(families.has("drsyncer_leader"), "registry read back");
  const all = queries();
  assert(all.length >= 10, `${all.length} queries`);
  for (const q of all) {
    assert(q.reads.selectors.length > 0, `${q.where}: reads no metric`);
    const available = new Set(TARGET_LABELS);
    for (const s of q.reads.selectors) {
      const labels = families.get(s.metric);
      assert(labels, `${q.where}: ${s.metric} is not exported`);
      for (const l of labels) available.add(l);
      for (const l of s.labels) {
        assert(
          labels.has(l) || TARGET_LABELS.has(l),
          `${q.where}: ${s.metric} has no label ${l}`,
        );
      }
    }
    for (const l of q.reads.grouping) {
      assert(available.has(l), `${q.where}: groups by unknown label ${l}`);
    }
  }
});

Deno.test("dashboard: one panel per signal the issue asks for", () => {
  const byMetric = (metric: string) =>
    dashboard.panels.filter((p: { targets: { expr: string }[] }) =>
      p.targets.some((t) =>
        readPromql(t.expr).selectors.some((s) => s.metric.startsWith(metric))
      )
    );
  for (
    const metric of [
      "drsyncer_seconds_since_last_successful_sync",
      "drsyncer_rpo_objective_seconds",
      "drsyncer_sync_duration_seconds",
      "drsyncer_objects_written_total",
      "drsyncer_sync_errors_total",
      "drsyncer_workqueue_depth",
      "drsyncer_leader",
      "drsyncer_remote_cluster_ready",
      "drsyncer_prune_blocked",
      "drsyncer_volume_seconds_since_last_sync",
    ]
  ) assert(byMetric(metric).length > 0, `no panel reads ${metric}`);
  // RPO and its objective on one panel, so they can be compared.
  assertEquals(
    byMetric("drsyncer_rpo_objective_seconds")[0].title,
    byMetric("drsyncer_seconds_since_last_successful_sync")[0].title,
  );
  const titles = dashboard.panels.map((p: { title: string }) => p.title);
  assertEquals(new Set(titles).size, titles.length, "unique titles");
  for (const p of dashboard.panels) {
    assertEquals(p.datasource.uid, "${datasource}", `${p.title}: datasource`);
  }
});

Deno.test("dashboard: its ConfigMap is generated for the Grafana sidecar", async () => {
  const out = await new Deno.Command("kubectl", {
    args: ["kustomize", ROOT + "deploy/monitoring"],
    stdout: "piped",
    stderr: "piped",
  }).output().catch(() => undefined);
  if (!out) {
    console.warn("kubectl not found: kustomization not rendered");
    return;
  }
  assert(out.success, new TextDecoder().decode(out.stderr));
  const { parseAllDocuments } = await import("yaml");
  const docs = parseAllDocuments(new TextDecoder().decode(out.stdout)).map((
    d,
  ) => d.toJS());
  const cm = docs.find((d) => d.kind === "ConfigMap");
  assertEquals(cm.metadata.name, "dr-syncer-grafana-dashboard");
  assertEquals(cm.metadata.namespace, "dr-syncer-system");
  assertEquals(cm.metadata.labels.grafana_dashboard, "1");
  assertEquals(
    cm.data["dr-syncer.json"],
    Deno.readTextFileSync(ROOT + DASHBOARD),
  );
});

Deno.test("promql reader: selectors, matchers, grouping, ranges and variables", () => {
  const r = readPromql(
    'histogram_quantile(0.95, sum by (replication, le) (rate(a_bucket{namespace="$ns", x=~"y"}[$__rate_interval]))) / on (pod) group_left b and {__name__="c"}',
  );
  assertEquals(r.selectors, [
    { metric: "a_bucket", labels: ["namespace", "x"] },
    { metric: "b", labels: [] },
    { metric: "", labels: ["__name__"] },
  ]);
  assertEquals(r.grouping, ["replication", "le", "pod"]);
  assertEquals(readLabelValues('label_values(m{a="1"}, ns)'), {
    selectors: [{ metric: "m", labels: ["a"] }],
    grouping: ["ns"],
  });
  let threw = false;
  try {
    tokenize("a ? b");
  } catch {
    threw = true;
  }
  assert(threw, "unknown characters are reported");
});
