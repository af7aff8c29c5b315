/**
 * Makes two API servers' answers comparable: drops what differs by nature (uids,
 * resourceVersions, timestamps, managedFields, allocated IPs, generated name suffixes,
 * continue tokens) and keeps what a client relies on (codes, reasons, defaults, messages).
 * Pure; no I/O.
 */

const DROPPED_KEYS = new Set([
  "uid",
  "resourceVersion",
  "creationTimestamp",
  "managedFields",
  "selfLink",
]);
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const IPV4 = /\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b/g;
const RV_IN_RECORD = /ResourceVersion in record \(\d+\)/g;
const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

function normaliseString(s: string): string {
  if (TIME.test(s)) return "<time>";
  return s.replace(UUID, "<uid>").replace(IPV4, "<ip>")
    .replace(RV_IN_RECORD, "ResourceVersion in record (<rv>)");
}

/** A copy of `value` with the volatile parts replaced or removed. */
export function normalise(value: unknown, key = ""): unknown {
  if (typeof value === "string") {
    if (key === "continue") return value === "" ? "" : "<token>";
    if (key === "generateName") return value;
    return normaliseString(value);
  }
  if (Array.isArray(value)) return value.map((v) => normalise(v, key));
  if (value === null || typeof value !== "object") return value;
  const obj = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(obj).sort()) {
    if (DROPPED_KEYS.has(k)) continue;
    out[k] = normalise(obj[k], k);
  }
  const meta = out.metadata as Record<string, unknown> | undefined;
  if (meta && typeof meta.generateName === "string" && meta.name) {
    meta.name = `${meta.generateName}<random>`;
  }
  // Upstream omits kind/apiVersion on items of built-in lists; kube-sim keeps them (a known,
  // harmless difference pinned by its own case), so items are compared without them.
  if (Array.isArray(out.items)) {
    out.items = (out.items as Record<string, unknown>[]).map((item) => {
      if (item === null || typeof item !== "object") return item;
      const { kind: _k, apiVersion: _a, ...rest } = item;
      return rest;
    });
  }
  return out;
}
