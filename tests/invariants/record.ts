/**
 * What the API servers saw: every stored change on the source and DR
 * clusters, each attributed to the request (and user) that caused it. This is
 * the only input of the invariant checks besides the harness's own model
 * (what was mapped, promoted, allowed), so a check judges the controller by
 * its effects on the servers, not by its status or logs.
 *
 * In kube-sim the record is exact (store listener + request context). A change
 * made by the server on its own (garbage collection, namespace purge) is
 * attributed to the request that set it off.
 */
import type { KubeObject } from "../../lib/sync/types.ts";
import type { SimCluster } from "../sim/mod.ts";
import { currentRequest } from "../sim/request-context.ts";

export type ClusterName = "source" | "dr";

/** One stored change. */
export interface Change {
  /** Order over both clusters. */
  seq: number;
  cluster: ClusterName;
  /** ms since epoch when it was applied. */
  at: number;
  /** ms since epoch when the request that made it arrived. */
  arrivedAt: number;
  /** The authenticated user of that request ("" for none). */
  user: string;
  /** The request's RBAC verb (create, update, patch, delete, ...). */
  verb: string;
  type: "ADDED" | "MODIFIED" | "DELETED";
  /** The object's kind. */
  kind: string;
  /** "" for cluster-scoped objects. */
  namespace: string;
  name: string;
  /** Absent for ADDED. */
  before?: KubeObject;
  /** Absent for DELETED. */
  after?: KubeObject;
}

/** Appends every change of the given sim clusters to one shared log. */
export class ChangeRecorder {
  readonly changes: Change[] = [];
  #stops: (() => void)[] = [];

  /** Starts recording `cluster` under `name`. */
  watch(name: ClusterName, cluster: SimCluster): void {
    this.#stops.push(cluster.store.onEvent((e) => {
      const req = currentRequest();
      const obj = e.obj as unknown as KubeObject;
      const old = e.old as unknown as KubeObject | undefined;
      this.changes.push({
        seq: this.changes.length,
        cluster: name,
        at: Date.now(),
        arrivedAt: req?.at ?? Date.now(),
        user: req?.user ?? "",
        verb: req?.verb ?? "",
        type: e.type,
        kind: obj.kind,
        namespace: e.ns,
        name: obj.metadata.name,
        before: e.type === "ADDED"
          ? undefined
          : e.type === "DELETED"
          ? obj
          : old,
        after: e.type === "DELETED" ? undefined : obj,
      });
    }));
  }

  stop(): void {
    for (const s of this.#stops.splice(0)) s();
  }
}
