/**
 * Watch caches on DR clusters: per remote cluster and type, every object
 * carrying our ownership label (all replications to that cluster share
 * them), plus our DR namespaces. A rebuilt remote client (rotated
 * credentials) replaces all of that remote's informers.
 *
 * With sharding, the copies of replications another replica handles are
 * not ours to read: each live replication claims its DR namespaces, and
 * the type caches keep only the union of the claims (the server cannot
 * filter by a set of namespaces or label values, so the watch still reads
 * them; they cost no memory). Without sharding everything is kept: claims
 * would only add relists when replications come and go.
 */
import { LABEL_REPLICATION } from "../../lib/api/v1alpha1.ts";
import type { InformerEvent } from "../../lib/informer/cache.ts";
import { Informer, type InformerOptions } from "../../lib/informer/informer.ts";
import type { ResourceType } from "../../lib/informer/list.ts";
import type { ClusterClient } from "../../lib/kube/client.ts";
import { NAMESPACES } from "../context.ts";
import { OwnWrites } from "./own-writes.ts";

export type DrEventHandler = (remote: string, event: InformerEvent) => void;
/** Told about each DR watch restart, with the remote it belongs to. */
export type DrRestartHandler = (
  remote: string,
  cause: string,
  delayMs: number,
  resource: string,
) => void;

/** A live replication's claim on a remote's caches (see the module comment). */
export interface DrClaim {
  /** The DR namespaces claimed now. */
  readonly namespaces: readonly string[];
  set(namespaces: readonly string[]): void;
  release(): void;
}

interface RemoteEntry {
  client: ClusterClient;
  informers: Map<string, Informer>;
}

function typeKey(t: ResourceType): string {
  return `${t.resource}.${t.group}/${t.version}`;
}

const NAMESPACES_KEY = typeKey(NAMESPACES);

/** See the module comment. */
export class RemoteCaches {
  readonly #entries = new Map<string, RemoteEntry>();
  readonly #own = new Map<string, OwnWrites>();
  readonly #opts: InformerOptions;
  readonly #onEvent: DrEventHandler;

  readonly #onRestart?: DrRestartHandler;
  /** Claims per remote; only kept when scoped. */
  readonly #claims = new Map<string, Map<symbol, readonly string[]>>();
  readonly #scoped: boolean;

  constructor(
    opts: InformerOptions,
    onEvent: DrEventHandler,
    onRestart?: DrRestartHandler,
    /** Keep only claimed namespaces (run --sharding). */
    scoped = false,
  ) {
    this.#opts = opts;
    this.#onEvent = onEvent;
    this.#onRestart = onRestart;
    this.#scoped = scoped;
  }

  /** A live replication's claim on `remote`'s type caches. */
  claim(remote: string): DrClaim {
    const id = Symbol(remote);
    let current: readonly string[] = [];
    const claims = () => {
      let m = this.#claims.get(remote);
      if (!m) this.#claims.set(remote, m = new Map());
      return m;
    };
    return {
      get namespaces() {
        return current;
      },
      set: (namespaces) => {
        const same = namespaces.length === current.length &&
          namespaces.every((n, i) => n === current[i]);
        current = namespaces;
        if (!this.#scoped || (same && claims().has(id))) return;
        claims().set(id, namespaces);
        this.#applyScope(remote);
      },
      release: () => {
        if (!this.#claims.get(remote)?.delete(id)) return;
        this.#applyScope(remote);
      },
    };
  }

  #scopeOf(remote: string): ReadonlySet<string> | undefined {
    if (!this.#scoped) return undefined;
    return new Set([...this.#claims.get(remote)?.values() ?? []].flat());
  }

  #applyScope(remote: string): void {
    const scope = this.#scopeOf(remote);
    for (const [key, informer] of this.#entries.get(remote)?.informers ?? []) {
      if (key !== NAMESPACES_KEY) informer.setScope(scope);
    }
  }

  /** Our own writes to `remote`, whose watch echoes are not work. */
  ownWrites(remote: string): OwnWrites {
    let own = this.#own.get(remote);
    if (!own) {
      own = new OwnWrites();
      this.#own.set(remote, own);
    }
    return own;
  }

  /** Owned objects of `type` on `remote` (started on first use). */
  async informer(
    remote: string,
    client: ClusterClient,
    type: ResourceType,
  ): Promise<Informer> {
    let entry = this.#entries.get(remote);
    if (entry && entry.client !== client) {
      await this.forget(remote);
      entry = undefined;
    }
    if (!entry) {
      entry = { client, informers: new Map() };
      this.#entries.set(remote, entry);
    }
    const key = typeKey(type);
    let informer = entry.informers.get(key);
    if (!informer) {
      informer = new Informer(client, {
        type,
        labelSelector: LABEL_REPLICATION,
      }, {
        ...this.#opts,
        onRestart: (cause, delayMs, spec) => {
          this.#opts.onRestart?.(cause, delayMs, spec);
          this.#onRestart?.(remote, cause, delayMs, spec.type.resource);
        },
      });
      // Our DR namespaces themselves are always all kept.
      if (key !== NAMESPACES_KEY) informer.setScope(this.#scopeOf(remote));
      const started = informer;
      // Events before the first sync are the initial list: the full pass
      // that follows covers them, so only later changes are forwarded.
      informer.addHandler((e) => {
        if (started.hasSynced && !this.ownWrites(remote).isEcho(e)) {
          this.#onEvent(remote, e);
        }
      });
      entry.informers.set(key, informer);
      informer.start();
    }
    return informer;
  }

  /** Our namespaces on `remote`. */
  namespaces(remote: string, client: ClusterClient): Promise<Informer> {
    return this.informer(remote, client, NAMESPACES);
  }

  /** Every running informer (for metrics). */
  all(): Informer[] {
    return [...this.#entries.values()].flatMap((
      e,
    ) => [...e.informers.values()]);
  }

  async forget(remote: string): Promise<void> {
    const entry = this.#entries.get(remote);
    this.#entries.delete(remote);
    this.#own.delete(remote);
    await Promise.all(
      [...entry?.informers.values() ?? []].map((i) => i.stop()),
    );
  }

  async close(): Promise<void> {
    await Promise.all([...this.#entries.keys()].map((r) => this.forget(r)));
  }
}
