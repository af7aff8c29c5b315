import "../../../lib/preload.ts";
import { assertEquals } from "../../assert.ts";
import { mergeAllocated } from "../../../lib/sync/allocated.ts";
import {
  aConfigMap,
  aJob,
  aPVC,
  aService,
  asStored,
  edited,
  owned,
  spec,
} from "./dr_objects.ts";

const IP = "10.96.0.12";

function allocatedService(o: ReturnType<typeof aService>) {
  return edited(asStored(o, "42"), (c) => {
    Object.assign(spec(c), { clusterIP: IP, clusterIPs: [IP] });
    for (const [i, p] of spec(c).ports.entries()) p.nodePort = 30000 + i;
  });
}

Deno.test("mergeAllocated keeps resourceVersion, finalizers, controller keys", () => {
  const desired = owned(aConfigMap("c", { a: "1" }, {
    annotations: { keep: "mine" },
  }));
  const current = edited(asStored(desired, "77"), (c) => {
    c.metadata.finalizers = ["example.com/guard"];
    c.metadata.annotations = {
      keep: "theirs",
      "kubectl.kubernetes.io/last-applied-configuration": "{}",
      "hand-edit": "x",
    };
    c.metadata.labels!["pv.kubernetes.io/provisioned-by"] = "csi";
    c.metadata.labels!["team"] = "ops";
  });
  const before = structuredClone(desired);
  const body = mergeAllocated(desired, current);
  assertEquals(body.metadata.resourceVersion, "77");
  assertEquals(body.metadata.finalizers, ["example.com/guard"]);
  assertEquals(body.metadata.annotations, {
    keep: "mine",
    "kubectl.kubernetes.io/last-applied-configuration": "{}",
  });
  assertEquals(body.metadata.labels, {
    ...desired.metadata.labels,
    "pv.kubernetes.io/provisioned-by": "csi",
  });
  assertEquals(body.metadata.uid, undefined);
  assertEquals(desired, before, "desired must not be modified");
});

Deno.test("mergeAllocated keeps the allocated cluster IPs of a Service", () => {
  const desired = aService("api");
  const body = mergeAllocated(desired, allocatedService(desired));
  assertEquals(spec(body).clusterIP, IP);
  assertEquals(spec(body).clusterIPs, [IP]);
  assertEquals(spec(body).ports[0].nodePort, undefined, "ClusterIP type");
  assertEquals(spec(desired).clusterIP, undefined);
});

Deno.test("mergeAllocated never makes a headless DR Service the target", () => {
  const desired = aService("api");
  const current = edited(asStored(desired), (c) => {
    spec(c).clusterIP = "None";
  });
  assertEquals(spec(mergeAllocated(desired, current)).clusterIP, undefined);
});

Deno.test("mergeAllocated: ExternalName on either side takes no cluster IP", () => {
  const external = aService("api", { type: "ExternalName", externalName: "x" });
  const body = mergeAllocated(external, allocatedService(aService("api")));
  assertEquals(spec(body).clusterIP, undefined);
});

Deno.test("mergeAllocated keeps node ports by name, then by port+protocol", () => {
  const ports = [
    { name: "http", port: 80, protocol: "TCP" },
    { name: "dns", port: 53, protocol: "UDP" },
  ];
  const current = allocatedService(
    aService("api", { type: "NodePort", ports }),
  );
  const desired = aService("api", {
    type: "NodePort",
    ports: [
      { name: "dns", port: 5353, protocol: "UDP" }, // renumbered, same name
      { port: 80 }, // unnamed, TCP by default
      { name: "new", port: 9, protocol: "UDP" },
      { name: "pinned", port: 81, nodePort: 31000 },
    ],
  });
  const got = spec(mergeAllocated(desired, current)).ports.map((
    p: { nodePort?: number },
  ) => p.nodePort);
  assertEquals(got, [30001, 30000, undefined, 31000]);
});

Deno.test("mergeAllocated keeps healthCheckNodePort only for Local LoadBalancers", () => {
  const lb = { type: "LoadBalancer", externalTrafficPolicy: "Local" };
  const current = edited(allocatedService(aService("api", lb)), (c) => {
    spec(c).healthCheckNodePort = 32000;
  });
  const local = mergeAllocated(aService("api", lb), current);
  assertEquals(spec(local).healthCheckNodePort, 32000);
  const cluster = mergeAllocated(
    aService("api", { ...lb, externalTrafficPolicy: "Cluster" }),
    current,
  );
  assertEquals(spec(cluster).healthCheckNodePort, undefined);
});

Deno.test("mergeAllocated keeps a PVC's bound volume and defaulted class", () => {
  const desired = edited(aPVC("data"), (c) => {
    delete spec(c).storageClassName;
  });
  const current = edited(asStored(aPVC("data")), (c) => {
    spec(c).volumeName = "pv-9";
  });
  const body = spec(mergeAllocated(desired, current));
  assertEquals([body.volumeName, body.storageClassName], ["pv-9", "dr-ssd"]);
  const named = spec(
    mergeAllocated(aPVC("data", { storageClassName: "x" }), current),
  );
  assertEquals(named.storageClassName, "x");
});

Deno.test("mergeAllocated carries a Job's generated selector and uid labels", () => {
  const desired = edited(aJob("m"), (c) => {
    spec(c).template.metadata.labels["controller-uid"] = "src";
  });
  const current = edited(asStored(aJob("m")), (c) => {
    spec(c).selector = {
      matchLabels: { "batch.kubernetes.io/controller-uid": "dr" },
    };
    spec(c).template.metadata.labels["batch.kubernetes.io/controller-uid"] =
      "dr";
    spec(c).template.metadata.labels["controller-uid"] = "dr";
  });
  const body = spec(mergeAllocated(desired, current));
  assertEquals(body.selector, spec(current).selector);
  assertEquals(body.template.metadata.labels, {
    app: "m",
    "batch.kubernetes.io/controller-uid": "dr",
    "controller-uid": "dr",
  });
  const manual = aJob("m", { manualSelector: true, selector: { a: 1 } });
  assertEquals(spec(mergeAllocated(manual, current)).selector, { a: 1 });
});

Deno.test("mergeAllocated keeps the image a promoted DR PVC was restored from", () => {
  const ref = {
    apiGroup: "snapshot.storage.k8s.io",
    kind: "VolumeSnapshot",
    name: "img-1",
  };
  const current = edited(asStored(aPVC("data")), (c) => {
    Object.assign(spec(c), { dataSourceRef: ref, dataSource: ref });
  });
  const body = spec(mergeAllocated(aPVC("data"), current));
  assertEquals(body.dataSourceRef, ref);
  assertEquals(body.dataSource, ref);
  // A claim cloned from another PVC on DR is the source's business.
  const pvcRef = { kind: "PersistentVolumeClaim", name: "other" };
  const cloned = edited(asStored(aPVC("data")), (c) => {
    spec(c).dataSourceRef = pvcRef;
  });
  assertEquals(
    spec(mergeAllocated(aPVC("data"), cloned)).dataSourceRef,
    undefined,
  );
});
