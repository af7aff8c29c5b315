import { createHash } from "node:crypto";

/**
 * Kubernetes name syntax checks (apimachinery's validation rules, written
 * from the published rules). Each returns a problem message, or undefined
 * when the input is valid, so callers can prefix their own field path.
 */

/** Longest DNS-1123 label: namespace names, label-key names, label values. */
export const MAX_LABEL_LENGTH = 63;
/** Longest DNS-1123 subdomain: label-key prefixes, most object names. */
export const MAX_SUBDOMAIN_LENGTH = 253;

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
// Label values and the name part of label keys share one alphabet; the
// value may be empty, the key name may not.
const LABEL_CHARS = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/** Problem with a DNS-1123 label (namespace names), or undefined. */
export function dns1123LabelProblem(s: unknown): string | undefined {
  if (typeof s !== "string") return "must be a string";
  if (s.length === 0) return "must not be empty";
  if (s.length > MAX_LABEL_LENGTH) {
    return `must be at most ${MAX_LABEL_LENGTH} characters (is ${s.length})`;
  }
  if (!DNS1123_LABEL.test(s)) {
    return "must consist of lower case alphanumeric characters or '-', " +
      "and start and end with an alphanumeric character";
  }
  return undefined;
}

/** Problem with a DNS-1123 subdomain, or undefined. */
export function dns1123SubdomainProblem(s: string): string | undefined {
  if (s.length === 0) return "must not be empty";
  if (s.length > MAX_SUBDOMAIN_LENGTH) {
    return `must be at most ${MAX_SUBDOMAIN_LENGTH} characters`;
  }
  if (!DNS1123_SUBDOMAIN.test(s)) {
    return "must consist of lower case alphanumeric characters, '-' or '.', " +
      "and start and end with an alphanumeric character";
  }
  return undefined;
}

/** Problem with a label key (`[prefix/]name`), or undefined. */
export function labelKeyProblem(key: unknown): string | undefined {
  if (typeof key !== "string") return "must be a string";
  const parts = key.split("/");
  if (parts.length > 2) return `invalid label key "${key}": at most one '/'`;
  const name = parts[parts.length - 1];
  if (parts.length === 2) {
    const prefixProblem = dns1123SubdomainProblem(parts[0]);
    if (prefixProblem) {
      return `invalid label key "${key}": prefix ${prefixProblem}`;
    }
  }
  if (name.length === 0) return `invalid label key "${key}": name is empty`;
  if (name.length > MAX_LABEL_LENGTH) {
    return `invalid label key "${key}": name must be at most ` +
      `${MAX_LABEL_LENGTH} characters`;
  }
  if (!LABEL_CHARS.test(name)) {
    return `invalid label key "${key}": name must consist of alphanumeric ` +
      "characters, '-', '_' or '.', and start and end with an alphanumeric";
  }
  return undefined;
}

/** Problem with a label value (empty is valid), or undefined. */
export function labelValueProblem(value: unknown): string | undefined {
  if (typeof value !== "string") return "label value must be a string";
  if (value === "") return undefined;
  if (value.length > MAX_LABEL_LENGTH) {
    return `invalid label value "${value}": must be at most ` +
      `${MAX_LABEL_LENGTH} characters`;
  }
  if (!LABEL_CHARS.test(value)) {
    return `invalid label value "${value}": must consist of alphanumeric ` +
      "characters, '-', '_' or '.', and start and end with an alphanumeric";
  }
  return undefined;
}

const OWNER_HASH_CHARS = 8;

/**
 * The ownership label value `<prefix>.<name>` (drsyncer.io/replication),
 * shortened with a hash suffix when longer than a label value may be: a
 * long namespace or NamespaceReplication name must not make every write
 * invalid. Stable, so re-runs and restarts agree.
 */
export function ownerLabelValue(prefix: string, name: string): string {
  const full = `${prefix}.${name}`;
  if (full.length <= MAX_LABEL_LENGTH) return full;
  const hash = createHash("sha256").update(full).digest("hex")
    .slice(0, OWNER_HASH_CHARS);
  const head = full.slice(0, MAX_LABEL_LENGTH - OWNER_HASH_CHARS - 1);
  return `${head}-${hash}`;
}

/** Code-point order: locale independent, so output is deterministic. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
