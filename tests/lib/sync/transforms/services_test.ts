import "../../../../lib/preload.ts";
import { assertEquals } from "../../../assert.ts";
import type { CopyOptions } from "../../../../lib/sync/transform.ts";
import { aService, copy, specOf } from "./builders.ts";

interface Case {
  name: string;
  spec: Record<string, unknown>;
  opts?: Partial<CopyOptions>;
  expected: Record<string, unknown>;
}

const port = (extra: Record<string, unknown> = {}) => ({
  name: "http",
  port: 80,
  targetPort: 8080,
  protocol: "TCP",
  ...extra,
});

const cases: Case[] = [
  {
    name: "service: allocated clusterIP and clusterIPs dropped",
    spec: {
      type: "ClusterIP",
      clusterIP: "10.0.0.12",
      clusterIPs: ["10.0.0.12"],
      ports: [port()],
    },
    expected: { type: "ClusterIP", ports: [port()] },
  },
  {
    name: "service: headless keeps None in both fields",
    spec: { clusterIP: "None", clusterIPs: ["None"], ports: [port()] },
    expected: { clusterIP: "None", clusterIPs: ["None"], ports: [port()] },
  },
  {
    name: "service: headless with only clusterIP keeps it",
    spec: { clusterIP: "None" },
    expected: { clusterIP: "None" },
  },
  {
    name: "service: headless recognised from clusterIPs alone",
    spec: { clusterIPs: ["None"] },
    expected: { clusterIP: "None", clusterIPs: ["None"] },
  },
  {
    name: "service: nodePorts kept by default",
    spec: {
      type: "NodePort",
      clusterIP: "10.0.0.1",
      ports: [port({ nodePort: 30080 })],
    },
    expected: { type: "NodePort", ports: [port({ nodePort: 30080 })] },
  },
  {
    name: "service: nodePorts dropped when preserveNodePorts is false",
    spec: {
      type: "NodePort",
      ports: [port({ nodePort: 30080 }), port({ name: "b", nodePort: 30081 })],
    },
    opts: { preserveNodePorts: false },
    expected: { type: "NodePort", ports: [port(), port({ name: "b" })] },
  },
  {
    name: "service: LoadBalancer drops healthCheckNodePort, keeps user IPs",
    spec: {
      type: "LoadBalancer",
      clusterIP: "10.0.0.7",
      externalTrafficPolicy: "Local",
      healthCheckNodePort: 32000,
      loadBalancerIP: "203.0.113.10",
      loadBalancerSourceRanges: ["10.0.0.0/8"],
      ports: [port({ nodePort: 30080 })],
    },
    expected: {
      type: "LoadBalancer",
      externalTrafficPolicy: "Local",
      loadBalancerIP: "203.0.113.10",
      loadBalancerSourceRanges: ["10.0.0.0/8"],
      ports: [port({ nodePort: 30080 })],
    },
  },
  {
    name: "service: ExternalName keeps externalName",
    spec: { type: "ExternalName", externalName: "db.example.com" },
    expected: { type: "ExternalName", externalName: "db.example.com" },
  },
  {
    name: "service: ipFamilies and ipFamilyPolicy are user intent, kept",
    spec: {
      clusterIP: "10.0.0.3",
      clusterIPs: ["10.0.0.3", "fd00::3"],
      ipFamilies: ["IPv4", "IPv6"],
      ipFamilyPolicy: "PreferDualStack",
    },
    expected: {
      ipFamilies: ["IPv4", "IPv6"],
      ipFamilyPolicy: "PreferDualStack",
    },
  },
  {
    name: "service: odd ports entries are left alone",
    spec: { ports: ["junk", null] },
    opts: { preserveNodePorts: false },
    expected: { ports: ["junk", null] },
  },
];

for (const c of cases) {
  Deno.test(c.name, () => {
    const { object, warnings } = copy(aService(c.spec), c.opts);
    assertEquals(specOf(object), c.expected);
    assertEquals(object.status, undefined);
    assertEquals(warnings, []);
  });
}

Deno.test("service: without spec is copied without error", () => {
  const src = aService({});
  delete src.spec;
  assertEquals(copy(src).object.spec, undefined);
});
