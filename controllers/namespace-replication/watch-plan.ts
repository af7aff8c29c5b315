/**
 * Which source watches a Continuous replication holds. The API has no
 * "namespace in (set)" selector, so the choice is per-namespace watches
 * (nothing outside the mapped namespaces is read or cached, at one watch
 * connection per type and namespace) or one cluster-wide watch per type
 * (few connections; every namespace's objects are read, but the informer
 * caches only the mapped namespaces': lib/informer/informer.ts, scope).
 *
 * Secrets are always watched per mapped namespace: the controller must
 * never read a Secret it does not copy, and Helm release Secrets make them
 * the largest objects of most clusters. Other types are watched per
 * namespace up to PER_NAMESPACE_LIMIT mapped namespaces; beyond that,
 * cluster-wide: measured with 50 namespaces and every type (~950 watches),
 * per-namespace watches halved the initial sync's throughput (bench
 * initial-sync, docs/benchmarks.md).
 */
import { type ApiResource, groupResource } from "../../lib/sync/types.ts";

/** Mapped namespaces up to which every type is watched per namespace. */
export const PER_NAMESPACE_LIMIT = 10;
/** The namespace part of a cluster-wide watch's key. */
export const ALL_NAMESPACES = "*";

export interface SourceWatch {
  type: ApiResource;
  /** Undefined: cluster-wide. */
  namespace?: string;
}

function isSecret(t: ApiResource): boolean {
  return t.group === "" && t.resource === "secrets";
}

/** Key of a source watch (LiveView.sourceLeases). */
export function sourceWatchKey(type: ApiResource, namespace?: string): string {
  return `${groupResource(type)}|${namespace ?? ALL_NAMESPACES}`;
}

/** See the module comment. */
export function sourceWatchPlan(
  types: readonly ApiResource[],
  namespaces: readonly string[],
): SourceWatch[] {
  const perNamespace = namespaces.length <= PER_NAMESPACE_LIMIT;
  return types.flatMap((type) =>
    perNamespace || isSecret(type)
      ? namespaces.map((namespace) => ({ type, namespace }))
      : [{ type }]
  );
}
