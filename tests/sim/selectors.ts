/**
 * Label selectors (=, ==, !=, in, notin, exists, !exists) and field selectors
 * (metadata.name, metadata.namespace and a few per-type fields) compiled
 * once per request into predicates.
 */
import { badRequest } from "./errors.ts";
import type { KObj } from "./store.ts";

/** A compiled selector. */
export type Predicate = (o: KObj) => boolean;

const ALWAYS: Predicate = () => true;

/** Splits on commas that are not inside parentheses. */
function splitTerms(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = "";
  for (const ch of s) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === "," && depth === 0) {
      out.push(cur.trim());
      cur = "";
    } else cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

const SET_TERM = /^([^\s!=()]+)\s+(in|notin)\s+\(([^)]*)\)$/;
const EQ_TERM = /^([^\s!=()]+)\s*(==|=|!=)\s*([^\s!=()]*)$/;
const EXISTS_TERM = /^(!?)([^\s!=()]+)$/;

function labelTerm(term: string): Predicate {
  const labels = (o: KObj) => o.metadata.labels ?? {};
  let m = SET_TERM.exec(term);
  if (m) {
    const [, key, op, raw] = m;
    const values = new Set(
      raw.split(",").map((v) => v.trim()).filter((v) => v !== ""),
    );
    return op === "in"
      ? (o) => values.has(labels(o)[key])
      : (o) => !values.has(labels(o)[key]);
  }
  m = EQ_TERM.exec(term);
  if (m) {
    const [, key, op, value] = m;
    return op === "!="
      ? (o) => labels(o)[key] !== value
      : (o) => labels(o)[key] === value;
  }
  m = EXISTS_TERM.exec(term);
  if (m) {
    const [, not, key] = m;
    return not ? (o) => !(key in labels(o)) : (o) => key in labels(o);
  }
  throw badRequest(
    `unable to parse requirement: found '${term}', expected: valid selector`,
  );
}

/** Compiles a labelSelector query value. */
export function parseLabelSelector(s: string | null): Predicate {
  if (!s) return ALWAYS;
  const preds = splitTerms(s).map(labelTerm);
  return (o) => preds.every((p) => p(o));
}

const FIELD_PATHS: Record<string, string[]> = {
  "metadata.name": ["metadata", "name"],
  "metadata.namespace": ["metadata", "namespace"],
  "status.phase": ["status", "phase"],
  "spec.nodeName": ["spec", "nodeName"],
  "type": ["type"],
  "involvedObject.name": ["involvedObject", "name"],
  "involvedObject.kind": ["involvedObject", "kind"],
  "involvedObject.uid": ["involvedObject", "uid"],
  "involvedObject.namespace": ["involvedObject", "namespace"],
};

function fieldValue(o: KObj, path: string[]): string {
  let v: unknown = o;
  for (const p of path) v = (v as Record<string, unknown> | undefined)?.[p];
  return v === undefined || v === null ? "" : String(v);
}

/** Compiles a fieldSelector query value (400 for unsupported fields). */
export function parseFieldSelector(s: string | null): Predicate {
  if (!s) return ALWAYS;
  const preds = s.split(",").map((term) => {
    const m = /^([^=!]+)(==|=|!=)(.*)$/.exec(term.trim());
    if (!m) {
      throw badRequest(
        `invalid selector: '${term}'; can't understand '${term}'`,
      );
    }
    const [, field, op, value] = m;
    const path = FIELD_PATHS[field];
    if (!path) throw badRequest(`field label not supported: ${field}`);
    return op === "!="
      ? (o: KObj) => fieldValue(o, path) !== value
      : (o: KObj) => fieldValue(o, path) === value;
  });
  return (o) => preds.every((p) => p(o));
}

/** Both selectors of a request combined. */
export function selectorFrom(params: URLSearchParams): Predicate {
  const l = parseLabelSelector(params.get("labelSelector"));
  const f = parseFieldSelector(params.get("fieldSelector"));
  if (l === ALWAYS) return f;
  if (f === ALWAYS) return l;
  return (o) => l(o) && f(o);
}
