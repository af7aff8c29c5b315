/**
 * Optional stand-in for the workload controllers: after a Deployment,
 * StatefulSet or ReplicaSet changes, its status is written as if every
 * replica became ready at once (observedGeneration, replicas, ready/
 * available/updated counts, Available/Progressing conditions), so demos show
 * READY n/n and `kubectl rollout status` finishes. Off unless asked for.
 */
import type { Engine } from "./engine.ts";
import { type ResourceType, storeKey } from "./registry.ts";
import type { KObj } from "./store.ts";
import { timestamp } from "./util.ts";

const WORKLOADS = new Set([
  "deployments.apps",
  "statefulsets.apps",
  "replicasets.apps",
]);

type Obj = Record<string, unknown>;

function desiredStatus(key: string, o: KObj): Obj {
  const replicas = Number((o.spec as Obj | undefined)?.replicas ?? 1);
  const status: Obj = {
    observedGeneration: o.metadata.generation,
    replicas,
    readyReplicas: replicas,
    availableReplicas: replicas,
  };
  if (key === "deployments.apps") {
    const now = timestamp();
    status.updatedReplicas = replicas;
    status.conditions = [
      {
        type: "Available",
        status: "True",
        reason: "MinimumReplicasAvailable",
        lastUpdateTime: now,
        lastTransitionTime: now,
      },
      {
        type: "Progressing",
        status: "True",
        reason: "NewReplicaSetAvailable",
        lastUpdateTime: now,
        lastTransitionTime: now,
      },
    ];
  }
  if (key === "statefulsets.apps") {
    status.currentReplicas = replicas;
    status.updatedReplicas = replicas;
  }
  if (key === "replicasets.apps") status.fullyLabeledReplicas = replicas;
  for (const k of Object.keys(status)) {
    if (replicas === 0 && k.endsWith("Replicas")) delete status[k];
  }
  return status;
}

/** Marks workloads ready shortly after each spec change. */
export function installWorkloadStatus(
  engine: Engine,
  later: (fn: () => void) => void,
): void {
  engine.hooks.afterPut.push((t: ResourceType, obj: KObj) => {
    const key = storeKey(t);
    if (!WORKLOADS.has(key) || obj.metadata.deletionTimestamp) return;
    const observed = (obj.status as Obj | undefined)?.observedGeneration;
    if (observed === obj.metadata.generation) return;
    const { namespace = "", name } = obj.metadata;
    later(() => {
      const cur = engine.store.get(key, namespace, name);
      if (!cur || cur.obj.metadata.uid !== obj.metadata.uid) return;
      const next = {
        ...JSON.parse(cur.json),
        status: desiredStatus(key, cur.obj),
      };
      engine.update(t, namespace, name, next, { subresource: "status" });
    });
  });
}
