/**
 * Test helpers that validate objects against a CRD the way the API server
 * would: defaults first, then the OpenAPI schema (unknown fields are errors
 * here, since the server would silently prune them), then list-type
 * uniqueness and the x-kubernetes-validations CEL rules.
 */
import { Ajv, type ErrorObject } from "ajv";
import { compileCel } from "./cel.ts";
import { type CrdManifest, CRDS } from "../../crds/mod.ts";

/** An OpenAPI v3 schema node as it appears in a CRD. */
export type SchemaNode = {
  type?: string;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  additionalProperties?: SchemaNode | boolean;
  required?: string[];
  default?: unknown;
  description?: string;
  exclusiveMinimum?: boolean | number;
  minimum?: number;
  "x-kubernetes-list-type"?: string;
  "x-kubernetes-list-map-keys"?: string[];
  "x-kubernetes-validations"?: { rule: string; message?: string }[];
  [key: string]: unknown;
};

const K8S_KEYWORDS = [
  "x-kubernetes-preserve-unknown-fields",
  "x-kubernetes-int-or-string",
  "x-kubernetes-embedded-resource",
  "x-kubernetes-list-type",
  "x-kubernetes-list-map-keys",
  "x-kubernetes-map-type",
  "x-kubernetes-validations",
];

/** The CRD whose kind is `kind`. */
export function crdFor(kind: string): CrdManifest {
  const crd = CRDS.find((c) => c.spec.names.kind === kind);
  if (!crd) throw new Error(`no CRD for kind ${kind}`);
  return crd;
}

/** The openAPIV3Schema of a CRD's only version. */
export function rootSchema(crd: CrdManifest): SchemaNode {
  return crd.spec.versions[0].schema.openAPIV3Schema as SchemaNode;
}

/**
 * Rewrites OpenAPI 3.0 into the JSON Schema draft ajv reads, and closes
 * every object that lists its properties.
 */
export function toAjvSchema(node: SchemaNode): SchemaNode {
  const out: SchemaNode = { ...node };
  if (node.exclusiveMinimum === true) {
    out.exclusiveMinimum = node.minimum;
    delete out.minimum;
  } else if (node.exclusiveMinimum === false) delete out.exclusiveMinimum;
  if (node.properties) {
    out.properties = Object.fromEntries(
      Object.entries(node.properties).map(([k, v]) => [k, toAjvSchema(v)]),
    );
    if (
      node.additionalProperties === undefined &&
      !node["x-kubernetes-preserve-unknown-fields"]
    ) out.additionalProperties = false;
  }
  if (node.items) out.items = toAjvSchema(node.items);
  if (typeof node.additionalProperties === "object") {
    out.additionalProperties = toAjvSchema(node.additionalProperties);
  }
  return out;
}

/** A fresh ajv that knows the Kubernetes keywords and formats. */
export function newAjv(): Ajv {
  const ajv = new Ajv({ useDefaults: true, allErrors: true, strict: true });
  for (const k of K8S_KEYWORDS) ajv.addKeyword(k);
  ajv.addFormat("int64", true);
  ajv.addFormat(
    "date-time",
    /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/,
  );
  return ajv;
}

function describe(e: ErrorObject): string {
  const extra = e.keyword === "additionalProperties"
    ? ` (${(e.params as { additionalProperty: string }).additionalProperty})`
    : "";
  return `${e.instancePath || "/"} ${e.message}${extra}`;
}

/** Result of validating one object: its defaulted form and every problem. */
export interface Validation {
  value: Record<string, unknown>;
  errors: string[];
}

/** Builds a validator for one CRD: defaults, schema, then (unless
 * `rules` is false) list-type uniqueness and CEL. */
export function validatorFor(
  crd: CrdManifest,
  opts: { rules: boolean } = { rules: true },
): (obj: unknown) => Validation {
  const schema = rootSchema(crd);
  const check = newAjv().compile(toAjvSchema(schema));
  return (obj) => {
    const value = structuredClone(obj) as Record<string, unknown>;
    const errors = check(value) ? [] : (check.errors ?? []).map(describe);
    if (errors.length === 0 && opts.rules) {
      kubernetesRules(schema, value, "", errors);
    }
    return { value, errors };
  };
}

/** Applies list-type uniqueness and CEL rules, as the API server does. */
export function kubernetesRules(
  node: SchemaNode,
  value: unknown,
  path: string,
  errors: string[],
): void {
  if (value === undefined || value === null) return;
  for (const v of node["x-kubernetes-validations"] ?? []) {
    let ok: unknown;
    try {
      ok = compileCel(v.rule)(value);
    } catch (e) {
      ok = `error: ${(e as Error).message}`;
    }
    if (ok !== true) errors.push(`${path || "/"} ${v.message ?? v.rule}`);
  }
  if (Array.isArray(value)) {
    checkListType(node, value, path, errors);
    value.forEach((item, i) =>
      node.items && kubernetesRules(node.items, item, `${path}/${i}`, errors)
    );
  } else if (typeof value === "object") {
    for (const [k, child] of Object.entries(node.properties ?? {})) {
      const v = (value as Record<string, unknown>)[k];
      kubernetesRules(child, v, `${path}/${k}`, errors);
    }
  }
}

function checkListType(
  node: SchemaNode,
  list: unknown[],
  path: string,
  errors: string[],
): void {
  const type = node["x-kubernetes-list-type"];
  const keys = node["x-kubernetes-list-map-keys"] ?? [];
  if (type !== "set" && type !== "map") return;
  const ids = list.map((item) =>
    JSON.stringify(
      type === "set"
        ? item
        : keys.map((k) => (item as Record<string, unknown>)[k]),
    )
  );
  if (new Set(ids).size !== ids.length) {
    const what = type === "set" ? "values" : `entries for key ${keys}`;
    errors.push(`${path} has duplicate ${what}`);
  }
}

/** Calls fn for every schema node with its JSON-pointer-like path. */
export function walkSchema(
  node: SchemaNode,
  fn: (node: SchemaNode, path: string) => void,
  path = "",
): void {
  fn(node, path || "/");
  for (const [k, child] of Object.entries(node.properties ?? {})) {
    walkSchema(child, fn, `${path}/${k}`);
  }
  if (node.items) walkSchema(node.items, fn, `${path}/items`);
  if (typeof node.additionalProperties === "object") {
    walkSchema(node.additionalProperties, fn, `${path}/*`);
  }
}
