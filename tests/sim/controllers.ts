/**
 * Optional stand-in for the workload controllers: after a Deployment,
 * StatefulSet or ReplicaSet changes, its status is written as if every
 * replica became ready at once (observedGeneration, replicas, ready/
 * available/updated counts, Available/Progressing conditions), so demos show
 * READY n/n and `kubectl rollout status` finishes; Deployments also get the
 * `deployment.kubernetes.io/revision` annotation, bumped on template changes.
 * Off unless asked for.
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

const REVISION = "deployment.kubernetes.io/revision";

/** Key-order-independent JSON, to notice real template changes only. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object") {
    const o = v as Obj;
    return `{${
      Object.keys(o).sort().map((k) =>
        `${JSON.stringify(k)}:${canonical(o[k])}`
      ).join(",")
    }}`;
  }
  return JSON.stringify(v);
}

/** Deployment revisions: bumped whenever the pod template changes. */
class Revisions {
  #seen = new Map<string, { template: string; revision: number }>();

  /** The revision `o` should carry now. */
  of(o: KObj): number {
    const template = canonical((o.spec as Obj | undefined)?.template);
    const last = this.#seen.get(o.metadata.uid);
    const revision = !last
      ? 1
      : last.template === template
      ? last.revision
      : last.revision + 1;
    this.#seen.set(o.metadata.uid, { template, revision });
    return revision;
  }
}

/** Marks workloads ready shortly after each spec change (and keeps Deployment revisions). */
export function installWorkloadStatus(
  engine: Engine,
  later: (fn: () => void) => void,
): void {
  const revisions = new Revisions();
  const pending = new Set<string>();
  engine.hooks.afterPut.push((t: ResourceType, obj: KObj) => {
    const key = storeKey(t);
    if (
      !WORKLOADS.has(key) || obj.metadata.deletionTimestamp ||
      pending.has(obj.metadata.uid)
    ) return;
    const observed = (obj.status as Obj | undefined)?.observedGeneration;
    const revision = key === "deployments.apps"
      ? String(revisions.of(obj))
      : undefined;
    const stale = revision !== undefined &&
      obj.metadata.annotations?.[REVISION] !== revision;
    if (observed === obj.metadata.generation && !stale) return;
    pending.add(obj.metadata.uid);
    later(() => {
      try {
        reconcile(engine, t, obj, revision);
      } finally {
        pending.delete(obj.metadata.uid);
      }
    });
  });
}

/** What the workload controller would write: the revision annotation, then status. */
function reconcile(
  engine: Engine,
  t: ResourceType,
  seen: KObj,
  revision?: string,
): void {
  const key = storeKey(t);
  const { namespace = "", name } = seen.metadata;
  let cur = engine.store.get(key, namespace, name);
  if (!cur || cur.obj.metadata.uid !== seen.metadata.uid) return;
  if (
    revision !== undefined &&
    cur.obj.metadata.annotations?.[REVISION] !== revision
  ) {
    const next: KObj = JSON.parse(cur.json);
    next.metadata.annotations = {
      ...next.metadata.annotations,
      [REVISION]: revision,
    };
    cur = engine.update(t, namespace, name, next);
  }
  const next = { ...JSON.parse(cur.json), status: desiredStatus(key, cur.obj) };
  engine.update(t, namespace, name, next, { subresource: "status" });
}
