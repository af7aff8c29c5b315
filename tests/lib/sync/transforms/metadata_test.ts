import "../../../../lib/preload.ts";
import { assert, assertEquals } from "../../../assert.ts";
import type { KubeObject } from "../../../../lib/sync/types.ts";
import type { CopyResult } from "../../../../lib/sync/transform.ts";
import { anObject, copy, DST_NS, OWNER, SRC_NS } from "./builders.ts";

const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

/** A ConfigMap carrying every source-only metadata field there is. */
function noisyConfigMap(): KubeObject {
  const cm = anObject("v1", "ConfigMap", {
    name: "settings",
    labels: { app: "web", tier: "front" },
    annotations: {
      [LAST_APPLIED]: "{...}",
      "deployment.kubernetes.io/revision": "3",
      "control-plane.alpha.kubernetes.io/leader": '{"holderIdentity":"p"}',
      "team.example.com/owner": "payments",
    },
  });
  Object.assign(cm.metadata, {
    generateName: "settings-",
    selfLink: "/api/v1/namespaces/shop-prod/configmaps/settings",
    deletionTimestamp: "2026-01-02T00:00:00Z",
    deletionGracePeriodSeconds: 30,
    finalizers: ["example.com/cleanup"],
    ownerReferences: [{ apiVersion: "v1", kind: "X", name: "x", uid: "u" }],
  });
  cm.data = { color: "blue" };
  return cm;
}

interface Case {
  name: string;
  source: KubeObject;
  check: (r: CopyResult) => void;
}

const cases: Case[] = [
  {
    name: "metadata: keeps only name, namespace, labels and annotations",
    source: noisyConfigMap(),
    check: ({ object }) =>
      assertEquals(Object.keys(object.metadata).sort(), [
        "annotations",
        "labels",
        "name",
        "namespace",
      ]),
  },
  {
    name: "metadata: namespace becomes the destination namespace",
    source: noisyConfigMap(),
    check: ({ object }) => assertEquals(object.metadata.namespace, DST_NS),
  },
  {
    name: "metadata: drops status, keeps the body",
    source: noisyConfigMap(),
    check: ({ object }) => {
      assertEquals(object.status, undefined);
      assertEquals(object.data, { color: "blue" });
    },
  },
  {
    name: "metadata: adds ownership label, keeps user labels",
    source: noisyConfigMap(),
    check: ({ object }) =>
      assertEquals(object.metadata.labels, {
        app: "web",
        tier: "front",
        "drsyncer.io/replication": OWNER,
      }),
  },
  {
    name: "metadata: replaces a foreign ownership label",
    source: anObject("v1", "ConfigMap", {
      labels: { "drsyncer.io/replication": "other.repl" },
    }),
    check: ({ object }) =>
      assertEquals(object.metadata.labels?.["drsyncer.io/replication"], OWNER),
  },
  {
    name: "metadata: drops controller-owned annotations, keeps user ones",
    source: noisyConfigMap(),
    check: ({ object }) =>
      assertEquals(object.metadata.annotations, {
        "team.example.com/owner": "payments",
        "drsyncer.io/source": `${SRC_NS}/settings`,
      }),
  },
  {
    name: "metadata: drops the daemonset template generation annotation",
    source: anObject("v1", "ConfigMap", {
      annotations: { "deprecated.daemonset.template.generation": "4" },
    }),
    check: ({ object }) =>
      assertEquals(
        object.metadata.annotations?.[
          "deprecated.daemonset.template.generation"
        ],
        undefined,
      ),
  },
  {
    name: "metadata: source annotation names the object read",
    source: anObject("v1", "ConfigMap", { name: "a" }),
    check: ({ object }) =>
      assertEquals(
        object.metadata.annotations?.["drsyncer.io/source"],
        `${SRC_NS}/a`,
      ),
  },
  {
    name: "metadata: missing labels and annotations still get ours",
    source: {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "bare", namespace: SRC_NS },
    },
    check: ({ object, warnings }) => {
      assertEquals(object.metadata.labels, {
        "drsyncer.io/replication": OWNER,
      });
      assertEquals(object.metadata.annotations, {
        "drsyncer.io/source": `${SRC_NS}/bare`,
      });
      assertEquals(warnings, []);
    },
  },
  {
    name: "metadata: missing metadata yields a warning, not an exception",
    source: { apiVersion: "v1", kind: "ConfigMap" } as unknown as KubeObject,
    check: ({ object, warnings }) => {
      assertEquals(object.metadata.name, "");
      assert(warnings.some((w) => w.includes("metadata.name")));
    },
  },
  {
    name: "metadata: non-string label values are dropped",
    source: anObject("v1", "ConfigMap", {
      labels: { app: "web", bad: 3 as unknown as string },
    }),
    check: ({ object }) => assertEquals(object.metadata.labels?.bad, undefined),
  },
];

for (const c of cases) {
  Deno.test(c.name, () => c.check(copy(c.source)));
}
