/**
 * Deletion semantics: preconditions, finalizers (deletionTimestamp first,
 * removal when the last finalizer goes), propagationPolicy with an
 * ownerReference garbage collector (Background, Foreground, Orphan), and
 * namespace termination. The collector runs synchronously; the namespace
 * purge runs on a timer so a Terminating namespace is observable.
 */
import { conflict } from "./errors.ts";
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
}

/** Outcome of a delete: the object, and whether it is gone already. */
export interface Deleted {
  stored: Stored;
  gone: boolean;
}

const FOREGROUND = "foregroundDeletion";
const RETURNS_OBJECT = new Set(["pods", "services"]);

/** Whether a delete answers with the object instead of a Success Status. */
export function returnsObject(t: ResourceType): boolean {
  return RETURNS_OBJECT.has(storeKey(t)) || Boolean(t.crd);
}

/** Deletion and garbage collection of one cluster. */
export class Deleter {
  #timers = new Set<ReturnType<typeof setTimeout>>();

  constructor(readonly engine: Engine, readonly namespacePurgeDelayMs = 0) {
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
    if (policy === "Orphan") this.#orphan(cur.obj);
    const live = this.#liveDependents(cur.obj.metadata.uid);
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
      for (const d of live) this.#deleteByUid(d);
      this.#releaseForeground(marked.obj.metadata.uid);
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
    const target = { group: t.group, kind: t.resource, name: o.metadata.name };
    if (p?.uid && p.uid !== o.metadata.uid) {
      throw conflict(
        target,
        `Precondition failed: UID in precondition: ${p.uid}, UID in object meta: ${o.metadata.uid}`,
      );
    }
    if (
      p?.resourceVersion && p.resourceVersion !== o.metadata.resourceVersion
    ) {
      throw conflict(
        target,
        `Precondition failed: ResourceVersion in precondition: ${p.resourceVersion}, ResourceVersion in object meta: ${o.metadata.resourceVersion}`,
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

  #liveDependents(uid: string): string[] {
    return this.engine.store.dependentsOf(uid).filter((d) =>
      this.engine.store.getByUid(d)
    );
  }

  #deleteByUid(
    uid: string,
    opts: DeleteOptions = { propagationPolicy: "Background" },
  ): void {
    const found = this.engine.store.getByUid(uid);
    const t = found && this.#typeOf(found.ref.key);
    if (!found || !t || found.stored.obj.metadata.deletionTimestamp) return;
    this.delete(t, found.ref.ns, found.ref.name, opts);
  }

  /** Orphan: dependents lose their reference to the owner. */
  #orphan(owner: KObj): void {
    for (const d of this.#liveDependents(owner.metadata.uid)) {
      this.#dropOwnerRefs(d, (uid) => uid !== owner.metadata.uid);
    }
  }

  #dropOwnerRefs(uid: string, keep: (ownerUid: string) => boolean): void {
    const found = this.engine.store.getByUid(uid);
    const t = found && this.#typeOf(found.ref.key);
    if (!found || !t) return;
    const next = thaw(found.stored);
    next.metadata.ownerReferences = (next.metadata.ownerReferences ?? [])
      .filter((r) => keep(r.uid));
    if (next.metadata.ownerReferences.length === 0) {
      delete next.metadata.ownerReferences;
    }
    this.engine.update(t, found.ref.ns, found.ref.name, next);
  }

  /** GC after a removal: dependents whose owners are all gone are deleted. */
  #afterRemove(obj: KObj): void {
    const uid = obj.metadata.uid;
    for (const d of this.engine.store.dependentsOf(uid)) {
      const found = this.engine.store.getByUid(d);
      if (!found) continue;
      const refs = found.stored.obj.metadata.ownerReferences ?? [];
      const liveOwners = refs.filter((r) =>
        r.uid !== uid && this.engine.store.getByUid(r.uid)
      );
      if (liveOwners.length === 0) this.#deleteByUid(d);
      else this.#dropOwnerRefs(d, (o) => liveOwners.some((r) => r.uid === o));
    }
    for (const r of obj.metadata.ownerReferences ?? []) {
      this.#releaseForeground(r.uid);
    }
    const ns = obj.metadata.namespace;
    if (ns) this.#maybeRemoveNamespace(ns);
  }

  /** A foreground-deleting owner loses its finalizer once dependents are gone. */
  #releaseForeground(ownerUid: string): void {
    const found = this.engine.store.getByUid(ownerUid);
    const t = found && this.#typeOf(found.ref.key);
    if (!found || !t) return;
    const fins = found.stored.obj.metadata.finalizers ?? [];
    if (
      !fins.includes(FOREGROUND) || this.#liveDependents(ownerUid).length > 0
    ) return;
    const next = thaw(found.stored);
    next.metadata.finalizers = fins.filter((f) => f !== FOREGROUND);
    this.engine.update(t, found.ref.ns, found.ref.name, next);
  }

  #deleteNamespace(t: ResourceType, cur: Stored): Deleted {
    if (cur.obj.metadata.deletionTimestamp) return { stored: cur, gone: false };
    const next = thaw(cur);
    next.metadata.deletionTimestamp = timestamp();
    next.status = { ...(next.status as object ?? {}), phase: "Terminating" };
    const stored = this.engine.store.put(storeKey(t), next, cur.obj);
    const name = cur.obj.metadata.name;
    const id = setTimeout(() => {
      this.#timers.delete(id);
      this.#purge(name);
    }, this.namespacePurgeDelayMs);
    this.#timers.add(id);
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
