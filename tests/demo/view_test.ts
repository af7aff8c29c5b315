import "../../lib/preload.ts";
import { assertEquals } from "../assert.ts";
import { describe, render, type Snapshot } from "./view.ts";

const aDeployment = (replicas: number, original?: string) => ({
  kind: "Deployment",
  metadata: {
    name: "web",
    annotations: original ? { "drsyncer.io/original-replicas": original } : {},
  },
  spec: { replicas },
});

const rows = [
  { name: "source deployment", obj: aDeployment(3), want: "replicas 3" },
  {
    name: "parked copy",
    obj: aDeployment(0, "3"),
    want: "replicas 0 (parked, was 3)",
  },
  { name: "promoted copy", obj: aDeployment(3, "3"), want: "replicas 3" },
  {
    name: "secret values never shown",
    obj: {
      kind: "Secret",
      metadata: { name: "db" },
      data: { password: "c2VjcmV0" },
    },
    want: "1 key(s), values hidden",
  },
  {
    name: "ingress host and class",
    obj: {
      kind: "Ingress",
      metadata: { name: "web" },
      spec: {
        ingressClassName: "nginx-dr",
        rules: [{ host: "shop-dr.example.com" }],
      },
    },
    want: "shop-dr.example.com (nginx-dr)",
  },
];
for (const c of rows) {
  Deno.test(`demo view: ${c.name}`, () => {
    assertEquals(describe(c.obj).detail, c.want);
  });
}

Deno.test("demo view: rows pair source and copy, a missing copy shows a dash", () => {
  const s: Snapshot = {
    title: "t",
    sourceNs: "shop",
    drNs: "shop-dr",
    source: [describe(aDeployment(3)), {
      kind: "ConfigMap",
      name: "c",
      detail: "",
    }],
    dr: [describe(aDeployment(0, "3"))],
    phase: "Syncing",
    lastSync: "-",
    counts: "",
    rpoSeconds: 1.25,
  };
  const lines = render(s);
  assertEquals(
    lines[3].replace(/\s+/g, " "),
    "Deployment/web replicas 3 Deployment/web replicas 0 (parked, was 3)",
  );
  assertEquals(lines[4].trimEnd().endsWith("-"), true);
  assertEquals(
    lines.at(-1),
    "RPO (drsyncer_seconds_since_last_successful_sync): 1.3s",
  );
});
