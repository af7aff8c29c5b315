/**
 * The structural-schema subset of CRD openAPIV3Schema the simulator enforces:
 * defaults, pruning of unknown fields, type, enum, required, min/max,
 * like the apiserver does for custom resources (messages follow its wording).
 */
import type { StatusCause } from "./errors.ts";

/** A CRD openAPIV3Schema node (only the keywords the simulator reads). */
export interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
  required?: string[];
  enum?: unknown[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  "x-kubernetes-preserve-unknown-fields"?: boolean;
  "x-kubernetes-int-or-string"?: boolean;
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Applies schema defaults in place (missing fields only, recursively). */
export function applyDefaults(value: unknown, s: JsonSchema): void {
  if (isObj(value) && s.properties) {
    for (const [k, sub] of Object.entries(s.properties)) {
      if (value[k] === undefined && sub.default !== undefined) {
        value[k] = structuredClone(sub.default);
      }
      if (value[k] !== undefined) applyDefaults(value[k], sub);
    }
  }
  if (isObj(value) && isObj(s.additionalProperties)) {
    for (const v of Object.values(value)) {
      applyDefaults(v, s.additionalProperties);
    }
  }
  if (Array.isArray(value) && s.items) {
    for (const v of value) applyDefaults(v, s.items);
  }
}

/** Removes fields the schema does not know; returns their paths. */
export function prune(value: unknown, s: JsonSchema, path = ""): string[] {
  const dropped: string[] = [];
  if (s["x-kubernetes-preserve-unknown-fields"]) return dropped;
  if (isObj(value)) {
    for (const k of Object.keys(value)) {
      const sub = s.properties?.[k] ??
        (isObj(s.additionalProperties) ? s.additionalProperties : undefined);
      const p = path ? `${path}.${k}` : k;
      if (sub) dropped.push(...prune(value[k], sub, p));
      else if (s.additionalProperties !== true && (s.properties || s.type)) {
        delete value[k];
        dropped.push(p);
      }
    }
  }
  if (Array.isArray(value) && s.items) {
    value.forEach((v, i) =>
      dropped.push(...prune(v, s.items!, `${path}[${i}]`))
    );
  }
  return dropped;
}

function typeOk(v: unknown, s: JsonSchema): boolean {
  if (s["x-kubernetes-int-or-string"]) {
    return typeof v === "string" || Number.isInteger(v);
  }
  switch (s.type) {
    case "object":
      return isObj(v);
    case "array":
      return Array.isArray(v);
    case "string":
      return typeof v === "string";
    case "integer":
      return Number.isInteger(v);
    case "number":
      return typeof v === "number";
    case "boolean":
      return typeof v === "boolean";
    default:
      return true;
  }
}

function show(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (isObj(v)) return '"object"';
  if (Array.isArray(v)) return '"array"';
  return JSON.stringify(v);
}

/** Validates a value; returns causes in the apiserver's wording. */
export function validate(
  value: unknown,
  s: JsonSchema,
  path = "",
): StatusCause[] {
  const out: StatusCause[] = [];
  const at = path || "<root>";
  if (value === null || value === undefined) return out;
  if (!typeOk(value, s)) {
    const m = `Invalid value: ${
      show(value)
    }: ${at} in body must be of type ${s.type}: ${show(value)}`;
    return [{ reason: "FieldValueTypeInvalid", message: m, field: at }];
  }
  if (
    s.enum && !s.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))
  ) {
    const allowed = s.enum.map((e) => JSON.stringify(e)).join(", ");
    out.push({
      reason: "FieldValueNotSupported",
      message: `Unsupported value: ${
        show(value)
      }: supported values: ${allowed}`,
      field: at,
    });
  }
  if (typeof value === "number") out.push(...bounds(value, s, at));
  if (isObj(value)) out.push(...validateObject(value, s, path));
  if (Array.isArray(value) && s.items) {
    value.forEach((v, i) =>
      out.push(...validate(v, s.items!, `${path}[${i}]`))
    );
  }
  return out;
}

function bounds(v: number, s: JsonSchema, at: string): StatusCause[] {
  if (s.minimum !== undefined && v < s.minimum) {
    return [{
      reason: "FieldValueInvalid",
      message:
        `Invalid value: ${v}: ${at} in body should be greater than or equal to ${s.minimum}`,
      field: at,
    }];
  }
  if (s.maximum !== undefined && v > s.maximum) {
    return [{
      reason: "FieldValueInvalid",
      message:
        `Invalid value: ${v}: ${at} in body should be less than or equal to ${s.maximum}`,
      field: at,
    }];
  }
  return [];
}

function validateObject(
  value: Obj,
  s: JsonSchema,
  path: string,
): StatusCause[] {
  const out: StatusCause[] = [];
  for (const r of s.required ?? []) {
    if (value[r] === undefined) {
      const f = path ? `${path}.${r}` : r;
      out.push({
        reason: "FieldValueRequired",
        message: "Required value",
        field: f,
      });
    }
  }
  for (const [k, v] of Object.entries(value)) {
    const sub = s.properties?.[k] ??
      (isObj(s.additionalProperties) ? s.additionalProperties : undefined);
    if (sub) out.push(...validate(v, sub, path ? `${path}.${k}` : k));
  }
  return out;
}
