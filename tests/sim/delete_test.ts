import "../../lib/preload.ts";
import type * as k8s from "@kubernetes/client-node";
import { PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import { assert, assertEquals } from "../assert.ts";
import { eventually, expectStatus, recordWatch, simTest } from "./harness.ts";

const NS = "d";
const MERGE = setHeaderOptions("Content-Type", PatchStrategy.MergePatch);

function ownedBy(owner: k8s.V1ConfigMap, name: string): k8s.V1ConfigMap {
  return {
    metadata: {
      name,
      ownerReferences: [{
        apiVersion: "v1",
        kind: "ConfigMap",
        name: owner.metadata!.name!,
        uid: owner.metadata!.uid!,
      }],
    },
  };
}

simTest(
  "finalizers: delete sets deletionTimestamp, object goes when the last finalizer is removed",
  async ({ core, kc }) => {
    await core.createNamespace({ body: { metadata: { name: NS } } });
    await core.createNamespacedConfigMap({
      namespace: NS,
      body: { metadata: { name: "f", finalizers: ["a/b", "c/d"] } },
    });
    const w = await recordWatch(kc, `/api/v1/namespaces/${NS}/configmaps`, {
      fieldSelector: "metadata.name=f",
    });
    await core.deleteNamespacedConfigMap({ namespace: NS, name: "f" });
    const pending = await core.readNamespacedConfigMap({
      namespace: NS,
      name: "f",
    });
    assert(pending.metadata!.deletionTimestamp, "deletionTimestamp set");
    await core.patchNamespacedConfigMap({
      namespace: NS,
      name: "f",
      body: { metadata: { finalizers: ["c/d"] } },
    }, MERGE);
    await core.readNamespacedConfigMap({ namespace: NS, name: "f" });
    const adding = await expectStatus(() =>
      core.patchNamespacedConfigMap({
        namespace: NS,
        name: "f",
        body: { metadata: { finalizers: ["c/d", "new/one"] } },
      }, MERGE)
    );
    assertEquals(adding.code, 422, "no new finalizers while deleting");
    await core.patchNamespacedConfigMap({
      namespace: NS,
      name: "f",
      body: { metadata: { finalizers: null } },
    }, MERGE);
    const gone = await expectStatus(() =>
      core.readNamespacedConfigMap({ namespace: NS, name: "f" })
    );
    assertEquals(gone.code, 404);
    await w.until((e) => e.some((x) => x.type === "DELETED"));
    assertEquals(w.events.map((e) => e.type), [
      "ADDED",
      "MODIFIED",
      "MODIFIED",
      "DELETED",
    ]);
    await w.stop();
  },
);

simTest(
  "delete preconditions: stale resourceVersion or uid is 409",
  async ({ core }) => {
    await core.createNamespace({ body: { metadata: { name: NS } } });
    const cm = await core.createNamespacedConfigMap({
      namespace: NS,
      body: { metadata: { name: "p" } },
    });
    const s = await expectStatus(() =>
      core.deleteNamespacedConfigMap({
        namespace: NS,
        name: "p",
        body: { preconditions: { uid: "other" } },
      })
    );
    assertEquals([s.code, s.reason], [409, "Conflict"]);
    await core.deleteNamespacedConfigMap({
      namespace: NS,
      name: "p",
      body: { preconditions: { uid: cm.metadata!.uid } },
    });
  },
);

const POLICIES: {
  policy: "Background" | "Foreground" | "Orphan";
  dependentSurvives: boolean;
}[] = [
  { policy: "Background", dependentSurvives: false },
  { policy: "Foreground", dependentSurvives: false },
  { policy: "Orphan", dependentSurvives: true },
];

for (const c of POLICIES) {
  simTest(
    `propagationPolicy ${c.policy}: dependents ${
      c.dependentSurvives ? "orphaned" : "deleted"
    }`,
    async ({ core }) => {
      await core.createNamespace({ body: { metadata: { name: NS } } });
      const owner = await core.createNamespacedConfigMap({
        namespace: NS,
        body: { metadata: { name: "owner" } },
      });
      await core.createNamespacedConfigMap({
        namespace: NS,
        body: ownedBy(owner, "child"),
      });
      await core.deleteNamespacedConfigMap({
        namespace: NS,
        name: "owner",
        propagationPolicy: c.policy,
      });
      const owners = await core.listNamespacedConfigMap({
        namespace: NS,
        fieldSelector: "metadata.name=owner",
      });
      assertEquals(owners.items.length, 0, "owner gone");
      const kids = await core.listNamespacedConfigMap({
        namespace: NS,
        fieldSelector: "metadata.name=child",
      });
      assertEquals(kids.items.length, c.dependentSurvives ? 1 : 0);
      if (c.dependentSurvives) {
        assertEquals(kids.items[0].metadata!.ownerReferences, undefined);
      }
    },
  );
}

simTest(
  "Foreground waits for a dependent's finalizer before removing the owner",
  async ({ core }) => {
    await core.createNamespace({ body: { metadata: { name: NS } } });
    const owner = await core.createNamespacedConfigMap({
      namespace: NS,
      body: { metadata: { name: "owner" } },
    });
    const child = ownedBy(owner, "child");
    child.metadata!.finalizers = ["keep/me"];
    await core.createNamespacedConfigMap({ namespace: NS, body: child });
    await core.deleteNamespacedConfigMap({
      namespace: NS,
      name: "owner",
      propagationPolicy: "Foreground",
    });
    const waiting = await core.readNamespacedConfigMap({
      namespace: NS,
      name: "owner",
    });
    assertEquals(waiting.metadata!.finalizers, ["foregroundDeletion"]);
    await core.patchNamespacedConfigMap({
      namespace: NS,
      name: "child",
      body: { metadata: { finalizers: null } },
    }, MERGE);
    assertEquals(
      (await expectStatus(() =>
        core.readNamespacedConfigMap({ namespace: NS, name: "owner" })
      )).code,
      404,
    );
  },
);

simTest(
  "a dependent with another live owner only loses the deleted owner's reference",
  async ({ core }) => {
    await core.createNamespace({ body: { metadata: { name: NS } } });
    const a = await core.createNamespacedConfigMap({
      namespace: NS,
      body: { metadata: { name: "a" } },
    });
    const b = await core.createNamespacedConfigMap({
      namespace: NS,
      body: { metadata: { name: "b" } },
    });
    const kid = ownedBy(a, "kid");
    kid.metadata!.ownerReferences!.push({
      apiVersion: "v1",
      kind: "ConfigMap",
      name: "b",
      uid: b.metadata!.uid!,
    });
    await core.createNamespacedConfigMap({ namespace: NS, body: kid });
    await core.deleteNamespacedConfigMap({ namespace: NS, name: "a" });
    const left = await core.readNamespacedConfigMap({
      namespace: NS,
      name: "kid",
    });
    assertEquals(left.metadata!.ownerReferences!.map((r) => r.name), ["b"]);
  },
);

simTest(
  "deleting a namespace: Terminating, contents deleted, then the namespace is gone",
  async ({ core, apps }) => {
    await core.createNamespace({ body: { metadata: { name: NS } } });
    await core.createNamespacedConfigMap({
      namespace: NS,
      body: { metadata: { name: "c" } },
    });
    await core.createNamespacedSecret({
      namespace: NS,
      body: { metadata: { name: "s" } },
    });
    const ns = await core.deleteNamespace({ name: NS });
    assertEquals((ns as k8s.V1Namespace).status?.phase, "Terminating");
    await eventually(async () =>
      (await core.listNamespace({ fieldSelector: `metadata.name=${NS}` })).items
        .length === 0
    );
    assertEquals(
      (await core.listConfigMapForAllNamespaces({
        fieldSelector: `metadata.namespace=${NS}`,
      })).items,
      [],
    );
    assertEquals((await apps.listDeploymentForAllNamespaces()).items, []);
  },
  { namespacePurgeDelayMs: 50 },
);

simTest(
  "delete of a plain object answers a Success Status",
  async ({ core }) => {
    await core.createNamespace({ body: { metadata: { name: NS } } });
    await core.createNamespacedConfigMap({
      namespace: NS,
      body: { metadata: { name: "x" } },
    });
    const st = await core.deleteNamespacedConfigMap({
      namespace: NS,
      name: "x",
    }) as k8s.V1Status;
    assertEquals([st.status, st.details?.name, st.details?.kind], [
      "Success",
      "x",
      "configmaps",
    ]);
  },
);

simTest(
  "an object created with only dangling owner references is garbage collected",
  async ({ core }) => {
    await core.createNamespace({ body: { metadata: { name: NS } } });
    await core.createNamespacedConfigMap({
      namespace: NS,
      body: {
        metadata: {
          name: "copied",
          ownerReferences: [{
            apiVersion: "apps/v1",
            kind: "ReplicaSet",
            name: "rs",
            uid: "uid-from-another-cluster",
          }],
        },
      },
    });
    await eventually(async () =>
      (await core.listNamespacedConfigMap({
        namespace: NS,
        fieldSelector: "metadata.name=copied",
      })).items.length === 0
    );
  },
);

simTest(
  "deletecollection deletes what the selector matches",
  async ({ core }) => {
    await core.createNamespace({ body: { metadata: { name: NS } } });
    for (const [name, tier] of [["a", "x"], ["b", "x"], ["c", "y"]]) {
      await core.createNamespacedConfigMap({
        namespace: NS,
        body: { metadata: { name, labels: { tier } } },
      });
    }
    await core.deleteCollectionNamespacedConfigMap({
      namespace: NS,
      labelSelector: "tier=x",
    });
    const left = await core.listNamespacedConfigMap({
      namespace: NS,
      labelSelector: "tier",
    });
    assertEquals(left.items.map((i) => i.metadata!.name), ["c"]);
  },
);
