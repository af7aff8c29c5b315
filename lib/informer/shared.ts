/**
 * Informers shared between consumers: one list+watch per (cluster, type,
 * namespace or all, selector), reference-counted, stopped when the last
 * consumer releases it. A cluster-wide informer acquired with namespaces
 * caches only the union of its consumers' namespaces (one consumer without
 * namespaces: all of them).
 */
import type { ClusterClient } from "../kube/client.ts";
import {
  Informer,
  type InformerHandler,
  type InformerOptions,
  type InformerSpec,
} from "./informer.ts";

/** A consumer's hold on a shared informer. */
export interface InformerLease {
  informer: Informer;
  /**
   * Changes the namespaces this consumer needs cached (a scoped
   * cluster-wide informer; see the module comment).
   */
  rescope(namespaces: readonly string[] | undefined): void;
  /** Resolves once the informer covers this consumer's namespaces (or is refused). */
  covered(): Promise<void>;
  /** The informer is synced for this consumer's namespaces. */
  readonly ready: boolean;
  /** Unsubscribes the handler; stops the informer if nobody else uses it. */
  release(): Promise<void>;
}

interface Entry {
  informer: Informer;
  refs: number;
  /** Each consumer's namespaces; undefined: every namespace. */
  scopes: Map<symbol, readonly string[] | undefined>;
}

function unionOf(
  scopes: Iterable<readonly string[] | undefined>,
): ReadonlySet<string> | undefined {
  const all = new Set<string>();
  for (const scope of scopes) {
    if (scope === undefined) return undefined;
    for (const ns of scope) all.add(ns);
  }
  return all;
}

/** Identity of a shared informer. */
export function informerKey(cluster: string, spec: InformerSpec): string {
  const { group, version, resource } = spec.type;
  return [
    cluster,
    `${resource}.${group}/${version}`,
    spec.namespace ?? "*",
    spec.labelSelector ?? "",
  ].join("|");
}

/** See the module comment. */
export class SharedInformers {
  readonly #entries = new Map<string, Entry>();
  readonly #opts: InformerOptions;

  constructor(opts: InformerOptions = {}) {
    this.#opts = opts;
  }

  /** Number of running informers (one per distinct key). */
  get size(): number {
    return this.#entries.size;
  }

  /** All running informers (for readiness and metrics). */
  informers(): Informer[] {
    return [...this.#entries.values()].map((e) => e.informer);
  }

  /**
   * Joins (or starts) the informer for `spec` on `client`. `namespaces`
   * scopes a cluster-wide spec to what this consumer reads.
   */
  acquire(
    client: ClusterClient,
    spec: InformerSpec,
    handler?: InformerHandler,
    namespaces?: readonly string[],
  ): InformerLease {
    const key = informerKey(client.name, spec);
    const scoped = spec.namespace === undefined;
    let entry = this.#entries.get(key);
    const id = Symbol(key);
    if (!entry) {
      entry = {
        informer: new Informer(client, spec, this.#opts),
        refs: 0,
        scopes: new Map([[id, namespaces]]),
      };
      this.#entries.set(key, entry);
      if (scoped) entry.informer.setScope(unionOf(entry.scopes.values()));
      entry.informer.start();
    }
    const held = entry;
    let mine = scoped ? namespaces : undefined;
    const rescope = (next: readonly string[] | undefined) => {
      if (!scoped) return;
      mine = next;
      held.scopes.set(id, next);
      held.informer.setScope(unionOf(held.scopes.values()));
    };
    // Widen before the handler's replay, so the replay is of what it reads.
    if (!held.scopes.has(id)) rescope(namespaces);
    held.refs++;
    const unsubscribe = handler ? held.informer.addHandler(handler) : () => {};
    let released = false;
    return {
      informer: held.informer,
      rescope,
      covered: () => held.informer.whenCovers(mine),
      get ready() {
        return mine === undefined
          ? held.informer.covers()
          : mine.every((ns) => held.informer.covers(ns));
      },
      release: async () => {
        if (released) return;
        released = true;
        unsubscribe();
        held.scopes.delete(id);
        if (--held.refs > 0) {
          if (scoped) held.informer.setScope(unionOf(held.scopes.values()));
          return;
        }
        this.#entries.delete(key);
        await held.informer.stop();
      },
    };
  }

  /** Stops every informer. */
  async stopAll(): Promise<void> {
    const all = [...this.#entries.values()];
    this.#entries.clear();
    await Promise.all(all.map((e) => e.informer.stop()));
  }
}
