/**
 * Watch streams: replay from a resourceVersion out of the store's history
 * (410 Expired as an ERROR event when it is too old), synthetic ADDED for
 * "" / "0", live fan-out with selector transitions (an object that stops
 * matching is sent as DELETED), BOOKMARKs, timeoutSeconds, and the fault
 * controls tests need (cut, stall, forced 410).
 */
import { groupVersion, type ResourceType, storeKey } from "./registry.ts";
import type { Predicate } from "./selectors.ts";
import type { KObj, Store, StoreEvent } from "./store.ts";
import { toTable } from "./tables.ts";

/** What a watch request asks for. */
export interface WatchRequest {
  type: ResourceType;
  /** undefined = all namespaces (or a cluster-scoped type). */
  ns?: string;
  match: Predicate;
  resourceVersion?: string;
  bookmarks: boolean;
  /** kubectl asked for Tables: each event object is a one-row Table. */
  table?: boolean;
  timeoutSeconds?: number;
}

const encoder = new TextEncoder();

interface Watcher {
  req: WatchRequest;
  key: string;
  gv: string;
  ctrl: ReadableStreamDefaultController<Uint8Array>;
  stalled: boolean;
  timer?: ReturnType<typeof setTimeout>;
  /** Events held back by an injected delivery delay. */
  inFlight: Set<ReturnType<typeof setTimeout>>;
  closed: boolean;
}

function line(type: string, json: string): Uint8Array {
  return encoder.encode(`{"type":"${type}","object":${json}}\n`);
}

/** The object JSON as seen through the watcher's API version (or as a Table). */
function viewJson(w: Watcher, obj: KObj, json: string): string {
  if (w.req.table) {
    return toTable(w.req.type, w.key, [obj], obj.metadata.resourceVersion);
  }
  return obj.apiVersion === w.gv
    ? json
    : JSON.stringify({ ...obj, apiVersion: w.gv });
}

/** Expired Status for a too-old resourceVersion, as an ERROR event line. */
function goneLine(rv: string, current: number): Uint8Array {
  const status = {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message: `too old resource version: ${rv} (${current})`,
    reason: "Expired",
    code: 410,
  };
  return line("ERROR", JSON.stringify(status));
}

/** All open watches of one cluster. */
export class WatchHub {
  #watchers = new Set<Watcher>();
  #stalled = false;
  #forceGone = 0;
  #delayMs = 0;
  #bookmarkTimer?: ReturnType<typeof setInterval>;
  #unsubscribe: () => void;

  constructor(readonly store: Store, readonly bookmarkIntervalMs = 60_000) {
    this.#unsubscribe = store.onEvent((e) => this.#dispatch(e));
  }

  /** Number of open watch streams. */
  get size(): number {
    return this.#watchers.size;
  }

  /** What each open watch covers: resource and namespace ("" = all). */
  watching(): { resource: string; namespace: string }[] {
    return [...this.#watchers].map((w) => ({
      resource: w.req.type.resource,
      namespace: w.req.ns ?? "",
    }));
  }

  /** Opens a watch; the returned stream carries newline-delimited events. */
  open(req: WatchRequest): ReadableStream<Uint8Array> {
    let w!: Watcher;
    return new ReadableStream<Uint8Array>({
      start: (ctrl) => {
        w = {
          req,
          key: storeKey(req.type),
          gv: groupVersion(req.type),
          ctrl,
          stalled: this.#stalled,
          inFlight: new Set(),
          closed: false,
        };
        this.#start(w);
      },
      cancel: () => this.#close(w, false),
    });
  }

  #start(w: Watcher): void {
    if (this.#forceGone > 0) {
      this.#forceGone--;
      this.#send(
        w,
        goneLine(w.req.resourceVersion ?? "0", this.store.resourceVersion),
      );
      return this.#close(w, true);
    }
    const rv = w.req.resourceVersion;
    if (!rv || rv === "0") {
      for (
        const s of this.store.list(
          w.key,
          w.req.type.namespaced ? w.req.ns : undefined,
        )
      ) {
        if (w.req.match(s.obj)) {
          this.#send(w, line("ADDED", viewJson(w, s.obj, s.json)));
        }
      }
    } else {
      const events = this.store.since(Number(rv));
      if (!events) {
        this.#send(w, goneLine(rv, this.store.resourceVersion));
        return this.#close(w, true);
      }
      for (const e of events) if (e.key === w.key) this.#deliver(w, e);
    }
    this.#watchers.add(w);
    const t = w.req.timeoutSeconds;
    if (t !== undefined && t > 0) {
      w.timer = setTimeout(() => this.#close(w, true), t * 1000);
    }
    if (w.req.bookmarks) this.#ensureBookmarkTimer();
  }

  #dispatch(e: StoreEvent): void {
    for (const w of this.#watchers) if (w.key === e.key) this.#deliver(w, e);
  }

  /** Sends one history event to one watcher, applying namespace and selector. */
  #deliver(w: Watcher, e: StoreEvent): void {
    const ns = w.req.type.namespaced ? w.req.ns : undefined;
    if (ns !== undefined && e.ns !== ns) return;
    const now = w.req.match(e.obj);
    let type: string = e.type;
    if (e.type === "MODIFIED") {
      const before = e.old ? w.req.match(e.old) : true;
      if (!before && !now) return;
      if (!before) type = "ADDED";
      else if (!now) type = "DELETED";
    } else if (!now) return;
    this.#send(w, line(type, viewJson(w, e.obj, e.json)));
  }

  #send(w: Watcher, bytes: Uint8Array): void {
    if (w.closed || w.stalled) return;
    if (this.#delayMs > 0) {
      // Equal delays fire in order, so the stream keeps its event order.
      const id = setTimeout(() => {
        w.inFlight.delete(id);
        this.#enqueue(w, bytes);
      }, this.#delayMs);
      w.inFlight.add(id);
      return;
    }
    this.#enqueue(w, bytes);
  }

  #enqueue(w: Watcher, bytes: Uint8Array): void {
    if (w.closed) return;
    try {
      w.ctrl.enqueue(bytes);
    } catch {
      // The stream is gone (client vanished): a write must not fail for it.
      this.#close(w, false);
    }
  }

  #close(w: Watcher, end: boolean, error?: Error): void {
    if (!w || w.closed) return;
    w.closed = true;
    this.#watchers.delete(w);
    if (w.timer !== undefined) clearTimeout(w.timer);
    for (const id of w.inFlight) clearTimeout(id);
    w.inFlight.clear();
    if (end) {
      try {
        if (error) w.ctrl.error(error);
        else w.ctrl.close();
      } catch { /* the client went away first */ }
    }
    if (![...this.#watchers].some((x) => x.req.bookmarks)) {
      this.#stopBookmarkTimer();
    }
  }

  /** Sends a BOOKMARK with the current resourceVersion to every bookmark watcher. */
  bookmark(): void {
    const rv = String(this.store.resourceVersion);
    for (const w of this.#watchers) {
      if (!w.req.bookmarks) continue;
      const obj = {
        kind: w.req.type.kind,
        apiVersion: w.gv,
        metadata: { resourceVersion: rv },
      };
      this.#send(w, line("BOOKMARK", JSON.stringify(obj)));
    }
  }

  #ensureBookmarkTimer(): void {
    if (this.#bookmarkTimer !== undefined) return;
    this.#bookmarkTimer = setInterval(
      () => this.bookmark(),
      this.bookmarkIntervalMs,
    );
  }

  #stopBookmarkTimer(): void {
    if (this.#bookmarkTimer !== undefined) clearInterval(this.#bookmarkTimer);
    this.#bookmarkTimer = undefined;
  }

  /** Ends every open watch (`abrupt`: the connection breaks instead). */
  closeAll(abrupt = false): void {
    for (const w of [...this.#watchers]) {
      this.#close(w, true, abrupt ? new Error("watch cut") : undefined);
    }
  }

  /** Ends the watches of one storage key (a CRD went away). */
  closeKey(key: string): void {
    for (const w of [...this.#watchers]) {
      if (w.key === key) this.#close(w, true);
    }
  }

  /** Watches opened or open from now on send nothing until restored; returns restore. */
  stall(): () => void {
    this.#stalled = true;
    for (const w of this.#watchers) w.stalled = true;
    return () => {
      this.#stalled = false;
    };
  }

  /** Delays every event delivery by `ms` (network latency; in-flight events die with their watch). */
  delay(ms: number): void {
    this.#delayMs = Math.max(0, ms);
  }

  /** The next `n` watch requests get a 410 Expired ERROR event. */
  forceGone(n = 1): void {
    this.#forceGone += n;
  }

  /** Closes everything and detaches from the store. */
  stop(): void {
    this.closeAll();
    this.#stopBookmarkTimer();
    this.#unsubscribe();
  }
}
