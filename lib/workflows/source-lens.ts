/**
 * How failback's sync-back sees and writes the source (sync-back.ts). The
 * source objects are the user's originals, not copies: they carry no
 * ownership label, and the engine writes only objects it owns. Rule chosen:
 * the source is seen through a lens that shows every object as owned by
 * the sync-back (so the engine compares and updates them like copies) and
 * strips our marks (ownership, source cluster, adopted, drsyncer.io/source)
 * from everything it writes, so the source keeps no trace of the round
 * trip. Because every source object looks owned, the sync-back runs with
 * prune and immutable-field recreation off; the source Namespace is read as
 * it really is, so its labels and annotations are never touched (and DR's
 * promoted mark can never reach it).
 */
import {
  ANNOTATION_SOURCE,
  LABEL_ADOPTED,
  LABEL_REPLICATION,
  LABEL_SOURCE_CLUSTER,
} from "../api/v1alpha1.ts";
import type { ApiCluster } from "../engine/api-ports.ts";
import type {
  ClusterReader,
  ClusterWriter,
  DeletePrecondition,
} from "../engine/ports.ts";
import type { ApiResource, KubeObject } from "../sync/types.ts";

/** Owner prefix of the (never stored) ownership of a sync-back. */
export const SYNC_BACK_OWNER_PREFIX = "failback";

function withoutMarks(o: KubeObject): KubeObject {
  const {
    [LABEL_REPLICATION]: _l,
    [LABEL_SOURCE_CLUSTER]: _c,
    [LABEL_ADOPTED]: _d,
    ...labels
  } = o.metadata.labels ?? {};
  const { [ANNOTATION_SOURCE]: _a, ...annotations } = o.metadata.annotations ??
    {};
  const metadata: KubeObject["metadata"] = { ...o.metadata };
  // An empty map and none are the same to the API server.
  metadata.labels = Object.keys(labels).length ? labels : undefined;
  metadata.annotations = Object.keys(annotations).length
    ? annotations
    : undefined;
  return { ...o, metadata };
}

/** See the module comment. */
export class SourceLens implements ClusterReader, ClusterWriter {
  /**
   * `owner`: the sync-back's ownership value; `drNamespace`: where the
   * copies are read, for the drsyncer.io/source mark the engine expects.
   */
  constructor(
    private readonly api: ApiCluster,
    private readonly owner: string,
    private readonly drNamespace: string,
  ) {}

  #marked(o: KubeObject): KubeObject {
    return {
      ...o,
      metadata: {
        ...o.metadata,
        labels: { ...o.metadata.labels, [LABEL_REPLICATION]: this.owner },
        annotations: {
          ...o.metadata.annotations,
          [ANNOTATION_SOURCE]: `${this.drNamespace}/${o.metadata.name}`,
        },
      },
    };
  }

  getNamespace(name: string): Promise<KubeObject | undefined> {
    return this.api.getNamespace(name);
  }

  async list(type: ApiResource, namespace: string): Promise<KubeObject[]> {
    return (await this.api.list(type, namespace)).map((o) => this.#marked(o));
  }

  async get(
    type: ApiResource,
    namespace: string | undefined,
    name: string,
  ): Promise<KubeObject | undefined> {
    const o = await this.api.get(type, namespace, name);
    return o && type.namespaced ? this.#marked(o) : o;
  }

  create(type: ApiResource, object: KubeObject): Promise<KubeObject> {
    return this.api.create(type, withoutMarks(object));
  }

  replace(type: ApiResource, object: KubeObject): Promise<KubeObject> {
    return this.api.replace(type, withoutMarks(object));
  }

  remove(
    _type: ApiResource,
    _namespace: string | undefined,
    name: string,
    _precondition?: DeletePrecondition,
  ): Promise<void> {
    // Prune and recreate are off; reaching this is a bug, never a delete.
    return Promise.reject(
      new Error(`BUG: sync-back must never delete (asked for ${name})`),
    );
  }
}
