/**
 * Informers shared between consumers: one list+watch per (cluster, type,
 * namespace or all, selector), reference-counted, stopped when the last
 * consumer releases it.
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
  /** Unsubscribes the handler; stops the informer if nobody else uses it. */
  release(): Promise<void>;
}

interface Entry {
  informer: Informer;
  refs: number;
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

  /** Joins (or starts) the informer for `spec` on `client`. */
  acquire(
    client: ClusterClient,
    spec: InformerSpec,
    handler?: InformerHandler,
  ): InformerLease {
    const key = informerKey(client.name, spec);
    let entry = this.#entries.get(key);
    if (!entry) {
      entry = { informer: new Informer(client, spec, this.#opts), refs: 0 };
      this.#entries.set(key, entry);
      entry.informer.start();
    }
    entry.refs++;
    const unsubscribe = handler ? entry.informer.addHandler(handler) : () => {};
    let released = false;
    const held = entry;
    return {
      informer: held.informer,
      release: async () => {
        if (released) return;
        released = true;
        unsubscribe();
        if (--held.refs > 0) return;
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
