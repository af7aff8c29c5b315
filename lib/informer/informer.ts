/**
 * A list+watch cache for one (cluster, type, namespace or all, selector).
 * Unlike client-node's ListWatch it never stops on its own:
 *
 *   relist ──► watch from rv ──► (stream end | error | watchdog) ──► backoff ─┐
 *     ▲            │ 410 Gone: forget rv                                    │
 *     └────────────┴──────────── rv unknown? ◄──────────────────────────────┘
 *
 * Lists are paginated; watches ask for bookmarks and a randomised server
 * timeout; a relist diffs against the cache so changes and deletes missed
 * while the watch was down are delivered.
 *
 * A cluster-wide informer can be scoped to a set of namespaces: the API has
 * no "namespace in (set)" selector, so it still reads every namespace, but
 * caches only the scope's objects. Narrowing drops objects at once;
 * widening needs the new namespaces' current objects, so it restarts the
 * watch with a relist, and `covers(ns)` is false for them until that list
 * is in.
 */
import type { ClusterClient } from "../kube/client.ts";
import { type Clock, sleep, systemClock } from "../clock.ts";
import { classifyError, isGone } from "../kube/errors.ts";
import type { KubeObject } from "../sync/types.ts";
import { Backoff, type BackoffOptions } from "./backoff.ts";
import {
  type InformerEvent,
  type NamespaceFilter,
  ObjectCache,
} from "./cache.ts";
import {
  collectionPath,
  DEFAULT_PAGE_SIZE,
  type InformerSpec,
  listAll,
} from "./list.ts";
import { openWatch, type WatchOutcome } from "./watch.ts";

export type { InformerSpec, ResourceType } from "./list.ts";
export { collectionPath } from "./list.ts";

/** Tuning; defaults suit production, tests shorten them. */
export interface InformerOptions {
  pageSize?: number;
  /** Server-side watch timeout range in seconds, picked at random. */
  watchTimeoutSeconds?: [number, number];
  /** No event or bookmark for this long: abort and re-watch. */
  watchdogMs?: number;
  backoff?: BackoffOptions;
  clock?: Clock;
  random?: () => number;
  /** Told about each restart cause (for logs and metrics). */
  onRestart?: (cause: string, delayMs: number, spec: InformerSpec) => void;
}

/** Consumer callback; called synchronously, in order. */
export type InformerHandler = (event: InformerEvent) => void;

const DEFAULT_WATCH_TIMEOUT: [number, number] = [300, 600];
const DEFAULT_WATCHDOG_MS = 5 * 60_000;

/** See the module comment. */
export class Informer {
  readonly spec: InformerSpec;
  readonly #client: ClusterClient;
  readonly #cache = new ObjectCache();
  readonly #handlers = new Set<InformerHandler>();
  readonly #stop = new AbortController();
  readonly #opts: InformerOptions;
  readonly #clock: Clock;
  readonly #backoff: Backoff;
  #rv: string | undefined;
  #loop: Promise<void> | undefined;
  #hasSynced = false;
  #watching = false;
  #markSynced!: () => void;
  #refused: string | undefined;
  #markSettled!: () => void;
  /** Namespaces kept in the cache; undefined: all. */
  #scope: ReadonlySet<string> | undefined;
  #keep: NamespaceFilter | undefined;
  /** The scope of the last completed list: the namespaces the cache covers. */
  #listedScope: ReadonlySet<string> | undefined;
  /** A widened scope waits for a list of its new namespaces. */
  #relistNeeded = false;
  /** Ends the current watch or backoff early (a widened scope). */
  #interrupt = new AbortController();
  #coverageWaiters: {
    namespaces: readonly string[] | undefined;
    resolve: () => void;
  }[] = [];
  /** Resolves after the first complete list was delivered. */
  readonly synced: Promise<void>;
  /**
   * Resolves once synced or once the API server refused the list (403/401):
   * a refusal lasts until someone changes RBAC, so waiting on it is pointless.
   */
  readonly settled: Promise<void>;
  /** Counters for metrics and tests. */
  readonly stats = { relists: 0, restarts: 0, watches: 0 };

  constructor(
    client: ClusterClient,
    spec: InformerSpec,
    opts: InformerOptions = {},
  ) {
    this.#client = client;
    this.spec = spec;
    this.#opts = opts;
    this.#clock = opts.clock ?? systemClock;
    this.#backoff = new Backoff({ clock: this.#clock, ...opts.backoff });
    this.synced = new Promise((resolve) => this.#markSynced = resolve);
    this.settled = new Promise((resolve) => this.#markSettled = resolve);
    this.synced.then(() => this.#markSettled());
  }

  /** Why the API server refused the last list (Forbidden, Unauthorized), if it did. */
  get refused(): string | undefined {
    return this.#refused;
  }

  get hasSynced(): boolean {
    return this.#hasSynced;
  }

  /**
   * Synced, and `namespace` (undefined: every namespace) was in scope when
   * the cache was last listed.
   */
  covers(namespace?: string): boolean {
    const listed = this.#listedScope;
    return this.#hasSynced &&
      (listed === undefined ||
        (namespace !== undefined && listed.has(namespace)));
  }

  /**
   * Resolves once `namespaces` (undefined: every namespace) are covered, or
   * the list is refused.
   */
  whenCovers(namespaces: readonly string[] | undefined): Promise<void> {
    if (this.#refused || this.#coversAll(namespaces)) return Promise.resolve();
    return new Promise((resolve) =>
      this.#coverageWaiters.push({ namespaces, resolve })
    );
  }

  /**
   * Keeps only `namespaces`' objects (undefined: all). For cluster-wide
   * informers; see the module comment.
   */
  setScope(namespaces: ReadonlySet<string> | undefined): void {
    this.#scope = namespaces;
    this.#keep = namespaces &&
      ((ns) => ns !== undefined && namespaces.has(ns));
    if (!this.#hasSynced) return; // the first list applies it
    const listed = this.#listedScope;
    const widens = listed !== undefined &&
      (namespaces === undefined || [...namespaces].some((n) => !listed.has(n)));
    if (widens) {
      // A flag, not `#rv = undefined`: events the old watch still delivers
      // would set #rv again and the relist would be skipped.
      this.#relistNeeded = true;
      this.#interrupt.abort();
      return;
    }
    if (this.#keep) this.#cache.retain(this.#keep);
    this.#listedScope = namespaces;
  }

  /** Objects in the cache now. */
  get size(): number {
    return this.#cache.size;
  }

  /** Synced and a watch is open now: changes arrive as they happen. */
  get live(): boolean {
    return this.#hasSynced && this.#watching;
  }

  /** Cached objects (do not mutate). */
  list(): KubeObject[] {
    return this.#cache.list();
  }

  /** Cached objects of one namespace, in list() order (do not mutate). */
  listNamespace(namespace: string): KubeObject[] {
    return this.#cache.listNamespace(namespace);
  }

  /** One cached object by namespace and name. */
  get(name: string, namespace?: string): KubeObject | undefined {
    return this.#cache.get(namespace ? `${namespace}/${name}` : name);
  }

  /** Subscribes; a late subscriber first gets "add" for every cached object. */
  addHandler(h: InformerHandler): () => void {
    this.#handlers.add(h);
    for (const object of this.#cache.list()) h({ type: "add", object });
    return () => this.#handlers.delete(h);
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  /** Stops the loop and its watch; resolves when nothing is left running. */
  async stop(): Promise<void> {
    this.#stop.abort(new DOMException("informer stopped", "AbortError"));
    await this.#loop;
  }

  async #run(): Promise<void> {
    const signal = this.#stop.signal;
    while (!signal.aborted) {
      let cause: string;
      const interrupt = this.#interrupt.signal;
      try {
        if (this.#rv === undefined || this.#relistNeeded) {
          await this.#relist(signal);
        }
        cause = await this.#watch(AbortSignal.any([signal, interrupt]));
      } catch (e) {
        if (signal.aborted) break;
        if (isGone(e)) this.#rv = undefined;
        const err = classifyError(e);
        cause = err.reason;
        if (this.#rv === undefined && (err.code === 403 || err.code === 401)) {
          this.#refused = err.message;
          this.#markSettled();
          this.#wakeCoverageWaiters();
        }
      }
      if (signal.aborted) break;
      if (interrupt.aborted) {
        // A widened scope, not a failure: relist now.
        this.#interrupt = new AbortController();
        continue;
      }
      if (cause === "Expired") this.#rv = undefined;
      const delay = this.#backoff.next();
      this.stats.restarts++;
      this.#opts.onRestart?.(cause, delay, this.spec);
      await sleep(this.#clock, delay, AbortSignal.any([signal, interrupt]))
        .catch(() => {});
      if (interrupt.aborted) this.#interrupt = new AbortController();
    }
  }

  async #relist(signal: AbortSignal): Promise<void> {
    const pageSize = this.#opts.pageSize ?? DEFAULT_PAGE_SIZE;
    const list = await listAll(this.#client, this.spec, signal, pageSize);
    this.stats.relists++;
    this.#rv = list.resourceVersion;
    this.#refused = undefined;
    this.#listedScope = this.#scope;
    this.#relistNeeded = false;
    this.#emit(this.#cache.replace(list.items, this.#keep));
    if (!this.#hasSynced) {
      this.#hasSynced = true;
      this.#markSynced();
    }
    this.#wakeCoverageWaiters();
  }

  #coversAll(namespaces: readonly string[] | undefined): boolean {
    return namespaces === undefined
      ? this.covers()
      : namespaces.every((ns) => this.covers(ns));
  }

  #wakeCoverageWaiters(): void {
    this.#coverageWaiters = this.#coverageWaiters.filter((w) => {
      const done = this.#refused !== undefined ||
        this.#coversAll(w.namespaces);
      if (done) w.resolve();
      return !done;
    });
  }

  async #watch(signal: AbortSignal): Promise<string> {
    await this.#client.limiter?.take(signal);
    const [lo, hi] = this.#opts.watchTimeoutSeconds ?? DEFAULT_WATCH_TIMEOUT;
    const random = this.#opts.random ?? Math.random;
    this.stats.watches++;
    this.#watching = true;
    const outcome: WatchOutcome = await openWatch({
      client: this.#client,
      path: collectionPath(this.spec),
      query: {
        resourceVersion: this.#rv,
        allowWatchBookmarks: true,
        timeoutSeconds: Math.round(lo + random() * (hi - lo)),
        labelSelector: this.spec.labelSelector,
      },
      watchdogMs: this.#opts.watchdogMs ?? DEFAULT_WATCHDOG_MS,
      clock: this.#clock,
      signal,
      onEvent: (type, object) => this.#onWatchEvent(type, object),
    }).finally(() => this.#watching = false);
    return outcome;
  }

  #onWatchEvent(type: string, object: KubeObject): void {
    const rv = object?.metadata?.resourceVersion;
    if (type === "BOOKMARK") {
      if (rv) this.#rv = rv;
      return;
    }
    if (type !== "ADDED" && type !== "MODIFIED" && type !== "DELETED") return;
    if (rv) this.#rv = rv;
    const event = this.#cache.apply(type, object, this.#keep);
    if (event) this.#emit([event]);
  }

  #emit(events: InformerEvent[]): void {
    for (const event of events) {
      for (const h of this.#handlers) {
        try {
          h(event);
        } catch {
          // A consumer's bug must not stop delivery to the others.
        }
      }
    }
  }
}
