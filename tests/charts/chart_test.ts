/**
 * charts/dr-syncer: `helm lint` passes; the default rendering is the
 * kustomize output of deploy/ object by object (with the monitoring toggles
 * on, deploy/ plus deploy/monitoring); every value, set to something other
 * than its default, changes the rendering as it says. Helm is built from
 * the pinned Go module (tests/kube/helm.ts): without Go these tests are
 * skipped with a message; with Go, a failed build fails them.
 */
import "../../lib/preload.ts";
import { parse, parseAllDocuments } from "yaml";
import { assert, assertEquals, assertMatch } from "../assert.ts";
import { goAvailable, HELM_VERSION, helmBinary } from "../kube/helm.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const CHART = `${ROOT}charts/dr-syncer`;
const HELM_LABELS = ["app.kubernetes.io/managed-by", "helm.sh/chart"];

const withGo = await goAvailable();
if (!withGo) {
  console.warn(
    "tests/charts: skipped, no `go` on PATH (Go 1.26 builds the pinned helm)",
  );
}

// deno-lint-ignore no-explicit-any
type Obj = any;

async function run(cmd: string, args: string[]) {
  const home = await Deno.makeTempDir({ prefix: "helm-home-" });
  try {
    const out = await new Deno.Command(cmd, {
      args,
      stdout: "piped",
      stderr: "piped",
      env: {
        HELM_CACHE_HOME: `${home}/cache`,
        HELM_CONFIG_HOME: `${home}/config`,
        HELM_DATA_HOME: `${home}/data`,
      },
    }).output();
    const text = new TextDecoder();
    return {
      ok: out.success,
      stdout: text.decode(out.stdout),
      stderr: text.decode(out.stderr),
    };
  } finally {
    await Deno.remove(home, { recursive: true });
  }
}

function docs(text: string): Obj[] {
  return parseAllDocuments(text).map((d) => d.toJS()).filter((d) => d);
}

/** The chart rendered with `values` (none: the defaults). */
async function render(values: Obj = {}): Promise<Obj[]> {
  const r = await renderRaw(values);
  assert(r.ok, `helm template failed: ${r.stderr}`);
  return docs(r.stdout);
}

async function renderRaw(values: Obj) {
  const file = await Deno.makeTempFile({ suffix: ".json" });
  try {
    await Deno.writeTextFile(file, JSON.stringify(values));
    return await run(await helmBinary(), [
      "template",
      "dr-syncer",
      CHART,
      "-f",
      file,
    ]);
  } finally {
    await Deno.remove(file);
  }
}

async function kustomize(dir: string): Promise<Obj[]> {
  const r = await run("kubectl", ["kustomize", `${ROOT}${dir}`]);
  assert(r.ok, `kubectl kustomize ${dir}: ${r.stderr}`);
  return docs(r.stdout);
}

/** Objects by kind/namespace/name, Helm's bookkeeping labels removed. */
function normalised(objects: Obj[]): Record<string, Obj> {
  const out: Record<string, Obj> = {};
  for (const o of objects) {
    const copy = structuredClone(o);
    for (const l of HELM_LABELS) delete copy.metadata.labels?.[l];
    const key = `${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}`;
    assert(!(key in out), `${key} rendered twice`);
    out[key] = copy;
  }
  return out;
}

const chartTest = (name: string, fn: () => Promise<void>) =>
  Deno.test({ name: `chart: ${name}`, ignore: !withGo, fn });

chartTest("concurrent callers share one helm build", async () => {
  // Two test modules asked at once on a clean machine, built into one
  // temporary file, and one found it renamed under it.
  const first = helmBinary();
  const second = helmBinary();
  assert(first === second, "a second build started beside the first");
  assertEquals(await first, await second);
});

chartTest("helm lint passes", async () => {
  const r = await run(await helmBinary(), ["lint", "--strict", CHART]);
  assert(r.ok, `${r.stdout}\n${r.stderr}`);
  assertMatch(r.stdout, /1 chart\(s\) linted, 0 chart\(s\) failed/);
});

chartTest("defaults render exactly the objects of deploy/", async () => {
  const chart = await render();
  for (const o of chart) {
    for (const l of HELM_LABELS) {
      assert(o.metadata.labels?.[l], `${o.kind}/${o.metadata.name}: ${l}`);
    }
  }
  assertEquals(normalised(chart), normalised(await kustomize("deploy")));
});

chartTest(
  "with the monitoring toggles: deploy/ plus deploy/monitoring",
  async () => {
    const chart = await render({
      serviceMonitor: { enabled: true },
      prometheusRule: { enabled: true },
      dashboard: { enabled: true },
    });
    const want = [
      ...await kustomize("deploy"),
      ...await kustomize("deploy/monitoring"),
    ];
    assertEquals(normalised(chart), normalised(want));
  },
);

chartTest(
  "with dataReplication.rbac: deploy/ plus deploy/data-replication",
  async () => {
    const chart = await render({ dataReplication: { rbac: true } });
    const want = [
      ...await kustomize("deploy"),
      ...await kustomize("deploy/data-replication"),
    ];
    assertEquals(normalised(chart), normalised(want));
  },
);

chartTest(
  "the chart's files/ are deploy/monitoring's, byte for byte",
  async () => {
    for (const f of ["prometheusrule.yaml", "grafana-dashboard.json"]) {
      assertEquals(
        await Deno.readTextFile(`${CHART}/files/${f}`),
        await Deno.readTextFile(`${ROOT}deploy/monitoring/${f}`),
        `charts/dr-syncer/files/${f} differs: cp deploy/monitoring/${f} charts/dr-syncer/files/`,
      );
    }
  },
);

const find = (objects: Obj[], kind: string, name?: string) =>
  objects.find((o) => o.kind === kind && (!name || o.metadata.name === name));
const deploymentOf = (objects: Obj[]) => find(objects, "Deployment");
const podOf = (objects: Obj[]) => deploymentOf(objects).spec.template.spec;
const containerOf = (objects: Obj[]) => podOf(objects).containers[0];
const argsOf = (objects: Obj[]) => containerOf(objects).args as string[];
const MONITORING = {
  serviceMonitor: { enabled: true },
  prometheusRule: { enabled: true },
  dashboard: { enabled: true },
};
const alertsOf = (objects: Obj[]) =>
  find(objects, "PrometheusRule").spec.groups.flatMap((g: Obj) =>
    g.rules.map((r: Obj) => r.alert)
  );

/** One non-default setting, the value paths it covers, and its check. */
interface ValueCase {
  name: string;
  values: Obj;
  check(objects: Obj[], defaults: Obj[]): void;
}

const CASES: ValueCase[] = [
  {
    name: "dataReplication.rbac adds the source's data-replication roles",
    values: { dataReplication: { rbac: true } },
    check: (objects, defaults) => {
      assertEquals(objects.length, defaults.length + 4);
      const role = objects.find((o) =>
        o.kind === "ClusterRole" &&
        o.metadata.name === "dr-syncer-source-data-replication"
      );
      assert(role, "role rendered");
    },
  },
  {
    name: "namespace.name moves every object and reference",
    values: { namespace: { name: "ops-dr" }, ...MONITORING },
    check: (objects) => {
      assertEquals(find(objects, "Namespace").metadata.name, "ops-dr");
      for (const o of objects) {
        if (
          !["Namespace", "ClusterRole", "ClusterRoleBinding"].includes(o.kind)
        ) {
          assertEquals(o.metadata.namespace, "ops-dr", `${o.kind}`);
        }
      }
      for (const b of objects.filter((o) => o.kind.endsWith("Binding"))) {
        assertEquals(b.subjects[0].namespace, "ops-dr");
      }
      assertEquals(
        find(objects, "ServiceMonitor").spec.namespaceSelector.matchNames,
        ["ops-dr"],
      );
    },
  },
  {
    name: "namespace.create false leaves the namespace out",
    values: { namespace: { create: false } },
    check: (objects, defaults) => {
      assertEquals(find(objects, "Namespace"), undefined);
      assertEquals(objects.length, defaults.length - 1);
    },
  },
  {
    name: "image repository, tag and pull policy",
    values: {
      image: {
        repository: "registry.example.com/dr-syncer",
        tag: "1.2.3",
        pullPolicy: "Always",
      },
    },
    check: (objects) => {
      const c = containerOf(objects);
      assertEquals(c.image, "registry.example.com/dr-syncer:1.2.3");
      assertEquals(c.imagePullPolicy, "Always");
    },
  },
  {
    name: "imagePullSecrets",
    values: { imagePullSecrets: [{ name: "regcred" }] },
    check: (objects) =>
      assertEquals(podOf(objects).imagePullSecrets, [{ name: "regcred" }]),
  },
  {
    name: "replicas",
    values: { replicas: 3 },
    check: (objects) => assertEquals(deploymentOf(objects).spec.replicas, 3),
  },
  {
    name: "scaleOut sharding: --sharding instead of --leader-elect",
    values: { scaleOut: "sharding", ...MONITORING },
    check: (objects) => {
      const args = argsOf(objects);
      assert(args.includes("--sharding"), `${args}`);
      assert(!args.includes("--leader-elect"), `${args}`);
      // The rules match the mode by themselves (deploy/monitoring's).
      assert(alertsOf(objects).includes("DrSyncerRPOExceeded"));
    },
  },
  {
    name: "scaleOut none: neither flag",
    values: { scaleOut: "none", replicas: 1 },
    check: (objects) => {
      const args = argsOf(objects);
      assert(!args.includes("--sharding") && !args.includes("--leader-elect"));
    },
  },
  {
    name: "log format and level",
    values: { logFormat: "pretty", logLevel: "debug" },
    check: (objects) => {
      const args = argsOf(objects);
      assert(args.includes("--log-format=pretty"), `${args}`);
      assert(args.includes("--log-level=debug"), `${args}`);
    },
  },
  {
    name: "metrics and health addresses: flags, container ports, Service port",
    values: { metricsAddr: ":9090", healthAddr: "0.0.0.0:9091" },
    check: (objects) => {
      const args = argsOf(objects);
      assert(args.includes("--metrics-addr=:9090"), `${args}`);
      assert(args.includes("--health-addr=0.0.0.0:9091"), `${args}`);
      assertEquals(containerOf(objects).ports, [
        { name: "metrics", containerPort: 9090, protocol: "TCP" },
        { name: "health", containerPort: 9091, protocol: "TCP" },
      ]);
      const svc = find(objects, "Service", "dr-syncer-metrics");
      assertEquals(svc.spec.ports[0].port, 9090);
    },
  },
  {
    name: "extraArgs are appended",
    values: { extraArgs: ["--log-level=warning", "--x=y z"] },
    check: (objects, defaults) => {
      assertEquals(argsOf(objects), [
        ...argsOf(defaults),
        "--log-level=warning",
        "--x=y z",
      ]);
    },
  },
  {
    name: "resources",
    values: {
      resources: {
        requests: { cpu: "1", memory: "1Gi" },
        limits: { memory: "2Gi" },
      },
    },
    check: (objects) =>
      assertEquals(containerOf(objects).resources, {
        requests: { cpu: "1", memory: "1Gi" },
        limits: { memory: "2Gi" },
      }),
  },
  {
    name:
      "node selection: nodeSelector, tolerations, affinity, priorityClassName",
    values: {
      nodeSelector: { pool: "system" },
      tolerations: [{
        key: "dedicated",
        operator: "Exists",
        effect: "NoSchedule",
      }],
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{
              matchExpressions: [{
                key: "zone",
                operator: "In",
                values: ["a"],
              }],
            }],
          },
        },
      },
      priorityClassName: "system-cluster-critical",
    },
    check: (objects) => {
      const pod = podOf(objects);
      assertEquals(pod.nodeSelector, { pool: "system" });
      assertEquals(pod.tolerations[0].key, "dedicated");
      assertEquals(
        pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution
          .nodeSelectorTerms[0].matchExpressions[0].values,
        ["a"],
      );
      assertEquals(pod.priorityClassName, "system-cluster-critical");
    },
  },
  {
    name: "podDisruptionBudget.enabled false",
    values: { podDisruptionBudget: { enabled: false } },
    check: (objects) =>
      assertEquals(find(objects, "PodDisruptionBudget"), undefined),
  },
  {
    name: "serviceMonitor interval, timeout and labels",
    values: {
      serviceMonitor: {
        enabled: true,
        interval: "1m",
        scrapeTimeout: "20s",
        labels: { release: "kube-prometheus" },
      },
    },
    check: (objects) => {
      const sm = find(objects, "ServiceMonitor");
      assertEquals(sm.spec.endpoints[0].interval, "1m");
      assertEquals(sm.spec.endpoints[0].scrapeTimeout, "20s");
      assertEquals(sm.metadata.labels.release, "kube-prometheus");
      assertEquals(find(objects, "PrometheusRule"), undefined);
      assertEquals(find(objects, "ConfigMap"), undefined);
    },
  },
  {
    name: "prometheusRule labels",
    values: { prometheusRule: { enabled: true, labels: { release: "p" } } },
    check: (objects) => {
      const rule = find(objects, "PrometheusRule");
      assertEquals(rule.metadata.labels.release, "p");
      assert(alertsOf(objects).includes("DrSyncerNoLeader"));
      assertEquals(find(objects, "ServiceMonitor"), undefined);
    },
  },
  {
    name: "dashboard labels",
    values: { dashboard: { enabled: true, labels: { team: "sre" } } },
    check: (objects) => {
      const cm = find(objects, "ConfigMap", "dr-syncer-grafana-dashboard");
      assertEquals(cm.metadata.labels.team, "sre");
      assertEquals(cm.metadata.labels.grafana_dashboard, "1");
      assertEquals(JSON.parse(cm.data["dr-syncer.json"]).uid, "dr-syncer");
    },
  },
];

/** Leaf paths of a values object ("image.tag"); lists and maps are leaves. */
function leaves(values: Obj, prefix = ""): string[] {
  return Object.entries(values).flatMap(([k, v]) =>
    v && typeof v === "object" && !Array.isArray(v) &&
      Object.keys(v).length > 0 &&
      !["resources", "labels", "nodeSelector", "affinity"].includes(k)
      ? leaves(v, `${prefix}${k}.`)
      : [`${prefix}${k}`]
  );
}

Deno.test("chart: every value in values.yaml has a case setting it", async () => {
  const defaults = parse(await Deno.readTextFile(`${CHART}/values.yaml`));
  const covered = new Set(CASES.flatMap((c) => leaves(c.values)));
  for (const path of leaves(defaults)) {
    assert(covered.has(path), `values.yaml ${path} has no case`);
  }
});

chartTest(
  "every value, set away from its default, changes what it says",
  async () => {
    const defaults = await render();
    for (const c of CASES) {
      const objects = await render(c.values);
      try {
        c.check(objects, defaults);
      } catch (e) {
        throw new Error(`${c.name}: ${(e as Error).message}`);
      }
    }
  },
);

chartTest("bad values are refused with a clear message", async () => {
  const bad = await renderRaw({ scaleOut: "both" });
  assert(!bad.ok);
  assertMatch(bad.stderr, /scaleOut must be leaderElection, sharding or none/);
  const addr = await renderRaw({ metricsAddr: "8080" });
  assert(!addr.ok);
  assertMatch(addr.stderr, /"8080" is not HOST:PORT or :PORT/);
});

Deno.test("chart: the helm builder's pin is the wrapper module's", async () => {
  const gomod = await Deno.readTextFile(`${ROOT}tests/kube/go/helm/go.mod`);
  const required = /^\s*helm\.sh\/helm\/v4 (v\S+)/m.exec(gomod)?.[1];
  assertEquals(required, HELM_VERSION);
});
