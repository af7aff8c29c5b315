/**
 * The ownerReference garbage collector: dependents whose owners are all gone
 * are deleted (also objects created with only dangling owner references, as
 * the upstream collector does shortly after), Orphan strips references,
 * Foreground owners lose their `foregroundDeletion` finalizer once their
 * dependents are gone. Runs synchronously except for dangling-owner checks.
 */
import type { Deleted, DeleteOptions } from "./deletion.ts";
import type { Engine } from "./engine.ts";
import type { ResourceType } from "./registry.ts";
import { type KObj, thaw } from "./store.ts";

/** The finalizer that keeps a Foreground-deleted owner until dependents go. */
export const FOREGROUND = "foregroundDeletion";

type DeleteFn = (
  t: ResourceType,
  ns: string,
  name: string,
  opts: DeleteOptions,
) => Deleted;

/** Owner-reference bookkeeping of one cluster. */
export class GarbageCollector {
  constructor(
    readonly engine: Engine,
    readonly remove: DeleteFn,
    readonly later: (fn: () => void) => void,
  ) {
    engine.hooks.afterRemove.push((_t, obj) => this.#afterRemove(obj));
    engine.hooks.afterPut.push((_t, obj) => this.#checkDangling(obj));
  }

  #typeOf(key: string): ResourceType | undefined {
    return this.engine.registry.byStoreKey(key);
  }

  /** Uids of existing objects that name `uid` as an owner. */
  liveDependents(uid: string): string[] {
    return this.engine.store.dependentsOf(uid).filter((d) =>
      this.engine.store.getByUid(d)
    );
  }

  /** Background-deletes an object by uid unless it is already being deleted. */
  deleteByUid(uid: string): void {
    const found = this.engine.store.getByUid(uid);
    const t = found && this.#typeOf(found.ref.key);
    if (!found || !t || found.stored.obj.metadata.deletionTimestamp) return;
    this.remove(t, found.ref.ns, found.ref.name, {
      propagationPolicy: "Background",
    });
  }

  /** Orphan: dependents lose their reference to the owner. */
  orphan(owner: KObj): void {
    for (const d of this.liveDependents(owner.metadata.uid)) {
      this.#dropOwnerRefs(d, (uid) => uid !== owner.metadata.uid);
    }
  }

  /** A foreground-deleting owner loses its finalizer once dependents are gone. */
  releaseForeground(ownerUid: string): void {
    const found = this.engine.store.getByUid(ownerUid);
    const t = found && this.#typeOf(found.ref.key);
    if (!found || !t) return;
    const fins = found.stored.obj.metadata.finalizers ?? [];
    if (
      !fins.includes(FOREGROUND) || this.liveDependents(ownerUid).length > 0
    ) return;
    const next = thaw(found.stored);
    next.metadata.finalizers = fins.filter((f) => f !== FOREGROUND);
    this.engine.update(t, found.ref.ns, found.ref.name, next);
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

  #liveOwners(obj: KObj, except?: string): number {
    return (obj.metadata.ownerReferences ?? [])
      .filter((r) => r.uid !== except && this.engine.store.getByUid(r.uid))
      .length;
  }

  /** After a removal: dependents whose owners are all gone are deleted. */
  #afterRemove(obj: KObj): void {
    const uid = obj.metadata.uid;
    for (const d of this.engine.store.dependentsOf(uid)) {
      const found = this.engine.store.getByUid(d);
      if (!found) continue;
      if (this.#liveOwners(found.stored.obj, uid) === 0) this.deleteByUid(d);
      else {this.#dropOwnerRefs(d, (o) =>
          o !== uid && Boolean(this.engine.store.getByUid(o)));}
    }
    for (const r of obj.metadata.ownerReferences ?? []) {
      this.releaseForeground(r.uid);
    }
  }

  /** An object whose every owner is missing is collected soon after it is written. */
  #checkDangling(obj: KObj): void {
    if (!obj.metadata.ownerReferences?.length || this.#liveOwners(obj) > 0) {
      return;
    }
    const uid = obj.metadata.uid;
    this.later(() => {
      const found = this.engine.store.getByUid(uid);
      if (found && this.#liveOwners(found.stored.obj) === 0) {
        this.deleteByUid(uid);
      }
    });
  }
}
