import "../../../lib/preload.ts";
import { assert, assertEquals } from "../../assert.ts";
import {
  compareObjects,
  isControllerKey,
  isSubset,
  MAX_DIFF_PATHS,
  semanticEqual,
} from "../../../lib/sync/compare.ts";
import { CONTROLLER_OWNED_ANNOTATIONS } from "../../../lib/sync/transforms/metadata.ts";
import type { KubeObject } from "../../../lib/sync/types.ts";
import {
  aConfigMap,
  aDeployment,
  anObject,
  aService,
  asStored,
  edited,
  owned,
  spec,
} from "./dr_objects.ts";

const web = owned(aDeployment("web"));

/** What the API server returns for `web`: defaults and status filled in. */
const webStored = edited(asStored(web), (c) => {
  c.metadata.generation = 3;
  c.metadata.annotations = { "deployment.kubernetes.io/revision": "3" };
  c.status = { replicas: 0, observedGeneration: 3 };
  const s = spec(c);
  s.revisionHistoryLimit = 10;
  s.strategy = { type: "RollingUpdate" };
  s.template.spec.restartPolicy = "Always";
  Object.assign(s.template.spec.containers[0], {
    imagePullPolicy: "IfNotPresent",
    terminationMessagePath: "/dev/termination-log",
  });
});

interface Case {
  name: string;
  desired: KubeObject;
  current: KubeObject;
  paths: string[];
}

const cases: Case[] = [
  {
    name: "server defaults, status and metadata on the DR side are not drift",
    desired: web,
    current: webStored,
    paths: [],
  },
  {
    name: "a changed image is drift",
    desired: web,
    current: edited(webStored, (c) => {
      spec(c).template.spec.containers[0].image = "shop/app:2";
    }),
    paths: ["spec.template.spec.containers[0].image"],
  },
  {
    name: "a container added on the DR side changes the array length",
    desired: web,
    current: edited(webStored, (c) => {
      spec(c).template.spec.containers.push({ name: "x", image: "x" });
    }),
    paths: ["spec.template.spec.containers"],
  },
  {
    name: "a label added on the DR side is drift (labels match exactly)",
    desired: web,
    current: edited(webStored, (c) => {
      c.metadata.labels!["team"] = "ops";
    }),
    paths: ["metadata.labels.team"],
  },
  {
    name: "a removed label is drift, path quoted when not an identifier",
    desired: owned(aDeployment("web", {}, { labels: { "app.k8s.io/x": "1" } })),
    current: webStored,
    paths: ['metadata.labels["app.k8s.io/x"]'],
  },
  {
    name: "an annotation added on the DR side is drift",
    desired: web,
    current: edited(webStored, (c) => {
      c.metadata.annotations!["note"] = "hand edit";
    }),
    paths: ["metadata.annotations.note"],
  },
  {
    name: "controller-owned annotations and labels on the DR side are ignored",
    desired: web,
    current: edited(webStored, (c) => {
      c.metadata.annotations = {
        "kubectl.kubernetes.io/last-applied-configuration": "{}",
        "pv.kubernetes.io/bind-completed": "yes",
        "volume.kubernetes.io/selected-node": "n1",
      };
      c.metadata.labels!["kubernetes.io/metadata.name"] = "shop-dr";
    }),
    paths: [],
  },
  {
    name: "empty map, empty list and null in desired equal an absent field",
    desired: edited(web, (c) => {
      c.metadata.annotations = {};
      spec(c).template.spec.containers[0].env = [];
      spec(c).template.spec.nodeSelector = null;
      spec(c).template.spec.tolerations = [];
    }),
    current: webStored,
    paths: [],
  },
  {
    name: "false in desired does not equal an absent field",
    desired: edited(web, (c) => {
      spec(c).template.spec.automountServiceAccountToken = false;
    }),
    current: webStored,
    paths: ["spec.template.spec.automountServiceAccountToken"],
  },
  {
    name: "number and numeric string are the same value",
    desired: owned(
      aService("api", { ports: [{ port: 80, targetPort: 8080 }] }),
    ),
    current: asStored(
      owned(aService("api", { ports: [{ port: "80", targetPort: "8080" }] })),
    ),
    paths: [],
  },
  {
    name: "number and a different string differ",
    desired: owned(
      aService("api", { ports: [{ port: 80, targetPort: 8080 }] }),
    ),
    current: asStored(
      owned(aService("api", { ports: [{ port: 80, targetPort: "http" }] })),
    ),
    paths: ["spec.ports[0].targetPort"],
  },
  {
    name: "a map where the DR side has a scalar differs",
    desired: web,
    current: edited(webStored, (c) => {
      spec(c).template = "broken";
    }),
    paths: ["spec.template"],
  },
  {
    name: "list items without apiVersion/kind still compare equal",
    desired: web,
    current: edited(webStored, (c) => {
      c.apiVersion = "";
      c.kind = "";
    }),
    paths: [],
  },
  {
    name: "ConfigMap data: a key added on the DR side is drift",
    desired: owned(aConfigMap("cfg", { a: "1" })),
    current: asStored(owned(aConfigMap("cfg", { a: "1", b: "2" }))),
    paths: ["data.b"],
  },
  {
    name: "ConfigMap binaryData removed on the DR side is drift",
    desired: owned(
      aConfigMap("cfg", { a: "1" }, { binaryData: { k: "AA==" } }),
    ),
    current: asStored(owned(aConfigMap("cfg", { a: "1" }))),
    paths: ["binaryData.k"],
  },
  {
    name: "Secret data compared exactly too",
    desired: owned(anObject("v1", "Secret", "s", { data: { a: "YQ==" } })),
    current: asStored(
      owned(anObject("v1", "Secret", "s", { data: {}, type: "Opaque" })),
    ),
    paths: ["data.a"],
  },
  {
    name: "a custom kind named ConfigMap gets the subset rule",
    desired: owned(anObject("x.io/v1", "ConfigMap", "c", { data: { a: "1" } })),
    current: owned(
      anObject("x.io/v1", "ConfigMap", "c", { data: { a: "1", z: "9" } }),
    ),
    paths: [],
  },
];

for (const c of cases) {
  Deno.test(`compareObjects: ${c.name}`, () => {
    const r = compareObjects(c.desired, c.current);
    assertEquals(r, {
      equal: c.paths.length === 0,
      paths: c.paths,
      omitted: 0,
    });
  });
}

Deno.test("compareObjects caps the path list and counts the rest", () => {
  const many = Object.fromEntries(
    Array.from({ length: MAX_DIFF_PATHS + 3 }, (_, i) => [`k${i}`, "v"]),
  );
  const r = compareObjects(
    owned(aConfigMap("cfg", many)),
    owned(aConfigMap("cfg")),
  );
  assertEquals(r.equal, false);
  assertEquals(r.paths.length, MAX_DIFF_PATHS);
  assertEquals(r.omitted, 3);
});

Deno.test("compareObjects does not modify its inputs", () => {
  const before = structuredClone(webStored);
  compareObjects(web, webStored);
  assertEquals(webStored, before);
});

Deno.test("isSubset and semanticEqual: extra fields one way only", () => {
  assert(isSubset({ a: 1 }, { a: 1, b: 2 }));
  assert(!isSubset({ a: 1, b: 2 }, { a: 1 }));
  assert(!semanticEqual({ a: 1 }, { a: 1, b: 2 }));
  assert(semanticEqual({ a: [1, { b: "x" }] }, { a: ["1", { b: "x" }] }));
  assert(!semanticEqual([1, 2], [2, 1]));
});

Deno.test("isControllerKey: listed keys and the pv prefix only", () => {
  assert(isControllerKey("deployment.kubernetes.io/revision"));
  assert(isControllerKey("pv.kubernetes.io/bound-by-controller"));
  assert(!isControllerKey("app.kubernetes.io/name"));
  assert(!isControllerKey("drsyncer.io/source"));
});

Deno.test("compareObjects: an annotation copies never carry is never drift (DaemonSet template generation)", () => {
  // The DR API server sets deprecated.daemonset.template.generation on every DaemonSet it
  // stores; the copy drops it, so counting it would rewrite every DaemonSet on every sync.
  for (const key of CONTROLLER_OWNED_ANNOTATIONS) {
    const stored = edited(asStored(web), (c) => {
      c.metadata.annotations = { ...c.metadata.annotations, [key]: "2" };
    });
    assertEquals(compareObjects(web, stored).paths, [], key);
  }
  assert(isControllerKey("deprecated.daemonset.template.generation"));
});
