/**
 * The three patch formats the simulator accepts: JSON merge patch (RFC 7386),
 * JSON patch (RFC 6902) and a schema-less strategic merge patch that merges
 * the well-known lists (containers, env, ports, volumes, …) by their key.
 * Server-side apply is refused with 415 (see README).
 */
import { failure, SimError } from "./errors.ts";

type Json = unknown;
type Obj = Record<string, Json>;

function isObj(v: Json): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** RFC 7386: objects merge recursively, null deletes, anything else replaces. */
export function mergePatch(target: Json, patch: Json): Json {
  if (!isObj(patch)) return structuredClone(patch);
  const out: Obj = isObj(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/** A 422 for a patch that cannot be applied, as the apiserver reports it. */
function patchInvalid(why: string): SimError {
  const e = failure(
    422,
    "Invalid",
    ` "" is invalid: patch: Invalid value: "": ${why}`,
  );
  e.status.details = {
    causes: [{
      reason: "FieldValueInvalid",
      message: `Invalid value: "": ${why}`,
      field: "patch",
    }],
  };
  return e;
}

function pointer(path: string): string[] {
  if (path === "") return [];
  if (!path.startsWith("/")) {
    throw patchInvalid(`invalid JSON pointer: ${path}`);
  }
  return path.slice(1).split("/").map((p) =>
    p.replace(/~1/g, "/").replace(/~0/g, "~")
  );
}

function parentOf(doc: Json, parts: string[], path: string): [Json, string] {
  let cur = doc;
  for (const p of parts.slice(0, -1)) {
    cur = Array.isArray(cur) ? cur[Number(p)] : isObj(cur) ? cur[p] : undefined;
    if (cur === undefined) {
      throw patchInvalid(`doc is missing path: "${path}": missing value`);
    }
  }
  return [cur, parts[parts.length - 1]];
}

function read(doc: Json, path: string): Json {
  let cur = doc;
  for (const p of pointer(path)) {
    cur = Array.isArray(cur) ? cur[Number(p)] : isObj(cur) ? cur[p] : undefined;
    if (cur === undefined) {
      throw patchInvalid(`doc is missing path: "${path}": missing value`);
    }
  }
  return cur;
}

function add(doc: Json, path: string, value: Json): Json {
  const parts = pointer(path);
  if (parts.length === 0) return value;
  const [parent, last] = parentOf(doc, parts, path);
  if (Array.isArray(parent)) {
    const i = last === "-" ? parent.length : Number(last);
    if (!Number.isInteger(i) || i < 0 || i > parent.length) {
      throw patchInvalid(
        `unable to access invalid index: ${last}: invalid index referenced`,
      );
    }
    parent.splice(i, 0, value);
  } else if (isObj(parent)) parent[last] = value;
  else throw patchInvalid(`doc is missing path: "${path}": missing value`);
  return doc;
}

function remove(doc: Json, path: string): Json {
  const parts = pointer(path);
  const [parent, last] = parentOf(doc, parts, path);
  if (Array.isArray(parent) && Number(last) < parent.length) {
    parent.splice(Number(last), 1);
  } else if (isObj(parent) && last in parent) delete parent[last];
  else {throw patchInvalid(
      `unable to remove nonexistent key: ${last}: missing value`,
    );}
  return doc;
}

interface Op {
  op: string;
  path: string;
  from?: string;
  value?: Json;
}

/** RFC 6902 on a deep copy of `doc`; failures are 422 like the apiserver's. */
export function jsonPatch(doc: Json, ops: Json): Json {
  if (!Array.isArray(ops)) {
    throw failure(
      400,
      "BadRequest",
      "json: cannot unmarshal object into Go value of type jsonpatch.Patch",
    );
  }
  let out = structuredClone(doc);
  for (const op of ops as Op[]) {
    switch (op.op) {
      case "add":
        out = add(out, op.path, structuredClone(op.value));
        break;
      case "remove":
        out = remove(out, op.path);
        break;
      case "replace":
        read(out, op.path);
        out = add(remove(out, op.path), op.path, structuredClone(op.value));
        break;
      case "move": {
        const v = read(out, op.from!);
        out = add(remove(out, op.from!), op.path, v);
        break;
      }
      case "copy":
        out = add(out, op.path, structuredClone(read(out, op.from!)));
        break;
      case "test":
        if (JSON.stringify(read(out, op.path)) !== JSON.stringify(op.value)) {
          throw patchInvalid(`testing value ${op.path} failed: test failed`);
        }
        break;
      default:
        throw patchInvalid(`Unexpected kind: ${op.op}`);
    }
  }
  return out;
}

/** List fields merged by key in strategic merge patch (no schema needed). */
const MERGE_KEYS: Record<string, string> = {
  containers: "name",
  initContainers: "name",
  ephemeralContainers: "name",
  env: "name",
  volumes: "name",
  volumeMounts: "mountPath",
  volumeDevices: "devicePath",
  imagePullSecrets: "name",
  hostAliases: "ip",
  conditions: "type",
  ownerReferences: "uid",
  resourceClaims: "name",
};

function mergeKeyFor(field: string, items: Json[]): string | undefined {
  if (field === "ports") {
    return items.some((i) => isObj(i) && "containerPort" in i)
      ? "containerPort"
      : "port";
  }
  return MERGE_KEYS[field];
}

function mergeList(field: string, target: Json, patch: Json[]): Json[] {
  const key = mergeKeyFor(field, patch);
  if (!key || !Array.isArray(target)) {
    return patch.filter((p) => !(isObj(p) && p.$patch === "delete")).map((p) =>
      strip(p)
    );
  }
  const out = [...target];
  for (const item of patch) {
    if (!isObj(item)) continue;
    const idx = out.findIndex((t) => isObj(t) && t[key] === item[key]);
    if (item.$patch === "delete") {
      if (idx >= 0) out.splice(idx, 1);
    } else if (idx >= 0) out[idx] = strategicMerge(out[idx], item);
    else out.push(strip(item));
  }
  return out;
}

/** Drops strategic-merge directives from a value that is inserted as is. */
function strip(v: Json): Json {
  if (Array.isArray(v)) return v.map(strip);
  if (!isObj(v)) return v;
  const out: Obj = {};
  for (const [k, x] of Object.entries(v)) {
    if (!k.startsWith("$")) out[k] = strip(x);
  }
  return out;
}

/** Strategic merge patch without OpenAPI: merge-patch plus keyed list merges. */
export function strategicMerge(target: Json, patch: Json): Json {
  if (!isObj(patch)) return structuredClone(patch);
  if (patch.$patch === "replace") return strip(patch);
  if (patch.$patch === "delete") return undefined;
  const out: Obj = isObj(target) ? { ...target } : {};
  const retain = Array.isArray(patch.$retainKeys)
    ? patch.$retainKeys as string[]
    : undefined;
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith("$")) continue;
    if (v === null) delete out[k];
    else if (Array.isArray(v)) out[k] = mergeList(k, out[k], v);
    else {
      const merged = strategicMerge(out[k], v);
      if (merged === undefined) delete out[k];
      else out[k] = merged;
    }
  }
  if (retain) {
    for (const k of Object.keys(out)) if (!retain.includes(k)) delete out[k];
  }
  return out;
}

/** The patch content types and what the simulator does with each. */
export const PATCH_TYPES = {
  merge: "application/merge-patch+json",
  json: "application/json-patch+json",
  strategic: "application/strategic-merge-patch+json",
  apply: "application/apply-patch+yaml",
} as const;

/** 415 for a patch type the resource does not accept (real wording). */
export function unsupportedPatch(builtin: boolean): SimError {
  const accepted = builtin
    ? `${PATCH_TYPES.json}, ${PATCH_TYPES.merge}, ${PATCH_TYPES.strategic}`
    : `${PATCH_TYPES.json}, ${PATCH_TYPES.merge}`;
  return failure(
    415,
    "UnsupportedMediaType",
    `the body of the request was in an unknown format - accepted media types include: ${accepted}`,
  );
}

/** Applies a patch body of the given content type to `doc`. */
export function applyPatch(
  contentType: string,
  doc: Json,
  patch: Json,
  builtin: boolean,
): Json {
  const ct = contentType.split(";")[0].trim();
  if (ct === PATCH_TYPES.merge) return mergePatch(doc, patch);
  if (ct === PATCH_TYPES.json) return jsonPatch(doc, patch);
  if (ct === PATCH_TYPES.strategic && builtin) {
    return strategicMerge(doc, patch);
  }
  throw unsupportedPatch(builtin);
}
