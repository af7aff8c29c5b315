import "../../../lib/preload.ts";
import { assertEquals } from "../../assert.ts";
import { immutableChanges } from "../../../lib/sync/immutable.ts";
import { quantityValue } from "../../../lib/sync/quantity.ts";
import type { KubeObject } from "../../../lib/sync/types.ts";
import {
  aConfigMap,
  aDeployment,
  aJob,
  anObject,
  aPVC,
  aSecret,
  aService,
  asStored,
  aStatefulSet,
  edited,
  spec,
} from "./dr_objects.ts";

interface Case {
  name: string;
  desired: KubeObject;
  current: KubeObject;
  paths: string[];
}

const allocated = (o: KubeObject, ip = "10.96.0.12") =>
  edited(asStored(o), (c) => {
    Object.assign(spec(c), {
      clusterIP: ip,
      clusterIPs: [ip],
      ipFamilies: ["IPv4"],
    });
  });
const headless = aService("db", { clusterIP: "None" });
const svc = aService("api");

const serviceCases: Case[] = [
  {
    name: "Service without clusterIP vs allocated IP: nothing fixed",
    desired: svc,
    current: allocated(svc),
    paths: [],
  },
  {
    name: "Service headless in desired, IP on DR: clusterIP fixed",
    desired: headless,
    current: allocated(headless),
    paths: ["spec.clusterIP"],
  },
  {
    name: "Service no longer headless: the DR copy is still None",
    desired: svc,
    current: allocated(svc, "None"),
    paths: ["spec.clusterIP"],
  },
  {
    name: "Service headless on both sides",
    desired: headless,
    current: allocated(headless, "None"),
    paths: [],
  },
  {
    name: "Service clusterIPs and primary ip family differ",
    desired: aService("api", {
      clusterIPs: ["fd00::1"],
      ipFamilies: ["IPv6", "IPv4"],
    }),
    current: allocated(svc),
    paths: ["spec.clusterIPs", "spec.ipFamilies"],
  },
  {
    name: "Service adding a secondary ip family is allowed",
    desired: aService("api", { ipFamilies: ["IPv4", "IPv6"] }),
    current: allocated(svc),
    paths: [],
  },
  {
    name: "Service type change (ClusterIP to NodePort) is allowed",
    desired: aService("api", { type: "NodePort" }),
    current: allocated(svc),
    paths: [],
  },
  {
    name: "Service to ExternalName is allowed even from headless",
    desired: aService("api", { type: "ExternalName", externalName: "x.io" }),
    current: allocated(headless, "None"),
    paths: [],
  },
];

const workloadCases: Case[] = [
  {
    name: "Deployment selector change is fixed",
    desired: aDeployment("web", { selector: { matchLabels: { app: "web2" } } }),
    current: asStored(aDeployment("web")),
    paths: ["spec.selector"],
  },
  {
    name: "Deployment selector with an extra label on the DR side is fixed",
    desired: aDeployment("web"),
    current: edited(asStored(aDeployment("web")), (c) => {
      spec(c).selector.matchLabels.tier = "x";
    }),
    paths: ["spec.selector"],
  },
  {
    name: "Deployment image and replicas changes are ordinary updates",
    desired: aDeployment("web", { replicas: 3 }),
    current: edited(asStored(aDeployment("web")), (c) => {
      spec(c).template.spec.containers[0].image = "old";
    }),
    paths: [],
  },
  {
    name: "DaemonSet selector change is fixed",
    desired: anObject("apps/v1", "DaemonSet", "d", {
      spec: { selector: { matchLabels: { a: "1" } } },
    }),
    current: anObject("apps/v1", "DaemonSet", "d", {
      spec: { selector: { matchLabels: { a: "2" } } },
    }),
    paths: ["spec.selector"],
  },
  {
    name: "StatefulSet serviceName, podManagementPolicy, claims are fixed",
    desired: aStatefulSet("db", {
      serviceName: "db-headless",
      podManagementPolicy: "Parallel",
      volumeClaimTemplates: [{ metadata: { name: "data" } }],
    }),
    current: asStored(aStatefulSet("db", {
      podManagementPolicy: "OrderedReady",
      volumeClaimTemplates: [{ metadata: { name: "wal" } }],
    })),
    paths: [
      "spec.serviceName",
      "spec.podManagementPolicy",
      "spec.volumeClaimTemplates",
    ],
  },
  {
    name: "StatefulSet claim templates with server defaults are unchanged",
    desired: aStatefulSet("db", {
      volumeClaimTemplates: [{ metadata: { name: "data" } }],
    }),
    current: asStored(aStatefulSet("db", {
      volumeClaimTemplates: [{
        apiVersion: "v1",
        kind: "PersistentVolumeClaim",
        metadata: { name: "data" },
        spec: { volumeMode: "Filesystem" },
        status: { phase: "Pending" },
      }],
    })),
    paths: [],
  },
  {
    name: "StatefulSet template change is an ordinary update",
    desired: aStatefulSet("db", { template: { metadata: {}, spec: {} } }),
    current: asStored(aStatefulSet("db")),
    paths: [],
  },
  {
    name: "Job template change is fixed",
    desired: edited(aJob("migrate"), (c) => {
      spec(c).template.spec.containers[0].image = "shop/job:2";
    }),
    current: asStored(aJob("migrate")),
    paths: ["spec.template"],
  },
  {
    name: "Job generated selector and template labels are the server's",
    desired: edited(aJob("migrate"), (c) => {
      spec(c).selector = { matchLabels: { "controller-uid": "src-uid" } };
      spec(c).template.metadata.labels["controller-uid"] = "src-uid";
      spec(c).template.metadata.labels["batch.kubernetes.io/job-name"] = "m";
    }),
    current: edited(asStored(aJob("migrate")), (c) => {
      spec(c).selector = { matchLabels: { "controller-uid": "dr-uid" } };
      spec(c).template.metadata.labels["controller-uid"] = "dr-uid";
    }),
    paths: [],
  },
  {
    name: "Job manual selector change is fixed",
    desired: aJob("m", {
      manualSelector: true,
      selector: { matchLabels: { a: "2" } },
    }),
    current: asStored(
      aJob("m", {
        manualSelector: true,
        selector: { matchLabels: { a: "1" } },
      }),
    ),
    paths: ["spec.selector"],
  },
  {
    name: "Job parallelism change is an ordinary update",
    desired: aJob("m", { parallelism: 2 }),
    current: asStored(aJob("m", { parallelism: 1 })),
    paths: [],
  },
  {
    name: "CronJob has no fixed fields",
    desired: anObject("batch/v1", "CronJob", "c", {
      spec: { schedule: "1 * * * *" },
    }),
    current: anObject("batch/v1", "CronJob", "c", {
      spec: { schedule: "2 * * * *" },
    }),
    paths: [],
  },
  {
    name: "a kind named Deployment in another group has no fixed fields",
    desired: anObject("x.io/v1", "Deployment", "d", { spec: { selector: 1 } }),
    current: anObject("x.io/v1", "Deployment", "d", { spec: { selector: 2 } }),
    paths: [],
  },
];

const pvcCases: Case[] = [
  {
    name: "PVC storage grows: ordinary update",
    desired: aPVC("data", { resources: { requests: { storage: "20Gi" } } }),
    current: asStored(aPVC("data")),
    paths: [],
  },
  {
    name: "PVC storage shrinks: fixed (compared by value, not text)",
    desired: aPVC("data", { resources: { requests: { storage: "9000Mi" } } }),
    current: asStored(aPVC("data")),
    paths: ["spec.resources.requests.storage"],
  },
  {
    name: "PVC same size in other units: nothing",
    desired: aPVC("data", { resources: { requests: { storage: "10240Mi" } } }),
    current: asStored(aPVC("data")),
    paths: [],
  },
  {
    name: "PVC class and access modes are fixed",
    desired: aPVC("data", {
      storageClassName: "other",
      accessModes: ["ReadWriteMany"],
    }),
    current: asStored(aPVC("data")),
    paths: ["spec.accessModes", "spec.storageClassName"],
  },
  {
    name: "PVC bound volume and defaulted mode on DR only: nothing",
    desired: aPVC("data"),
    current: edited(asStored(aPVC("data")), (c) => {
      Object.assign(spec(c), { volumeName: "pv-1", volumeMode: "Filesystem" });
    }),
    paths: [],
  },
  {
    name: "PVC volumeAttributesClassName may change",
    desired: aPVC("data", { volumeAttributesClassName: "gold" }),
    current: asStored(aPVC("data", { volumeAttributesClassName: "silver" })),
    paths: [],
  },
];

const imm = { immutable: true };
const dataCases: Case[] = [
  {
    name: "mutable ConfigMap data change: ordinary update",
    desired: aConfigMap("c", { a: "2" }),
    current: asStored(aConfigMap("c", { a: "1" })),
    paths: [],
  },
  {
    name: "immutable ConfigMap data change is fixed",
    desired: aConfigMap("c", { a: "2" }, imm),
    current: asStored(aConfigMap("c", { a: "1" }, imm)),
    paths: ["data"],
  },
  {
    name: "immutable ConfigMap made mutable again is fixed",
    desired: aConfigMap("c", { a: "1" }),
    current: asStored(aConfigMap("c", { a: "1" }, imm)),
    paths: ["immutable"],
  },
  {
    name: "ConfigMap made immutable: ordinary update",
    desired: aConfigMap("c", { a: "1" }, imm),
    current: asStored(aConfigMap("c", { a: "1" })),
    paths: [],
  },
  {
    name: "immutable Secret binaryData-free and equal: nothing",
    desired: aSecret("s", { a: "YQ==" }, imm),
    current: asStored(aSecret("s", { a: "YQ==" }, imm)),
    paths: [],
  },
  {
    name: "immutable Secret key added on DR and stringData in desired",
    desired: aSecret("s", { a: "YQ==" }, { ...imm, stringData: { b: "x" } }),
    current: asStored(aSecret("s", { a: "YQ==", c: "Yw==" }, imm)),
    paths: ["data", "stringData"],
  },
  {
    name: "Secret type change is fixed; Opaque is the default",
    desired: aSecret("s", {}, { type: "kubernetes.io/tls" }),
    current: edited(asStored(aSecret("s")), (c) => {
      delete c.type;
    }),
    paths: ["type"],
  },
];

for (
  const c of [...serviceCases, ...workloadCases, ...pvcCases, ...dataCases]
) {
  Deno.test(`immutableChanges: ${c.name}`, () => {
    assertEquals(immutableChanges(c.desired, c.current), c.paths);
  });
}

Deno.test("quantityValue reads binary, decimal and milli suffixes", () => {
  assertEquals(quantityValue("10Gi"), 10 * 2 ** 30);
  assertEquals(quantityValue("500M"), 5e8);
  assertEquals(quantityValue("250m"), 0.25);
  assertEquals(quantityValue("1e3"), 1000);
  assertEquals(quantityValue(3), 3);
  assertEquals(Number.isNaN(quantityValue("10 Gi")), true);
  assertEquals(Number.isNaN(quantityValue(undefined)), true);
});
