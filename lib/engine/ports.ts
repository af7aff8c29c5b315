/**
 * What the sync engine needs from a cluster. The controller reads from its
 * watch caches and writes through a rate-limited client; the `sync` command
 * reads straight from the API. Both implement these two interfaces, so the
 * engine (and every copy rule) exists once.
 */
import type { ApiResource, KubeObject } from "../sync/types.ts";

export interface ClusterReader {
  /** The Namespace object, or undefined when it does not exist. */
  getNamespace(name: string): Promise<KubeObject | undefined>;
  /** Every object of `type` in `namespace`. */
  list(type: ApiResource, namespace: string): Promise<KubeObject[]>;
}

export interface DeletePrecondition {
  /** Delete only this incarnation of the object. */
  uid?: string;
}

export interface ClusterWriter {
  /** A fresh read that bypasses any cache (used after a 409). */
  get(
    type: ApiResource,
    namespace: string | undefined,
    name: string,
  ): Promise<KubeObject | undefined>;
  create(type: ApiResource, object: KubeObject): Promise<KubeObject>;
  /** PUT; the body carries metadata.resourceVersion for optimistic locking. */
  replace(type: ApiResource, object: KubeObject): Promise<KubeObject>;
  remove(
    type: ApiResource,
    namespace: string | undefined,
    name: string,
    precondition?: DeletePrecondition,
  ): Promise<void>;
}

/** The Namespace resource, cluster-scoped. */
export const NAMESPACES: ApiResource = {
  group: "",
  version: "v1",
  resource: "namespaces",
  kind: "Namespace",
  namespaced: false,
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"],
};
