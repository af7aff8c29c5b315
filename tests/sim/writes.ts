/**
 * Pure helpers of the write path: turning a request body into an object of
 * the addressed type, and merging it with the stored object for main-resource
 * and /status writes (which side owns which fields).
 */
import { badRequest } from "./errors.ts";
import { groupVersion, type ResourceType } from "./registry.ts";
import { type KObj, type Stored, thaw } from "./store.ts";

/** Turns a request body into a KObj with kind/apiVersion/namespace set. */
export function prepareBody(t: ResourceType, ns: string, body: unknown): KObj {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw badRequest("the body of the request was not a JSON object");
  }
  const o = body as KObj;
  if (o.kind && o.kind !== t.kind) {
    throw badRequest(
      `the kind of the object (${o.kind}) does not match the resource (${t.kind})`,
    );
  }
  o.apiVersion = groupVersion(t);
  o.kind = t.kind;
  o.metadata = { ...(o.metadata ?? {}) } as KObj["metadata"];
  if (t.namespaced) {
    if (o.metadata.namespace && o.metadata.namespace !== ns) {
      throw badRequest(
        "the namespace of the provided object does not match the namespace sent on the request",
      );
    }
    o.metadata.namespace = ns;
  } else delete o.metadata.namespace;
  o.metadata.name ??= "";
  return o;
}

/** Main-resource write: server-owned metadata and (with /status) status kept. */
export function mainOnly(t: ResourceType, cur: Stored, o: KObj): KObj {
  const m = cur.obj.metadata;
  o.metadata.uid = m.uid;
  o.metadata.creationTimestamp = m.creationTimestamp;
  o.metadata.generation = m.generation;
  if (!t.generation) delete o.metadata.generation;
  for (
    const k of ["deletionTimestamp", "deletionGracePeriodSeconds"] as const
  ) {
    if (m[k] !== undefined) o.metadata[k] = m[k] as never;
    else delete o.metadata[k];
  }
  delete o.metadata.managedFields;
  if (t.status) {
    if (cur.obj.status !== undefined) {
      o.status = structuredClone(cur.obj.status);
    } else delete o.status;
  }
  return o;
}

/** /status write: only status changes. */
export function statusOnly(cur: Stored, o: KObj): KObj {
  const next = thaw(cur);
  if (o.status === undefined) delete next.status;
  else next.status = o.status;
  return next;
}
