/** Small helpers shared by the simulator modules. */

/** Structural equality of JSON values, ignoring object key order. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (
    typeof a !== "object" || typeof b !== "object" || a === null || b === null
  ) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => deepEqual(x, bb[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const ak = Object.keys(ao).filter((k) => ao[k] !== undefined);
  const bk = Object.keys(bo).filter((k) => bo[k] !== undefined);
  return ak.length === bk.length && ak.every((k) => deepEqual(ao[k], bo[k]));
}

const NAME_CHARS = "bcdfghjklmnpqrstvwxz2456789";
const GENERATED_SUFFIX = 5;

/** The random suffix generateName appends (same alphabet as the apiserver). */
export function randomSuffix(): string {
  let s = "";
  for (let i = 0; i < GENERATED_SUFFIX; i++) {
    s += NAME_CHARS[Math.floor(Math.random() * NAME_CHARS.length)];
  }
  return s;
}

/** RFC 3339 timestamp with second precision, like metav1.Time. */
export function timestamp(d = new Date()): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Reads a dotted path like ".spec.replicas". */
export function getPath(o: unknown, path: string): unknown {
  let cur = o;
  for (const p of path.split(".").filter(Boolean)) {
    cur = (cur as Record<string, unknown> | undefined)?.[p];
  }
  return cur;
}

/** Writes a dotted path, creating objects on the way. */
export function setPath(
  o: Record<string, unknown>,
  path: string,
  v: unknown,
): void {
  const parts = path.split(".").filter(Boolean);
  let cur = o;
  for (const p of parts.slice(0, -1)) {
    if (typeof cur[p] !== "object" || cur[p] === null) cur[p] = {};
    cur = cur[p] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1]] = v;
}
