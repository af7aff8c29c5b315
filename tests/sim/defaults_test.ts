import "../../lib/preload.ts";
import type * as k8s from "@kubernetes/client-node";
import { assert, assertEquals, assertMatch } from "../assert.ts";
import { PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import { eventually, expectStatus, simTest } from "./harness.ts";

const NS = "def";

function aService(name: string, spec: k8s.V1ServiceSpec): k8s.V1Service {
  return { metadata: { name }, spec: { ports: [{ port: 80 }], ...spec } };
}

simTest(
  "a new namespace gets its name label, default ServiceAccount and kube-root-ca.crt",
  async ({ core, cluster }) => {
    const ns = await core.createNamespace({ body: { metadata: { name: NS } } });
    assertEquals(ns.metadata!.labels, { "kubernetes.io/metadata.name": NS });
    assertEquals(ns.status!.phase, "Active");
    const sa = await core.readNamespacedServiceAccount({
      namespace: NS,
      name: "default",
    });
    assertEquals(sa.metadata!.name, "default");
    const cm = await core.readNamespacedConfigMap({
      namespace: NS,
      name: "kube-root-ca.crt",
    });
    assertEquals(cm.data!["ca.crt"], cluster.caPem);
  },
);

simTest(
  "Deployment defaults: replicas 1, strategy, pod template defaults",
  async ({ core, apps }) => {
    await core.createNamespace({ body: { metadata: { name: NS } } });
    const d = await apps.createNamespacedDeployment({
      namespace: NS,
      body: {
        metadata: { name: "d" },
        spec: {
          selector: { matchLabels: { a: "b" } },
          template: {
            metadata: { labels: { a: "b" } },
            spec: { containers: [{ name: "c", image: "nginx" }] },
          },
        },
      },
    });
    assertEquals(d.spec!.replicas, 1);
    assertEquals(d.spec!.strategy!.type, "RollingUpdate");
    assertEquals(d.spec!.template.spec!.restartPolicy, "Always");
    assertEquals(
      d.spec!.template.spec!.containers[0].imagePullPolicy,
      "Always",
      "untagged image pulls Always",
    );
  },
);

simTest(
  "Job gets a generated selector and controller-uid labels",
  async ({ core, batch }) => {
    await core.createNamespace({ body: { metadata: { name: NS } } });
    const j = await batch.createNamespacedJob({
      namespace: NS,
      body: {
        metadata: { name: "j" },
        spec: {
          template: {
            spec: {
              restartPolicy: "Never",
              containers: [{ name: "c", image: "busybox:1" }],
            },
          },
        },
      },
    });
    const uid = j.metadata!.uid!;
    assertEquals(j.spec!.selector!.matchLabels, {
      "batch.kubernetes.io/controller-uid": uid,
    });
    assertEquals(j.spec!.template.metadata!.labels!["job-name"], "j");
  },
);

simTest(
  "Service clusterIP comes from 10.96.0.0/12 unless None, and is kept when an update omits it",
  async ({ core }) => {
    await core.createNamespace({ body: { metadata: { name: NS } } });
    const a = await core.createNamespacedService({
      namespace: NS,
      body: aService("a", {}),
    });
    assertMatch(a.spec!.clusterIP!, /^10\.(9[6-9]|10[0-9]|11[01])\.\d+\.\d+$/);
    assertEquals(a.spec!.clusterIPs, [a.spec!.clusterIP]);
    assertEquals(a.spec!.type, "ClusterIP");
    const headless = await core.createNamespacedService({
      namespace: NS,
      body: aService("h", { clusterIP: "None" }),
    });
    assertEquals(headless.spec!.clusterIP, "None");
    const b = await core.createNamespacedService({
      namespace: NS,
      body: aService("b", {}),
    });
    assert(a.spec!.clusterIP !== b.spec!.clusterIP, "distinct IPs");
    const replaced = await core.replaceNamespacedService({
      namespace: NS,
      name: "a",
      body: aService("a", { selector: { x: "y" } }),
    });
    assertEquals(replaced.spec!.clusterIP, a.spec!.clusterIP);
  },
);

simTest(
  "changing a Service clusterIP is 422 with field causes",
  async ({ core }) => {
    await core.createNamespace({ body: { metadata: { name: NS } } });
    const a = await core.createNamespacedService({
      namespace: NS,
      body: aService("a", {}),
    });
    const s = await expectStatus(() =>
      core.replaceNamespacedService({
        namespace: NS,
        name: "a",
        body: {
          ...a,
          spec: {
            ...a.spec,
            clusterIP: "10.96.9.9",
            clusterIPs: ["10.96.9.9"],
          },
        },
      })
    );
    assertEquals([s.code, s.reason], [422, "Invalid"]);
    // kube-apiserver v1.37: one cause, the value printed as JSON (tests/conformance).
    assertEquals(s.causes!.map((c) => c.field), ["spec.clusterIPs[0]"]);
    assertEquals(
      s.message!,
      'Service "a" is invalid: spec.clusterIPs[0]: Invalid value: ["10.96.9.9"]: may not change once set',
    );
  },
);

simTest(
  "a requested clusterIP that is out of range, taken or malformed is 422 as kube-apiserver v1.37 words it",
  async ({ core }) => {
    await core.createNamespace({ body: { metadata: { name: NS } } });
    const message = async (name: string, clusterIP: string) =>
      (await expectStatus(() =>
        core.createNamespacedService({
          namespace: NS,
          body: aService(name, { clusterIP }),
        })
      )).message;
    assertEquals(
      await message("out", "10.0.0.5"),
      'Service "out" is invalid: spec.clusterIPs: Invalid value: ["10.0.0.5"]: failed to allocate IP 10.0.0.5: the provided network does not match the current range',
    );
    assertEquals(
      await message("taken", "10.96.0.1"),
      'Service "taken" is invalid: spec.clusterIPs: Invalid value: ["10.96.0.1"]: failed to allocate IP 10.96.0.1: provided IP is already allocated',
    );
    assertEquals(
      await message("bad", "300.1.1.1"),
      'Service "bad" is invalid: spec.clusterIPs[0]: Invalid value: "300.1.1.1": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
    );
  },
);

simTest(
  "nodePorts are allocated from 30000-32767; a port in use is 422",
  async ({ core }) => {
    await core.createNamespace({ body: { metadata: { name: NS } } });
    const np = await core.createNamespacedService({
      namespace: NS,
      body: aService("np", { type: "NodePort" }),
    });
    const port = np.spec!.ports![0].nodePort!;
    assert(port >= 30000 && port <= 32767, `nodePort ${port}`);
    const lb = await core.createNamespacedService({
      namespace: NS,
      body: aService("lb", { type: "LoadBalancer" }),
    });
    assert(lb.spec!.ports![0].nodePort! !== port);
    const clash = await expectStatus(() =>
      core.createNamespacedService({
        namespace: NS,
        body: aService("x", {
          type: "NodePort",
          ports: [{ port: 81, nodePort: port }],
        }),
      })
    );
    assertEquals(clash.code, 422);
    assertEquals(
      clash.message,
      `Service "x" is invalid: spec.ports[0].nodePort: Invalid value: ${port}: provided port is already allocated`,
    );
    await core.deleteNamespacedService({ namespace: NS, name: "np" });
    const reuse = await core.createNamespacedService({
      namespace: NS,
      body: aService("y", {
        type: "NodePort",
        ports: [{ port: 81, nodePort: port }],
      }),
    });
    assertEquals(reuse.spec!.ports![0].nodePort, port, "freed by delete");
  },
);

simTest(
  "Secret stringData is folded into base64 data and type defaults to Opaque",
  async ({ core }) => {
    await core.createNamespace({ body: { metadata: { name: NS } } });
    const s = await core.createNamespacedSecret({
      namespace: NS,
      body: { metadata: { name: "s" }, stringData: { k: "hé" } },
    });
    assertEquals(s.type, "Opaque");
    assertEquals(s.data, { k: btoa("h\u00c3\u00a9") });
    assertEquals(s.stringData, undefined);
  },
);

simTest(
  "invalid names and label values are 422 with the real wording",
  async ({ core }) => {
    await core.createNamespace({ body: { metadata: { name: NS } } });
    const s = await expectStatus(() =>
      core.createNamespacedConfigMap({
        namespace: NS,
        body: { metadata: { name: "Bad_Name", labels: { ok: "not ok" } } },
      })
    );
    assertEquals(s.code, 422);
    assertEquals(s.causes!.map((c) => c.field), [
      "metadata.name",
      "metadata.labels",
    ]);
    assertMatch(
      s.causes![0].message,
      /a lowercase RFC 1123 subdomain must consist of/,
    );
  },
);

simTest(
  "workloadStatus: Deployments report ready replicas after each spec change",
  async ({ core, apps }) => {
    await core.createNamespace({ body: { metadata: { name: NS } } });
    const spec = {
      replicas: 3,
      selector: { matchLabels: { a: "b" } },
      template: {
        metadata: { labels: { a: "b" } },
        spec: { containers: [{ name: "c", image: "x:1" }] },
      },
    };
    await apps.createNamespacedDeployment({
      namespace: NS,
      body: { metadata: { name: "d" }, spec },
    });
    const ready = async (n: number | undefined, gen: number) => {
      const d = await apps.readNamespacedDeployment({
        namespace: NS,
        name: "d",
      });
      return d.status?.observedGeneration === gen &&
        d.status?.readyReplicas === n;
    };
    await eventually(() => ready(3, 1), 3000, "3/3 ready");
    await apps.patchNamespacedDeploymentScale(
      { namespace: NS, name: "d", body: { spec: { replicas: 0 } } },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
    await eventually(() => ready(undefined, 2), 3000, "scaled to zero");
  },
  { workloadStatus: true },
);

simTest(
  "LoadBalancer with externalTrafficPolicy Local gets a healthCheckNodePort, kept on update",
  async ({ core }) => {
    await core.createNamespace({ body: { metadata: { name: NS } } });
    const lb = await core.createNamespacedService({
      namespace: NS,
      body: aService("lb", {
        type: "LoadBalancer",
        externalTrafficPolicy: "Local",
      }),
    });
    const hc = lb.spec!.healthCheckNodePort!;
    assert(
      hc >= 30000 && hc <= 32767 && hc !== lb.spec!.ports![0].nodePort,
      `healthCheckNodePort ${hc}`,
    );
    const again = await core.replaceNamespacedService({
      namespace: NS,
      name: "lb",
      body: aService("lb", {
        type: "LoadBalancer",
        externalTrafficPolicy: "Local",
      }),
    });
    assertEquals(again.spec!.healthCheckNodePort, hc);
    const clash = await expectStatus(() =>
      core.createNamespacedService({
        namespace: NS,
        body: aService("x", {
          type: "NodePort",
          ports: [{ port: 80, nodePort: hc }],
        }),
      })
    );
    assertEquals(clash.code, 422);
  },
);

simTest(
  "workloadStatus: the Deployment revision annotation follows template changes",
  async ({ core, apps }) => {
    await core.createNamespace({ body: { metadata: { name: NS } } });
    const tpl = (image: string) => ({
      replicas: 1,
      selector: { matchLabels: { a: "b" } },
      template: {
        metadata: { labels: { a: "b" } },
        spec: { containers: [{ name: "c", image }] },
      },
    });
    await apps.createNamespacedDeployment({
      namespace: NS,
      body: { metadata: { name: "d" }, spec: tpl("x:1") },
    });
    const revision = async () =>
      (await apps.readNamespacedDeployment({ namespace: NS, name: "d" }))
        .metadata!.annotations?.["deployment.kubernetes.io/revision"];
    await eventually(async () => await revision() === "1", 3000, "revision 1");
    await apps.patchNamespacedDeploymentScale(
      { namespace: NS, name: "d", body: { spec: { replicas: 2 } } },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
    await apps.patchNamespacedDeployment(
      {
        namespace: NS,
        name: "d",
        body: {
          spec: {
            template: { spec: { containers: [{ name: "c", image: "x:2" }] } },
          },
        },
      },
      setHeaderOptions("Content-Type", PatchStrategy.StrategicMergePatch),
    );
    await eventually(
      async () => await revision() === "2",
      3000,
      "revision 2 after the template change only",
    );
  },
  { workloadStatus: true },
);

simTest(
  "a Job copied with another Job's generated selector is 422 (selector not auto-generated)",
  async ({ core, batch }) => {
    await core.createNamespace({ body: { metadata: { name: NS } } });
    const spec = {
      template: {
        spec: {
          restartPolicy: "Never",
          containers: [{ name: "c", image: "busybox:1" }],
        },
      },
    };
    const src = await batch.createNamespacedJob({
      namespace: NS,
      body: { metadata: { name: "src" }, spec },
    });
    const copy = {
      metadata: { name: "copy" },
      spec: { ...src.spec!, template: src.spec!.template },
    };
    const s = await expectStatus(() =>
      batch.createNamespacedJob({ namespace: NS, body: copy })
    );
    assertEquals([s.code, s.causes!.map((c) => c.field)], [422, [
      "spec.selector",
      "spec.template.metadata.labels",
    ]]);
    assertMatch(s.message!, /`selector` not auto-generated/);
    const manual = await batch.createNamespacedJob({
      namespace: NS,
      body: {
        metadata: { name: "manual" },
        spec: {
          manualSelector: true,
          selector: { matchLabels: { app: "m" } },
          template: {
            metadata: { labels: { app: "m" } },
            spec: spec.template.spec,
          },
        },
      },
    });
    assertEquals(manual.spec!.selector!.matchLabels, { app: "m" });
  },
);

simTest(
  "a Service given only clusterIPs requests that address",
  async ({ core }) => {
    await core.createNamespace({ body: { metadata: { name: NS } } });
    const s = await core.createNamespacedService({
      namespace: NS,
      body: aService("ips", { clusterIPs: ["10.96.77.7"] }),
    });
    assertEquals([s.spec!.clusterIP, s.spec!.clusterIPs], ["10.96.77.7", [
      "10.96.77.7",
    ]]);
  },
);
