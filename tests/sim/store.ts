/**
 * Object storage of one simulated cluster: one resourceVersion sequence, a
 * per-type/per-namespace index, uid and owner indexes, and a bounded event
 * history (ring) that watches replay from. Stored objects are never mutated:
 * each write stores a new object with its JSON text computed once, so reads
 * and watch fan-out reuse the same string.
 */

/** A Kubernetes object as stored (plain JSON). */
export interface KObj {
  apiVersion: string;
  kind: string;
  metadata: Meta;
  [k: string]: unknown;
}

/** The metadata fields the simulator reads and writes. */
export interface Meta {
  name: string;
  namespace?: string;
  generateName?: string;
  uid: string;
  resourceVersion: string;
  generation?: number;
  creationTimestamp: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: {
    apiVersion: string;
    kind: string;
    name: string;
    uid: string;
  }[];
  finalizers?: string[];
  [k: string]: unknown;
}

/** A stored object and its serialized form. */
export interface Stored {
  readonly obj: KObj;
  readonly json: string;
}

/** ADDED | MODIFIED | DELETED, as recorded in history. */
export type EventType = "ADDED" | "MODIFIED" | "DELETED";

/** One change, as kept in history and fanned out to watches. */
export interface StoreEvent {
  rv: number;
  type: EventType;
  key: string;
  ns: string;
  obj: KObj;
  json: string;
  /** The previous state for MODIFIED (selector transitions). */
  old?: KObj;
}

interface Ref {
  key: string;
  ns: string;
  name: string;
}

const DEFAULT_HISTORY = 10_000;

/** Parses a stored object into a fresh, mutable deep copy. */
export function thaw(s: Stored): KObj {
  return JSON.parse(s.json);
}

/** The storage of one cluster. */
export class Store {
  #rv = 0;
  #types = new Map<string, Map<string, Map<string, Stored>>>();
  #byUid = new Map<string, Ref>();
  #dependents = new Map<string, Set<string>>();
  #ring: (StoreEvent | undefined)[];
  #start = 0;
  #count = 0;
  #evictedUpTo = 0;
  #listeners = new Set<(e: StoreEvent) => void>();

  constructor(historySize = DEFAULT_HISTORY) {
    this.#ring = new Array(Math.max(1, historySize));
  }

  /** The newest resourceVersion handed out. */
  get resourceVersion(): number {
    return this.#rv;
  }

  /** Highest resourceVersion no longer replayable (watch from it → 410). */
  get evictedUpTo(): number {
    return this.#evictedUpTo;
  }

  /** One object, or undefined. */
  get(key: string, ns: string, name: string): Stored | undefined {
    return this.#types.get(key)?.get(ns)?.get(name);
  }

  /** The object with this uid, wherever it is. */
  getByUid(uid: string): { ref: Ref; stored: Stored } | undefined {
    const ref = this.#byUid.get(uid);
    const stored = ref && this.get(ref.key, ref.ns, ref.name);
    return stored && ref ? { ref, stored } : undefined;
  }

  /** Uids of objects whose ownerReferences name this uid. */
  dependentsOf(uid: string): string[] {
    return [...(this.#dependents.get(uid) ?? [])];
  }

  /**
   * Objects of a type, in one namespace or all, in the order of their
   * "namespace/name" keys (etcd's order upstream: "team-a/x" before "team/x").
   */
  list(key: string, ns?: string): Stored[] {
    const byNs = this.#types.get(key);
    if (!byNs) return [];
    const out: Stored[] = [];
    const spaces = ns === undefined
      ? [...byNs.keys()].map((n) => `${n}/`).sort().map((k) => k.slice(0, -1))
      : [ns];
    for (const n of spaces) {
      const m = byNs.get(n);
      if (!m) continue;
      const names = [...m.keys()].sort();
      for (const name of names) out.push(m.get(name)!);
    }
    return out;
  }

  /** Number of objects of a type in a namespace (cheap emptiness checks). */
  count(key: string, ns: string): number {
    return this.#types.get(key)?.get(ns)?.size ?? 0;
  }

  /** Storage keys that hold any object. */
  keys(): string[] {
    return [...this.#types.keys()];
  }

  /** Stores a new or changed object under a fresh resourceVersion. */
  put(key: string, obj: KObj, old?: KObj): Stored {
    const rv = ++this.#rv;
    obj.metadata.resourceVersion = String(rv);
    const ns = obj.metadata.namespace ?? "";
    const stored: Stored = { obj, json: JSON.stringify(obj) };
    let byNs = this.#types.get(key);
    if (!byNs) this.#types.set(key, byNs = new Map());
    let m = byNs.get(ns);
    if (!m) byNs.set(ns, m = new Map());
    m.set(obj.metadata.name, stored);
    this.#index(key, ns, obj, old);
    const type = old ? "MODIFIED" : "ADDED";
    this.#record({ rv, type, key, ns, obj, json: stored.json, old });
    return stored;
  }

  /** Removes an object; the DELETED event carries a fresh resourceVersion. */
  remove(key: string, current: Stored): KObj {
    const rv = ++this.#rv;
    const obj: KObj = JSON.parse(current.json);
    obj.metadata.resourceVersion = String(rv);
    const ns = obj.metadata.namespace ?? "";
    this.#types.get(key)?.get(ns)?.delete(obj.metadata.name);
    this.#unindex(obj);
    const json = JSON.stringify(obj);
    this.#record({ rv, type: "DELETED", key, ns, obj, json });
    return obj;
  }

  /** History events after `rv`, oldest first; undefined if evicted (410). */
  since(rv: number): StoreEvent[] | undefined {
    if (rv < this.#evictedUpTo) return undefined;
    const out: StoreEvent[] = [];
    const cap = this.#ring.length;
    for (let i = 0; i < this.#count; i++) {
      const e = this.#ring[(this.#start + i) % cap]!;
      if (e.rv > rv) out.push(e);
    }
    return out;
  }

  /** Keeps only the newest `n` events (fault injection / config). */
  resizeHistory(n: number): void {
    const kept = this.since(this.#evictedUpTo) ?? [];
    const size = Math.max(1, n);
    const drop = Math.max(0, kept.length - size);
    if (drop > 0) this.#evictedUpTo = kept[drop - 1].rv;
    this.#ring = new Array(size);
    this.#start = 0;
    this.#count = 0;
    for (const e of kept.slice(drop)) this.#push(e);
  }

  /** Subscribes to every change; returns the unsubscribe function. */
  onEvent(fn: (e: StoreEvent) => void): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  #record(e: StoreEvent): void {
    this.#push(e);
    for (const fn of this.#listeners) fn(e);
  }

  #push(e: StoreEvent): void {
    const cap = this.#ring.length;
    if (this.#count === cap) {
      this.#evictedUpTo = this.#ring[this.#start]!.rv;
      this.#ring[this.#start] = e;
      this.#start = (this.#start + 1) % cap;
      return;
    }
    this.#ring[(this.#start + this.#count) % cap] = e;
    this.#count++;
  }

  #index(key: string, ns: string, obj: KObj, old?: KObj): void {
    const uid = obj.metadata.uid;
    this.#byUid.set(uid, { key, ns, name: obj.metadata.name });
    if (old) this.#unlinkOwners(old);
    for (const o of obj.metadata.ownerReferences ?? []) {
      let s = this.#dependents.get(o.uid);
      if (!s) this.#dependents.set(o.uid, s = new Set());
      s.add(uid);
    }
  }

  #unindex(obj: KObj): void {
    this.#byUid.delete(obj.metadata.uid);
    this.#unlinkOwners(obj);
  }

  #unlinkOwners(obj: KObj): void {
    for (const o of obj.metadata.ownerReferences ?? []) {
      const s = this.#dependents.get(o.uid);
      s?.delete(obj.metadata.uid);
      if (s && s.size === 0) this.#dependents.delete(o.uid);
    }
  }
}
