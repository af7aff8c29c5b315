/**
 * Deletion semantics: preconditions, finalizers (deletionTimestamp first,
 * removal when the last finalizer goes), propagationPolicy with an
 * ownerReference garbage collector (Background, Foreground, Orphan), and
 * namespace termination. The collector runs synchronously; the namespace
 * purge runs on a timer so a Terminating namespace is observable.
 */
import { conflict } from "./errors.ts";
import { FOREGROUND, GarbageCollector } from "./gc.ts";
import type { Engine } from "./engine.ts";
import { type ResourceType, storeKey } from "./registry.ts";
import type { Predicate } from "./selectors.ts";
import { type KObj, type Stored, thaw } from "./store.ts";
import { timestamp } from "./util.ts";

/** The fields of meta/v1 DeleteOptions the simulator reads. */
export interface DeleteOptions {
  propagationPolicy?: "Background" | "Foreground" | "Orphan";
  orphanDependents?: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: string[];
}

/** Outcome of a delete: the object, and whether it is gone already. */
export interface Deleted {
  stored: Stored;
  gone: boolean;
}

const RETURNS_OBJECT = new Set(["pods", "services"]);

/** Whether a delete answers with the object instead of a Success Status. */
export function returnsObject(t: ResourceType): boolean {
  return RETURNS_OBJECT.has(storeKey(t)) || Boolean(t.crd);
}

/** Deletion of one cluster (garbage collection in gc.ts). */
export class Deleter {
  #timers = new Set<ReturnType<typeof setTimeout>>();

  readonly gc: GarbageCollector;

  constructor(readonly engine: Engine, readonly namespacePurgeDelayMs = 0) {
    this.gc = new GarbageCollector(
      engine,
      (t, ns, name, o) => this.delete(t, ns, name, o),
      (fn) => this.later(fn),
    );
    engine.hooks.afterRemove.push((_t, obj) => this.#afterRemove(obj));
  }

  /** DELETE of one object. */
  delete(
    t: ResourceType,
    ns: string,
    name: string,
    opts: DeleteOptions = {},
  ): Deleted {
    const cur = this.engine.mustGet(t, ns, name);
    this.#preconditions(t, cur.obj, opts);
    if (storeKey(t) === "namespaces") return this.#deleteNamespace(t, cur);
    const policy = opts.propagationPolicy ??
      (opts.orphanDependents ? "Orphan" : t.defaultPropagation);
    if (policy === "Orphan") this.gc.orphan(cur.obj);
    const live = this.gc.liveDependents(cur.obj.metadata.uid);
    const finalizers = [...(cur.obj.metadata.finalizers ?? [])];
    if (
      policy === "Foreground" && live.length > 0 &&
      !finalizers.includes(FOREGROUND)
    ) {
      finalizers.push(FOREGROUND);
    }
    if (finalizers.length === 0) {
      return { stored: this.engine.finalize(t, cur), gone: true };
    }
    const marked = this.#markDeleting(t, cur, finalizers);
    if (finalizers.includes(FOREGROUND)) {
      for (const d of live) this.gc.deleteByUid(d);
      this.gc.releaseForeground(marked.obj.metadata.uid);
    }
    const now = this.engine.store.get(
      storeKey(t),
      cur.obj.metadata.namespace ?? "",
      name,
    );
    return now ? { stored: now, gone: false } : { stored: marked, gone: true };
  }

  /** DELETE of a collection (selector-filtered). */
  deleteCollection(
    t: ResourceType,
    ns: string | undefined,
    match: Predicate,
    opts: DeleteOptions,
  ): Stored[] {
    const out: Stored[] = [];
    for (
      const s of this.engine.store.list(
        storeKey(t),
        t.namespaced ? ns : undefined,
      )
    ) {
      if (!match(s.obj)) continue;
      if (
        !this.engine.store.get(
          storeKey(t),
          s.obj.metadata.namespace ?? "",
          s.obj.metadata.name,
        )
      ) continue;
      out.push(
        this.delete(
          t,
          s.obj.metadata.namespace ?? "",
          s.obj.metadata.name,
          opts,
        ).stored,
      );
    }
    return out;
  }

  /** Cancels pending namespace purges (cluster stop). */
  close(): void {
    for (const id of this.#timers) clearTimeout(id);
    this.#timers.clear();
  }

  #preconditions(t: ResourceType, o: KObj, opts: DeleteOptions): void {
    const p = opts.preconditions;
    // Upstream's storage precondition check names the Kind and words it this way.
    const target = { group: t.group, kind: t.kind, name: o.metadata.name };
    if (p?.uid && p.uid !== o.metadata.uid) {
      throw conflict(
        target,
        `the UID in the precondition (${p.uid}) does not match the UID in record (${o.metadata.uid}). The object might have been deleted and then recreated`,
      );
    }
    if (
      p?.resourceVersion && p.resourceVersion !== o.metadata.resourceVersion
    ) {
      throw conflict(
        target,
        `the ResourceVersion in the precondition (${p.resourceVersion}) does not match the ResourceVersion in record (${o.metadata.resourceVersion}). The object might have been modified`,
      );
    }
  }

  #markDeleting(t: ResourceType, cur: Stored, finalizers: string[]): Stored {
    if (
      cur.obj.metadata.deletionTimestamp &&
      finalizers.length === (cur.obj.metadata.finalizers ?? []).length
    ) {
      return cur;
    }
    const next = thaw(cur);
    next.metadata.deletionTimestamp ??= timestamp();
    next.metadata.deletionGracePeriodSeconds = 0;
    next.metadata.finalizers = finalizers;
    if (next.metadata.generation) next.metadata.generation++;
    return this.engine.store.put(storeKey(t), next, cur.obj);
  }

  #typeOf(key: string): ResourceType | undefined {
    return this.engine.registry.byStoreKey(key);
  }

  /** Runs `fn` after `ms` unless the cluster stops first. */
  later(fn: () => void, ms = 0): void {
    const id = setTimeout(() => {
      this.#timers.delete(id);
      // Background work must never take the test process down with it.
      try {
        fn();
      } catch (e) {
        console.error("kube-sim background task failed:", e);
      }
    }, ms);
    this.#timers.add(id);
  }

  #afterRemove(obj: KObj): void {
    const ns = obj.metadata.namespace;
    if (ns) this.#maybeRemoveNamespace(ns);
  }

  #deleteNamespace(t: ResourceType, cur: Stored): Deleted {
    if (cur.obj.metadata.deletionTimestamp) return { stored: cur, gone: false };
    const next = thaw(cur);
    next.metadata.deletionTimestamp = timestamp();
    next.status = { ...(next.status as object ?? {}), phase: "Terminating" };
    const stored = this.engine.store.put(storeKey(t), next, cur.obj);
    const name = cur.obj.metadata.name;
    this.later(() => this.#purge(name), this.namespacePurgeDelayMs);
    return { stored, gone: false };
  }

  #purge(ns: string): void {
    for (const key of this.engine.store.keys()) {
      const t = this.#typeOf(key);
      if (!t?.namespaced) continue;
      for (const s of this.engine.store.list(key, ns)) {
        if (s.obj.metadata.deletionTimestamp) continue;
        this.delete(t, ns, s.obj.metadata.name, {
          propagationPolicy: "Background",
        });
      }
    }
    this.#maybeRemoveNamespace(ns);
  }

  #maybeRemoveNamespace(ns: string): void {
    const cur = this.engine.store.get("namespaces", "", ns);
    if (!cur?.obj.metadata.deletionTimestamp) return;
    if (
      this.engine.store.keys().some((k) => this.engine.store.count(k, ns) > 0)
    ) return;
    const t = this.#typeOf("namespaces")!;
    this.engine.finalize(t, cur);
  }
}
