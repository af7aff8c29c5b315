/**
 * The informer's store: objects by namespace/name, slimmed for memory, and
 * the diffs that turn a relist into add/update/delete events (so a delete
 * that happened while the watch was down is still seen). Resource versions
 * are opaque: only compared for equality.
 */
import type { KubeObject } from "../sync/types.ts";

/** What happened to one object. */
export type InformerEvent =
  | { type: "add"; object: KubeObject }
  | { type: "update"; object: KubeObject; old: KubeObject }
  | { type: "delete"; object: KubeObject };

const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

/** Which namespaces' objects a cache keeps (a scoped cluster-wide informer). */
export type NamespaceFilter = (namespace: string | undefined) => boolean;

/** Cache key of an object. */
export function cacheKey(o: KubeObject): string {
  const ns = o.metadata.namespace;
  return ns ? `${ns}/${o.metadata.name}` : o.metadata.name;
}

/**
 * Drops managedFields and the last-applied annotation: often half an
 * object's size and never read by the syncer (copies drop them too).
 */
export function slim(o: KubeObject): KubeObject {
  const { managedFields: _m, ...metadata } = o.metadata;
  if (metadata.annotations && LAST_APPLIED in metadata.annotations) {
    const { [LAST_APPLIED]: _l, ...rest } = metadata.annotations;
    metadata.annotations = rest;
  }
  return { ...o, metadata };
}

/** See the module comment. */
export class ObjectCache {
  readonly #items = new Map<string, KubeObject>();
  /**
   * The same objects by `metadata.namespace`, in the same order as #items:
   * a pass reads one namespace at a time, and scanning a cluster-wide cache
   * once per namespace and type cost O(namespaces × objects).
   */
  readonly #byNamespace = new Map<
    string | undefined,
    Map<string, KubeObject>
  >();

  get size(): number {
    return this.#items.size;
  }

  get(key: string): KubeObject | undefined {
    return this.#items.get(key);
  }

  list(): KubeObject[] {
    return [...this.#items.values()];
  }

  /** The objects whose `metadata.namespace` is `namespace`, in list() order. */
  listNamespace(namespace: string): KubeObject[] {
    const bucket = this.#byNamespace.get(namespace);
    return bucket ? [...bucket.values()] : [];
  }

  #set(key: string, object: KubeObject, old: KubeObject | undefined): void {
    const ns = object.metadata.namespace;
    if (old && old.metadata.namespace !== ns) this.#unindex(key, old);
    this.#items.set(key, object);
    let bucket = this.#byNamespace.get(ns);
    if (!bucket) this.#byNamespace.set(ns, bucket = new Map());
    bucket.set(key, object);
  }

  #delete(key: string, old: KubeObject | undefined): void {
    this.#items.delete(key);
    if (old) this.#unindex(key, old);
  }

  #unindex(key: string, old: KubeObject): void {
    const ns = old.metadata.namespace;
    const bucket = this.#byNamespace.get(ns);
    if (!bucket) return;
    bucket.delete(key);
    if (bucket.size === 0) this.#byNamespace.delete(ns);
  }

  /**
   * Applies one watch event; returns the resulting informer event. An
   * object outside `keep` is not cached and makes no event.
   */
  apply(
    type: "ADDED" | "MODIFIED" | "DELETED",
    raw: KubeObject,
    keep?: NamespaceFilter,
  ): InformerEvent | undefined {
    if (keep && !keep(raw.metadata?.namespace)) return undefined;
    const object = slim(raw);
    const key = cacheKey(object);
    const old = this.#items.get(key);
    if (type === "DELETED") {
      this.#delete(key, old);
      return { type: "delete", object: old ?? object };
    }
    this.#set(key, object, old);
    if (!old) return { type: "add", object };
    if (old.metadata.resourceVersion === object.metadata.resourceVersion) {
      return undefined;
    }
    return { type: "update", object, old };
  }

  /**
   * Replaces the whole content (a relist); returns the differences. Objects
   * outside `keep` are left out, and cached ones dropped without an event:
   * they left the scope, not the cluster.
   */
  replace(items: KubeObject[], keep?: NamespaceFilter): InformerEvent[] {
    if (keep) this.retain(keep);
    const events: InformerEvent[] = [];
    const seen = new Set<string>();
    for (const raw of items) {
      if (keep && !keep(raw.metadata?.namespace)) continue;
      const object = slim(raw);
      const key = cacheKey(object);
      seen.add(key);
      const old = this.#items.get(key);
      this.#set(key, object, old);
      if (!old) events.push({ type: "add", object });
      else if (
        old.metadata.resourceVersion !== object.metadata.resourceVersion
      ) events.push({ type: "update", object, old });
    }
    for (const [key, object] of this.#items) {
      if (seen.has(key)) continue;
      this.#delete(key, object);
      events.push({ type: "delete", object });
    }
    return events;
  }

  /** Drops, without events, every object outside `keep`. */
  retain(keep: NamespaceFilter): void {
    for (const ns of [...this.#byNamespace.keys()]) {
      if (keep(ns)) continue;
      for (const key of this.#byNamespace.get(ns)!.keys()) {
        this.#items.delete(key);
      }
      this.#byNamespace.delete(ns);
    }
  }
}
