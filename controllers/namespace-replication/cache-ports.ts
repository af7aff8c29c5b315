/**
 * ClusterReaders over watch caches, for Continuous mode: a full pass reads
 * no API at all on the source and only namespaces we do not own on DR.
 */
import type { Informer } from "../../lib/informer/informer.ts";
import type { ApiCluster } from "../../lib/engine/api-ports.ts";
import type { ClusterReader } from "../../lib/engine/ports.ts";
import {
  type ApiResource,
  apiVersionOf,
  type KubeObject,
} from "../../lib/sync/types.ts";

function inNamespace(
  informer: Informer,
  type: ApiResource,
  namespace: string,
): KubeObject[] {
  const out = informer.listNamespace(namespace);
  for (let i = 0; i < out.length; i++) {
    const o = out[i];
    if (!o.kind) {
      out[i] = { ...o, apiVersion: apiVersionOf(type), kind: type.kind };
    }
  }
  return out;
}

/**
 * Reads from informers by type and namespace. A type without a synced
 * informer fails its list: the engine then treats it as unreadable and
 * protects its copies, instead of taking "nothing cached" for "nothing there".
 */
export class CacheReader implements ClusterReader {
  constructor(
    readonly namespaces: Informer,
    readonly informerOf: (
      type: ApiResource,
      namespace: string,
    ) => Informer | undefined,
    /** Fallback for namespaces the cache cannot hold (not ours on DR). */
    readonly direct?: ApiCluster,
  ) {}

  async getNamespace(name: string): Promise<KubeObject | undefined> {
    return this.namespaces.get(name) ?? await this.direct?.getNamespace(name);
  }

  list(type: ApiResource, namespace: string): Promise<KubeObject[]> {
    const informer = this.informerOf(type, namespace);
    // A scoped cluster-wide cache may not have listed this namespace yet.
    if (!informer?.covers(namespace)) {
      return Promise.reject(
        new Error(
          informer?.refused ??
            `watch cache of ${type.resource} is not synced yet`,
        ),
      );
    }
    return Promise.resolve(inNamespace(informer, type, namespace));
  }
}
