import "../../lib/preload.ts";
import { PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import { assertEquals, assertMatch } from "../assert.ts";
import { type Clients, expectStatus, simTest } from "./harness.ts";

const NS = "imm";
const MERGE = setHeaderOptions("Content-Type", PatchStrategy.MergePatch);

const POD = { containers: [{ name: "c", image: "nginx:1" }] };

function workload(labels: Record<string, string>) {
  return {
    selector: { matchLabels: labels },
    template: { metadata: { labels }, spec: POD },
  };
}

interface Case {
  name: string;
  create: (c: Clients) => Promise<unknown>;
  change: (c: Clients) => Promise<unknown>;
  field: string;
  message: RegExp;
}

const CASES: Case[] = [
  {
    name: "Deployment selector",
    create: (c) =>
      c.apps.createNamespacedDeployment({
        namespace: NS,
        body: { metadata: { name: "x" }, spec: workload({ a: "1" }) },
      }),
    change: (c) =>
      c.apps.patchNamespacedDeployment({
        namespace: NS,
        name: "x",
        body: { spec: workload({ a: "2" }) },
      }, MERGE),
    field: "spec.selector",
    message:
      /^Deployment\.apps "x" is invalid: spec\.selector: Invalid value: \{"matchLabels":\{"a":"2"\}\}: field is immutable$/,
  },
  {
    name: "StatefulSet selector",
    create: (c) =>
      c.apps.createNamespacedStatefulSet({
        namespace: NS,
        body: {
          metadata: { name: "x" },
          spec: { serviceName: "x", ...workload({ a: "1" }) },
        },
      }),
    change: (c) =>
      c.apps.patchNamespacedStatefulSet({
        namespace: NS,
        name: "x",
        body: { spec: workload({ a: "2" }) },
      }, MERGE),
    field: "spec",
    message: /updates to statefulset spec for fields other than 'replicas'/,
  },
  {
    name: "DaemonSet selector",
    create: (c) =>
      c.apps.createNamespacedDaemonSet({
        namespace: NS,
        body: { metadata: { name: "x" }, spec: workload({ a: "1" }) },
      }),
    change: (c) =>
      c.apps.patchNamespacedDaemonSet({
        namespace: NS,
        name: "x",
        body: { spec: workload({ a: "2" }) },
      }, MERGE),
    field: "spec.selector",
    message: /field is immutable/,
  },
  {
    name: "Job template",
    create: (c) =>
      c.batch.createNamespacedJob({
        namespace: NS,
        body: {
          metadata: { name: "x" },
          spec: { template: { spec: { ...POD, restartPolicy: "Never" } } },
        },
      }),
    change: (c) =>
      c.batch.patchNamespacedJob({
        namespace: NS,
        name: "x",
        body: {
          spec: {
            template: {
              spec: { containers: [{ name: "c", image: "nginx:2" }] },
            },
          },
        },
      }, MERGE),
    field: "spec.template",
    message: /spec\.template: Invalid value: .*field is immutable/,
  },
  {
    name: "PVC storage class",
    create: (c) =>
      c.core.createNamespacedPersistentVolumeClaim({
        namespace: NS,
        body: {
          metadata: { name: "x" },
          spec: {
            accessModes: ["ReadWriteOnce"],
            resources: { requests: { storage: "1Gi" } },
          },
        },
      }),
    change: (c) =>
      c.core.patchNamespacedPersistentVolumeClaim({
        namespace: NS,
        name: "x",
        body: { spec: { storageClassName: "fast" } },
      }, MERGE),
    field: "spec",
    message: /spec is immutable after creation except resources\.requests/,
  },
  {
    name: "PVC storage shrink",
    create: (c) =>
      c.core.createNamespacedPersistentVolumeClaim({
        namespace: NS,
        body: {
          metadata: { name: "x" },
          spec: {
            accessModes: ["ReadWriteOnce"],
            resources: { requests: { storage: "2Gi" } },
          },
        },
      }),
    change: (c) =>
      c.core.patchNamespacedPersistentVolumeClaim({
        namespace: NS,
        name: "x",
        body: { spec: { resources: { requests: { storage: "1Gi" } } } },
      }, MERGE),
    field: "spec.resources.requests.storage",
    message: /field can not be less than/,
  },
  {
    name: "immutable ConfigMap data",
    create: (c) =>
      c.core.createNamespacedConfigMap({
        namespace: NS,
        body: { metadata: { name: "x" }, immutable: true, data: { a: "1" } },
      }),
    change: (c) =>
      c.core.patchNamespacedConfigMap({
        namespace: NS,
        name: "x",
        body: { data: { a: "2" } },
      }, MERGE),
    field: "data",
    message: /data: Forbidden: field is immutable when `immutable` is set/,
  },
  {
    name: "immutable Secret data",
    create: (c) =>
      c.core.createNamespacedSecret({
        namespace: NS,
        body: { metadata: { name: "x" }, immutable: true, data: { a: "MQ==" } },
      }),
    change: (c) =>
      c.core.patchNamespacedSecret({
        namespace: NS,
        name: "x",
        body: { data: { a: "Mg==" } },
      }, MERGE),
    field: "data",
    message: /field is immutable when `immutable` is set/,
  },
  {
    name: "Secret type",
    create: (c) =>
      c.core.createNamespacedSecret({
        namespace: NS,
        body: { metadata: { name: "x" }, data: { a: "MQ==" } },
      }),
    change: (c) =>
      c.core.patchNamespacedSecret({
        namespace: NS,
        name: "x",
        body: { type: "kubernetes.io/tls" },
      }, MERGE),
    field: "type",
    message: /type: Invalid value: "kubernetes\.io\/tls": field is immutable/,
  },
];

for (const c of CASES) {
  simTest(
    `immutable: ${c.name} → 422 Invalid with a field cause`,
    async (ctx) => {
      await ctx.core.createNamespace({ body: { metadata: { name: NS } } });
      await c.create(ctx);
      const s = await expectStatus(() => c.change(ctx));
      assertEquals([s.code, s.reason], [422, "Invalid"]);
      assertEquals(s.causes?.[0]?.field, c.field);
      assertMatch(s.message!, c.message);
    },
  );
}

simTest("PVC storage may grow", async ({ core }) => {
  await core.createNamespace({ body: { metadata: { name: NS } } });
  await core.createNamespacedPersistentVolumeClaim({
    namespace: NS,
    body: {
      metadata: { name: "x" },
      spec: {
        accessModes: ["ReadWriteOnce"],
        resources: { requests: { storage: "1Gi" } },
      },
    },
  });
  const grown = await core.patchNamespacedPersistentVolumeClaim({
    namespace: NS,
    name: "x",
    body: { spec: { resources: { requests: { storage: "5Gi" } } } },
  }, MERGE);
  assertEquals(grown.spec!.resources!.requests!.storage, "5Gi");
});
