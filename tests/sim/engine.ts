/**
 * Write semantics of one cluster: create, update (PUT), patch, with metadata
 * management (uid, generation, resourceVersion), status subresource rules,
 * defaulting, validation and allocation. Deletion lives in deletion.ts.
 */
import {
  alreadyExists,
  badRequest,
  conflict,
  failure,
  invalid,
  namespaceTerminating,
  notFound,
  type SimError,
  type StatusCause,
} from "./errors.ts";
import { daemonSetTemplateGeneration, DEFAULTERS } from "./defaults.ts";
import { applyPatch } from "./patch.ts";
import { type Registry, type ResourceType, storeKey } from "./registry.ts";
import { applyDefaults, prune, validate } from "./schema.ts";
import { ServiceAllocator } from "./services.ts";
import { type KObj, type Store, type Stored, thaw } from "./store.ts";
import { deepEqual, randomSuffix, timestamp } from "./util.ts";
import { CREATE_RULES, UPDATE_RULES } from "./immutable.ts";
import { type NameRule, validateMeta } from "./validation.ts";
import { mainOnly, prepareBody, statusOnly } from "./writes.ts";

/** Options of a write request. */
export interface WriteOptions {
  subresource?: "status";
  /** fieldValidation=Strict: unknown CR fields are an error, not pruned. */
  strict?: boolean;
  /** dryRun=All: validate and answer, store nothing. */
  dryRun?: boolean;
}

/** Hooks other modules attach to object lifecycle (CRDs, namespaces, GC). */
export interface Hooks {
  afterPut: ((t: ResourceType, obj: KObj, old?: KObj) => void)[];
  beforeRemove: ((t: ResourceType, obj: KObj) => void)[];
  afterRemove: ((t: ResourceType, obj: KObj) => void)[];
}

/** The semantic core of one simulated cluster. */
export class Engine {
  readonly services = new ServiceAllocator();
  readonly hooks: Hooks = { afterPut: [], beforeRemove: [], afterRemove: [] };

  constructor(readonly store: Store, readonly registry: Registry) {}

  /** An existing object or 404. */
  mustGet(t: ResourceType, ns: string, name: string): Stored {
    const s = this.store.get(storeKey(t), t.namespaced ? ns : "", name);
    if (!s) throw notFound({ group: t.group, kind: t.resource, name });
    return s;
  }

  /** POST: creates an object. */
  create(
    t: ResourceType,
    ns: string,
    body: unknown,
    opts: WriteOptions = {},
  ): Stored {
    const o = prepareBody(t, ns, body);
    const meta = o.metadata;
    if (!meta.name && meta.generateName) {
      meta.name = meta.generateName + randomSuffix();
    }
    if (!meta.name) throw nameRequired(t);
    if (t.namespaced) this.#checkNamespace(t, ns, meta.name);
    if (Number(meta.resourceVersion) > 0) throw rvOnCreate();
    if (this.store.get(storeKey(t), meta.namespace ?? "", meta.name)) {
      throw alreadyExists({
        group: t.group,
        kind: t.resource,
        name: meta.name,
      });
    }
    resetServerMeta(t, meta);
    if (t.status) delete o.status;
    this.#normalize(t, o, undefined, opts);
    if (opts.dryRun) return this.#dryRun(t, o);
    const stored = this.store.put(storeKey(t), o);
    for (const h of this.hooks.afterPut) h(t, o);
    return stored;
  }

  /** PUT on the object or its /status. */
  update(
    t: ResourceType,
    ns: string,
    name: string,
    body: unknown,
    opts: WriteOptions = {},
  ): Stored {
    const cur = this.mustGet(t, ns, name);
    const incoming = prepareBody(t, ns, body);
    if (incoming.metadata.name !== name) {
      throw badRequest(
        `the name of the object (${incoming.metadata.name}) does not match the name on the URL (${name})`,
      );
    }
    const rv = incoming.metadata.resourceVersion;
    if (rv && rv !== cur.obj.metadata.resourceVersion) {
      throw conflict({ group: t.group, kind: t.resource, name });
    }
    const uid = incoming.metadata.uid;
    if (uid && uid !== cur.obj.metadata.uid) {
      throw conflict(
        { group: t.group, kind: t.resource, name },
        `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${cur.obj.metadata.uid}`,
      );
    }
    const next = opts.subresource === "status"
      ? statusOnly(cur, incoming)
      : mainOnly(t, cur, incoming);
    return this.#commit(t, cur, next, opts);
  }

  /** PATCH on the object or its /status, by content type. */
  patch(
    t: ResourceType,
    ns: string,
    name: string,
    contentType: string,
    patch: unknown,
    opts: WriteOptions = {},
  ): Stored {
    const cur = this.mustGet(t, ns, name);
    const doc = thaw(cur);
    const patched = applyPatch(contentType, doc, patch, !t.crd) as KObj;
    if (
      typeof patched !== "object" || patched === null || Array.isArray(patched)
    ) {
      throw badRequest("the patch did not produce an object");
    }
    const uid = patched.metadata?.uid;
    if (uid !== cur.obj.metadata.uid) {
      throw invalid({ group: t.group, kind: t.kind, name }, [{
        reason: "FieldValueInvalid",
        message: `Invalid value: "${uid ?? ""}": field is immutable`,
        field: "metadata.uid",
      }]);
    }
    return this.update(t, ns, name, patched, opts);
  }

  /** Stores `next` as the new state of `cur`, unless nothing changed. */
  #commit(
    t: ResourceType,
    cur: Stored,
    next: KObj,
    opts: WriteOptions,
  ): Stored {
    const old = cur.obj;
    if (old.metadata.deletionTimestamp) {
      const added = (next.metadata.finalizers ?? []).filter((f) =>
        !(old.metadata.finalizers ?? []).includes(f)
      );
      if (added.length > 0) {
        throw invalid(
          { group: t.group, kind: t.kind, name: old.metadata.name },
          [{
            reason: "FieldValueForbidden",
            message:
              "Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers " +
              // Go's %#v of a []string, as the apiserver prints it.
              `[]string{${added.map((f) => JSON.stringify(f)).join(", ")}}`,
            field: "metadata.finalizers",
          }],
        );
      }
    }
    this.#normalize(t, next, old, opts);
    if (t.generation && !deepEqual(specOf(t, old), specOf(t, next))) {
      next.metadata.generation = (old.metadata.generation ?? 0) + 1;
    }
    next.metadata.resourceVersion = old.metadata.resourceVersion;
    if (deepEqual(old, next)) return cur;
    if (opts.dryRun) return this.#dryRun(t, next, old);
    if (
      next.metadata.deletionTimestamp &&
      (next.metadata.finalizers ?? []).length === 0
    ) {
      return this.finalize(t, cur, next);
    }
    const stored = this.store.put(storeKey(t), next, old);
    if (storeKey(t) === "services") this.services.release(old, next);
    for (const h of this.hooks.afterPut) h(t, next, old);
    return stored;
  }

  /** The answer to a dry run: nothing stored, allocations given back. */
  #dryRun(t: ResourceType, o: KObj, old?: KObj): Stored {
    if (storeKey(t) === "services") this.services.release(o, old);
    if (!old) delete (o.metadata as Partial<KObj["metadata"]>).resourceVersion;
    return { obj: o, json: JSON.stringify(o) };
  }

  /** Removes an object for good (its finalizers are gone). */
  finalize(t: ResourceType, cur: Stored, last?: KObj): Stored {
    for (const h of this.hooks.beforeRemove) h(t, last ?? cur.obj);
    const gone = this.store.remove(
      storeKey(t),
      last ? { obj: last, json: JSON.stringify(last) } : cur,
    );
    if (storeKey(t) === "services") this.services.release(gone);
    for (const h of this.hooks.afterRemove) h(t, gone);
    return { obj: gone, json: JSON.stringify(gone) };
  }

  /** Defaults, schema and validation common to create and update. */
  #normalize(
    t: ResourceType,
    o: KObj,
    old: KObj | undefined,
    opts: WriteOptions,
  ): void {
    DEFAULTERS[storeKey(t)]?.(o);
    if (storeKey(t) === "daemonsets.apps") daemonSetTemplateGeneration(o, old);
    if (storeKey(t) === "namespaces" && !old) o.status = { phase: "Active" };
    // A new Service's status is an empty loadBalancer, as the apiserver's strategy writes it.
    if (storeKey(t) === "services" && !old) o.status = { loadBalancer: {} };
    const causes: StatusCause[] = [];
    if (t.schema) causes.push(...applySchema(t, o, opts.strict ?? false));
    causes.push(...validateMeta(o, nameRule(t)));
    causes.push(...(CREATE_RULES[storeKey(t)]?.(o) ?? []));
    if (old) causes.push(...(UPDATE_RULES[storeKey(t)]?.(old, o) ?? []));
    if (causes.length === 0 && storeKey(t) === "services") {
      causes.push(...this.services.allocate(o, old));
    }
    if (causes.length > 0) {
      throw invalid(
        { group: t.group, kind: t.kind, name: o.metadata.name },
        causes,
      );
    }
  }

  #checkNamespace(t: ResourceType, ns: string, name: string): void {
    const n = this.store.get("namespaces", "", ns);
    if (!n) throw notFound({ group: "", kind: "namespaces", name: ns });
    if (n.obj.metadata.deletionTimestamp) {
      throw namespaceTerminating(
        { group: t.group, kind: t.resource, name },
        ns,
      );
    }
  }
}

const SERVER_META = [
  "resourceVersion",
  "deletionTimestamp",
  "deletionGracePeriodSeconds",
  "managedFields",
  "selfLink",
];

/** Metadata the server owns, set fresh on create. */
function resetServerMeta(t: ResourceType, meta: KObj["metadata"]): void {
  meta.uid = crypto.randomUUID();
  meta.creationTimestamp = timestamp();
  for (const k of SERVER_META) delete meta[k];
  if (t.generation) meta.generation = 1;
  else delete meta.generation;
}

/**
 * The storage layer's answer to a create carrying a resourceVersion: a 500
 * without a reason (a copied object that kept its resourceVersion).
 */
function rvOnCreate(): SimError {
  const e = failure(
    500,
    "",
    "resourceVersion should not be set on objects to be created",
  );
  delete (e.status as { reason?: string }).reason;
  return e;
}

function nameRule(t: ResourceType): NameRule {
  if (t.group === "rbac.authorization.k8s.io") return "path";
  return storeKey(t) === "namespaces" ? "label" : "subdomain";
}

function nameRequired(t: ResourceType): SimError {
  // No name to report: upstream's details carry none (the message still says `""`).
  return invalid({ group: t.group, kind: t.kind }, [{
    reason: "FieldValueRequired",
    message: "Required value: name or generateName is required",
    field: "metadata.name",
  }]);
}

/** A CR body through its CRD schema: pruned (or 400 if strict), defaulted, validated. */
function applySchema(t: ResourceType, o: KObj, strict: boolean): StatusCause[] {
  const { apiVersion: _a, kind: _k, metadata: _m, ...rest } = o;
  const dropped = prune(rest, t.schema!);
  if (strict && dropped.length > 0) {
    const fields = dropped.map((f) => `unknown field "${f}"`).join(", ");
    throw badRequest(
      `${t.kind} in version "${t.version}" cannot be handled as a ${t.kind}: strict decoding error: ${fields}`,
    );
  }
  for (const k of Object.keys(o)) {
    if (!["apiVersion", "kind", "metadata"].includes(k) && !(k in rest)) {
      delete o[k];
    }
  }
  applyDefaults(rest, t.schema!);
  Object.assign(o, rest);
  return validate(rest, t.schema!);
}

/** Everything but metadata (and status, when it has its own endpoint): what generation tracks. */
function specOf(t: ResourceType, o: KObj): Record<string, unknown> {
  const { metadata: _m, status, ...rest } = o;
  // Without a status subresource, status is ordinary content of the object.
  return t.status ? rest : { ...rest, status };
}
