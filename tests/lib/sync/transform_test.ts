import "../../../lib/preload.ts";
import { assert, assertEquals } from "../../assert.ts";
import {
  type CopyOptions,
  isOwnedCopy,
  toDrCopy,
} from "../../../lib/sync/transform.ts";
import type { KubeObject } from "../../../lib/sync/types.ts";
import {
  aDaemonSet,
  aDeployment,
  anIngress,
  anObject,
  aPvc,
  aService,
  aStatefulSet,
  copy,
  deepFreeze,
  options,
  OWNER,
  specOf,
  SRC_NS,
} from "./transforms/builders.ts";

Deno.test("isOwnedCopy: only our ownership label counts", () => {
  const ours = copy(anObject("v1", "ConfigMap")).object;
  assert(isOwnedCopy(ours, OWNER));
  assert(!isOwnedCopy(ours, "dr-syncer-system.other"));
  assert(!isOwnedCopy(anObject("v1", "ConfigMap"), OWNER));
  assert(!isOwnedCopy({ kind: "X" } as unknown as KubeObject, OWNER));
  assert(!isOwnedCopy(null as unknown as KubeObject, OWNER));
});

/** One source of every kind with rules, in a shape that exercises them. */
function everyKind(): KubeObject[] {
  const job = anObject("batch/v1", "Job", {
    spec: {
      selector: { matchLabels: { "controller-uid": "u" } },
      template: { metadata: { labels: { "controller-uid": "u" } } },
    },
  });
  const sa = anObject("v1", "ServiceAccount", { name: "b" });
  sa.secrets = [{ name: "b-token-1" }, { name: "keep" }];
  return [
    aDeployment(3),
    aDeployment(3, { "drsyncer.io/scale-override": "2" }),
    aDeployment(3, { "drsyncer.io/scale-override": "source" }),
    aStatefulSet(2),
    anObject("apps/v1", "StatefulSet", {
      spec: {
        volumeClaimTemplates: [{
          spec: { storageClassName: "fast", accessModes: ["ReadWriteOncePod"] },
        }],
      },
    }),
    aDaemonSet({ disk: "ssd" }),
    aDaemonSet(),
    aService({ clusterIP: "10.0.0.1", ports: [{ port: 80, nodePort: 30001 }] }),
    aService({ clusterIP: "None", clusterIPs: ["None"] }),
    aPvc({ storageClassName: "fast", accessModes: ["ReadWriteOncePod"] }),
    anIngress({
      ingressClassName: "nginx",
      rules: [{ host: "a.example.com" }],
      tls: [{ hosts: ["a.example.com"] }],
    }),
    job,
    anObject("batch/v1", "CronJob", { spec: { schedule: "@daily" } }),
    sa,
    anObject("v1", "Secret", {
      annotations: { "kubernetes.io/service-account.uid": "x" },
    }),
    anObject("v1", "ConfigMap"),
    anObject("v1", "Pod", { spec: { nodeName: "n1" } }),
  ];
}

const mappingOpts: Partial<CopyOptions> = {
  storageClassMappings: [{ from: "fast", to: "dr-fast" }],
  accessModeMappings: [{ from: "ReadWriteOncePod", to: "ReadWriteOnce" }],
  ingressHostRewrites: [{ from: "example.com", to: "dr.example.com" }],
  ingressClassMappings: [{ from: "nginx", to: "nginx-dr" }],
};

for (const scaleToZero of [true, false]) {
  for (const preserveNodePorts of [true, false]) {
    const o = options({
      ...mappingOpts,
      destinationNamespace: SRC_NS,
      scaleToZero,
      preserveNodePorts,
    });
    Deno.test(
      `idempotent: copy of a copy is the same (scaleToZero=${scaleToZero}, ` +
        `preserveNodePorts=${preserveNodePorts})`,
      () => {
        for (const src of everyKind()) {
          const once = toDrCopy(deepFreeze(src), o);
          const twice = toDrCopy(deepFreeze(structuredClone(once.object)), o);
          assertEquals(twice.object, once.object, `${src.kind}`);
          assertEquals(twice.warnings, []);
        }
      },
    );
  }
}

Deno.test("idempotent across namespaces except the source annotation", () => {
  const o = options(mappingOpts);
  for (const src of everyKind()) {
    const once = toDrCopy(src, o).object;
    const twice = toDrCopy(once, o).object;
    assertEquals(
      twice.metadata.annotations?.["drsyncer.io/source"],
      `shop-dr/${src.metadata.name}`,
    );
    twice.metadata.annotations!["drsyncer.io/source"] =
      once.metadata.annotations!["drsyncer.io/source"];
    assertEquals(twice, once, src.kind);
  }
});

Deno.test("input is never mutated, even when not frozen", () => {
  for (const src of everyKind()) {
    const before = structuredClone(src);
    toDrCopy(src, options({ ...mappingOpts, preserveNodePorts: false }));
    assertEquals(src, before, src.kind);
  }
});

Deno.test("copy shares no structure with the frozen source", () => {
  const src = deepFreeze(aDeployment(3));
  const { object } = toDrCopy(src, options());
  specOf(object).template.metadata.labels.extra = "writable";
  object.metadata.labels!.extra = "writable";
  assertEquals(specOf(src).template.metadata.labels, { app: "web" });
});

Deno.test("odd input never throws", () => {
  const odd: unknown[] = [
    null,
    {},
    { apiVersion: "apps/v1", kind: "Deployment", metadata: null, spec: "x" },
    {
      apiVersion: "apps/v1",
      kind: "DaemonSet",
      metadata: { name: "d" },
      spec: [],
    },
    { apiVersion: "v1", kind: "Service", metadata: { name: "s" }, spec: null },
    { apiVersion: 3, kind: "Ingress", metadata: { name: "i", annotations: 5 } },
  ];
  for (const o of odd) {
    const { object } = toDrCopy(o as KubeObject, options());
    assertEquals(object.metadata.namespace, "shop-dr");
    assertEquals(object.metadata.labels?.["drsyncer.io/replication"], OWNER);
  }
});

Deno.test("a malformed Deployment spec is replaced by a parked one", () => {
  const src = { ...aDeployment(3), spec: "garbage" };
  assertEquals(copy(src).object.spec, { replicas: 0 });
});
