/**
 * The patch formats the simulator accepts: JSON merge patch (RFC 7386), JSON
 * patch (RFC 6902) and strategic merge patch (strategic.ts). Server-side
 * apply is refused with 415 (see README).
 */
import { failure, SimError } from "./errors.ts";
import { strategicMerge } from "./strategic.ts";

export { strategicMerge } from "./strategic.ts";

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
