import "../../../../lib/preload.ts";
import { assertEquals } from "../../../assert.ts";
import type { CopyOptions } from "../../../../lib/sync/transform.ts";
import { anObject, aPvc, copy, specOf } from "./builders.ts";

const mappings: Partial<CopyOptions> = {
  storageClassMappings: [
    { from: "fast-ssd", to: "dr-ssd" },
    { from: "fast-ssd", to: "ignored-second-entry" },
  ],
  accessModeMappings: [{ from: "ReadWriteOncePod", to: "ReadWriteOnce" }],
};

const request = { requests: { storage: "10Gi" } };

interface Case {
  name: string;
  spec: Record<string, unknown>;
  opts?: Partial<CopyOptions>;
  expected: Record<string, unknown>;
}

const cases: Case[] = [
  {
    name: "pvc: storage class mapped, volumeName dropped",
    spec: {
      storageClassName: "fast-ssd",
      accessModes: ["ReadWriteOnce"],
      resources: request,
      volumeName: "pvc-1234",
      volumeMode: "Filesystem",
    },
    opts: mappings,
    expected: {
      storageClassName: "dr-ssd",
      accessModes: ["ReadWriteOnce"],
      resources: request,
      volumeMode: "Filesystem",
    },
  },
  {
    name: "pvc: unmapped storage class kept",
    spec: { storageClassName: "standard", resources: request },
    opts: mappings,
    expected: { storageClassName: "standard", resources: request },
  },
  {
    name: "pvc: absent storage class stays absent (DR default class)",
    spec: { resources: request },
    opts: mappings,
    expected: { resources: request },
  },
  {
    name: "pvc: access modes mapped elementwise and deduplicated",
    spec: {
      accessModes: ["ReadWriteOncePod", "ReadWriteOnce", "ReadOnlyMany"],
    },
    opts: mappings,
    expected: { accessModes: ["ReadWriteOnce", "ReadOnlyMany"] },
  },
  {
    name: "pvc: access modes unchanged without mappings",
    spec: { accessModes: ["ReadWriteOncePod"] },
    expected: { accessModes: ["ReadWriteOncePod"] },
  },
  {
    name: "pvc: snapshot dataSource and dataSourceRef dropped",
    spec: {
      dataSource: {
        apiGroup: "snapshot.storage.k8s.io",
        kind: "VolumeSnapshot",
        name: "snap-1",
      },
      dataSourceRef: {
        apiGroup: "snapshot.storage.k8s.io",
        kind: "VolumeSnapshot",
        name: "snap-1",
      },
    },
    expected: {},
  },
  {
    name: "pvc: clone of a same-namespace PVC kept",
    spec: {
      dataSource: { kind: "PersistentVolumeClaim", name: "seed" },
      dataSourceRef: {
        apiGroup: "",
        kind: "PersistentVolumeClaim",
        name: "seed",
      },
    },
    expected: {
      dataSource: { kind: "PersistentVolumeClaim", name: "seed" },
      dataSourceRef: {
        apiGroup: "",
        kind: "PersistentVolumeClaim",
        name: "seed",
      },
    },
  },
  {
    name: "pvc: cross-namespace clone source dropped",
    spec: {
      dataSourceRef: {
        kind: "PersistentVolumeClaim",
        name: "seed",
        namespace: "other",
      },
    },
    expected: {},
  },
  {
    name: "pvc: malformed accessModes left as they are",
    spec: { accessModes: "ReadWriteOnce" },
    opts: mappings,
    expected: { accessModes: "ReadWriteOnce" },
  },
];

for (const c of cases) {
  Deno.test(c.name, () => {
    const { object, warnings } = copy(aPvc(c.spec), c.opts);
    assertEquals(specOf(object), c.expected);
    assertEquals(warnings, []);
  });
}

Deno.test("pvc: binding annotations dropped, legacy class mapped", () => {
  const src = aPvc({ storageClassName: "fast-ssd" }, {
    "pv.kubernetes.io/bind-completed": "yes",
    "pv.kubernetes.io/bound-by-controller": "yes",
    "pv.kubernetes.io/migrated-to": "ebs.csi.aws.com",
    "volume.beta.kubernetes.io/storage-provisioner": "ebs.csi.aws.com",
    "volume.kubernetes.io/storage-provisioner": "ebs.csi.aws.com",
    "volume.kubernetes.io/selected-node": "node-a",
    "volume.beta.kubernetes.io/storage-class": "fast-ssd",
    "backup.example.com/policy": "daily",
  });
  const { object } = copy(src, mappings);
  assertEquals(object.metadata.annotations, {
    "volume.beta.kubernetes.io/storage-class": "dr-ssd",
    "backup.example.com/policy": "daily",
    "drsyncer.io/source": "shop-prod/data",
  });
});

Deno.test("pvc: without spec only metadata rules apply", () => {
  const src = aPvc({});
  delete src.spec;
  const { object, warnings } = copy(src, mappings);
  assertEquals(object.spec, undefined);
  assertEquals(warnings, []);
});

Deno.test("statefulset: volumeClaimTemplates mapped like PVCs", () => {
  const src = anObject("apps/v1", "StatefulSet", {
    spec: {
      replicas: 2,
      volumeClaimTemplates: [
        {
          metadata: {
            name: "data",
            annotations: {
              "volume.beta.kubernetes.io/storage-class": "fast-ssd",
            },
          },
          spec: {
            storageClassName: "fast-ssd",
            accessModes: ["ReadWriteOncePod", "ReadWriteOnce"],
            dataSource: {
              kind: "VolumeSnapshot",
              apiGroup: "snapshot.storage.k8s.io",
              name: "s",
            },
            resources: request,
          },
        },
        "junk",
      ],
    },
  });
  const templates = specOf(copy(src, mappings).object).volumeClaimTemplates;
  assertEquals(templates, [
    {
      metadata: {
        name: "data",
        annotations: { "volume.beta.kubernetes.io/storage-class": "dr-ssd" },
      },
      spec: {
        storageClassName: "dr-ssd",
        accessModes: ["ReadWriteOnce"],
        resources: request,
      },
    },
    "junk",
  ]);
});
