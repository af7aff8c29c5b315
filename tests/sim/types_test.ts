import "../../lib/preload.ts";
import * as k8s from "@kubernetes/client-node";
import { assert, assertEquals } from "../assert.ts";
import { expectStatus, simTest } from "./harness.ts";

const NS = "types";
const POD_TEMPLATE = {
  metadata: { labels: { app: "x" } },
  spec: { containers: [{ name: "c", image: "x:1" }], restartPolicy: "Always" },
};
const SELECTOR = { matchLabels: { app: "x" } };

/** One minimal valid object per served built-in type. */
const OBJECTS: {
  apiVersion: string;
  kind: string;
  spec?: unknown;
  extra?: Record<string, unknown>;
}[] = [
  { apiVersion: "v1", kind: "ConfigMap", extra: { data: { a: "b" } } },
  { apiVersion: "v1", kind: "Secret", extra: { data: { a: "Yg==" } } },
  { apiVersion: "v1", kind: "Service", spec: { ports: [{ port: 80 }] } },
  { apiVersion: "v1", kind: "ServiceAccount" },
  {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    spec: {
      accessModes: ["ReadWriteOnce"],
      resources: { requests: { storage: "1Gi" } },
    },
  },
  { apiVersion: "v1", kind: "Pod", spec: POD_TEMPLATE.spec },
  {
    apiVersion: "v1",
    kind: "Event",
    extra: {
      involvedObject: { kind: "Pod", name: "p" },
      reason: "R",
      message: "m",
    },
  },
  { apiVersion: "v1", kind: "Endpoints" },
  {
    apiVersion: "apps/v1",
    kind: "Deployment",
    spec: { selector: SELECTOR, template: POD_TEMPLATE },
  },
  {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    spec: { serviceName: "s", selector: SELECTOR, template: POD_TEMPLATE },
  },
  {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    spec: { selector: SELECTOR, template: POD_TEMPLATE },
  },
  {
    apiVersion: "apps/v1",
    kind: "ReplicaSet",
    spec: { selector: SELECTOR, template: POD_TEMPLATE },
  },
  {
    apiVersion: "batch/v1",
    kind: "Job",
    spec: {
      template: { spec: { ...POD_TEMPLATE.spec, restartPolicy: "Never" } },
    },
  },
  {
    apiVersion: "batch/v1",
    kind: "CronJob",
    spec: {
      schedule: "* * * * *",
      jobTemplate: { spec: { template: { spec: POD_TEMPLATE.spec } } },
    },
  },
  {
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    spec: { rules: [{ host: "a.example.com" }] },
  },
  {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    spec: { podSelector: {} },
  },
  {
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    spec: { minAvailable: 1, selector: SELECTOR },
  },
  {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "d" },
      maxReplicas: 3,
    },
  },
  {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "Role",
    extra: {
      rules: [{ verbs: ["get"], apiGroups: [""], resources: ["pods"] }],
    },
  },
  {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "RoleBinding",
    extra: {
      roleRef: {
        apiGroup: "rbac.authorization.k8s.io",
        kind: "Role",
        name: "r",
      },
      subjects: [{ kind: "User", name: "u" }],
    },
  },
  {
    apiVersion: "coordination.k8s.io/v1",
    kind: "Lease",
    spec: { holderIdentity: "me", leaseDurationSeconds: 15 },
  },
  {
    apiVersion: "events.k8s.io/v1",
    kind: "Event",
    extra: {
      eventTime: "2026-01-01T00:00:00.000000Z",
      reason: "R",
      action: "A",
    },
  },
];

simTest(
  "every built-in type is served: create, read and list through the generic client",
  async ({ core, objects }) => {
    await core.createNamespace({ body: { metadata: { name: NS } } });
    for (const o of OBJECTS) {
      const body = {
        apiVersion: o.apiVersion,
        kind: o.kind,
        metadata: { name: "x", namespace: NS },
        spec: o.spec,
        ...o.extra,
      };
      const created = await objects.create(body as k8s.KubernetesObject);
      assertEquals(
        [created.kind, created.metadata?.name],
        [o.kind, "x"],
        o.kind,
      );
      const listed = await objects.list(o.apiVersion, o.kind, NS);
      assert(
        listed.items.some((i) => i.metadata?.name === "x"),
        `${o.kind} listed`,
      );
    }
  },
);

simTest(
  "Lease renewals: MicroTime round trip and optimistic concurrency",
  async ({ core, kc }) => {
    await core.createNamespace({ body: { metadata: { name: NS } } });
    const leases = kc.makeApiClient(k8s.CoordinationV1Api);
    const now = new k8s.V1MicroTime();
    const lease = await leases.createNamespacedLease({
      namespace: NS,
      body: {
        metadata: { name: "leader" },
        spec: { holderIdentity: "a", renewTime: now, leaseDurationSeconds: 15 },
      },
    });
    const renewed = await leases.replaceNamespacedLease({
      namespace: NS,
      name: "leader",
      body: {
        ...lease,
        spec: { ...lease.spec, renewTime: new k8s.V1MicroTime() },
      },
    });
    assert(
      renewed.metadata!.resourceVersion !== lease.metadata!.resourceVersion,
    );
    const lost = await expectStatus(() =>
      leases.replaceNamespacedLease({
        namespace: NS,
        name: "leader",
        body: { ...lease, spec: { ...lease.spec, holderIdentity: "b" } },
      })
    );
    assertEquals(lost.code, 409, "a stale renewal loses");
  },
);

simTest(
  "cluster-scoped types reject namespaced paths with 404",
  async ({ cluster }) => {
    const client = Deno.createHttpClient({ caCerts: [cluster.caPem] });
    try {
      const r = await fetch(
        `${cluster.url}/api/v1/namespaces/default/namespaces`,
        {
          client,
          headers: { authorization: `Bearer ${cluster.adminToken}` },
        },
      );
      assertEquals(r.status, 404);
      await r.body?.cancel();
    } finally {
      client.close();
    }
  },
);
