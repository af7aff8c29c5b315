/**
 * Read handlers: get and list (selectors, limit/continue pagination over the
 * sorted namespace/name order, Table form for kubectl) and watch (stream
 * set-up; events come from watch.ts).
 */
import { badRequest, failure, type SimError } from "./errors.ts";
import { type ResourceType, storeKey } from "./registry.ts";
import { json, JSON_TYPE, listJson, objectJson } from "./respond.ts";
import { selectorFrom } from "./selectors.ts";
import type { Store, Stored } from "./store.ts";
import { toTable, wantsTable } from "./tables.ts";
import type { WatchHub } from "./watch.ts";

interface Continue {
  rv: number;
  start: string;
  /** The snapshot the next pages come from. */
  snap?: string;
}

function encodeContinue(c: Continue): string {
  return btoa(JSON.stringify(c)).replace(/=+$/, "");
}

function decodeContinue(s: string): Continue {
  try {
    return JSON.parse(atob(s));
  } catch {
    throw badRequest("continue key is not valid: illegal base64 data");
  }
}

interface Page {
  items: Stored[];
  meta: Record<string, unknown>;
}

/**
 * A paged list's matching objects as of its first page. Upstream serves
 * every page at the first page's resourceVersion, so an object created
 * meanwhile behind the cursor is in neither the list nor history before
 * that version: a client watching from it gets it as an event. Serving later
 * pages from the live store lost such objects for good.
 */
interface Snapshot {
  rv: number;
  items: Stored[];
  usedAt: number;
}

/** Kept like etcd's compaction window; a later token is 410 Expired. */
const SNAPSHOT_TTL_MS = 5 * 60_000;
const MAX_SNAPSHOTS = 256;
const snapshotsOf = new WeakMap<Store, Map<string, Snapshot>>();

function snapshots(store: Store): Map<string, Snapshot> {
  let m = snapshotsOf.get(store);
  if (!m) snapshotsOf.set(store, m = new Map());
  const now = performance.now();
  for (const [id, snap] of m) {
    if (now - snap.usedAt > SNAPSHOT_TTL_MS || m.size > MAX_SNAPSHOTS) {
      m.delete(id);
    }
  }
  return m;
}

/** Index of the first item whose key sorts after `start` (items are sorted). */
function firstAfter(
  items: Stored[],
  start: string,
  key: (s: Stored) => string,
): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (key(items[mid]) <= start) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The objects of one list request, after selectors and pagination. */
function page(
  store: Store,
  t: ResourceType,
  ns: string | undefined,
  params: URLSearchParams,
): Page {
  const match = selectorFrom(params);
  const limit = Number(params.get("limit") ?? 0);
  const cont = params.get("continue");
  const token = cont ? decodeContinue(cont) : undefined;
  if (token && token.rv < store.evictedUpTo) throw continueExpired();
  const kept = snapshots(store);
  let snapId = token?.snap;
  let snap = snapId ? kept.get(snapId) : undefined;
  if (token && !snap) throw continueExpired();
  if (!snap) {
    const items = store.list(storeKey(t), t.namespaced ? ns : undefined)
      .filter((s) => match(s.obj));
    snap = { rv: store.resourceVersion, items, usedAt: 0 };
  }
  snap.usedAt = performance.now();
  const start = token?.start ?? "";
  const key = (s: Stored) =>
    `${s.obj.metadata.namespace ?? ""}/${s.obj.metadata.name}`;
  const from = start ? firstAfter(snap.items, start, key) : 0;
  const to = limit > 0 ? Math.min(from + limit, snap.items.length) : Infinity;
  const items = snap.items.slice(from, to);
  const remaining = snap.items.length - from - items.length;
  const meta: Record<string, unknown> = { resourceVersion: String(snap.rv) };
  if (remaining > 0) {
    if (!snapId) kept.set(snapId = crypto.randomUUID(), snap);
    meta.continue = encodeContinue({
      rv: snap.rv,
      start: key(items[items.length - 1]),
      snap: snapId,
    });
    // Upstream counts the rest only when no selector filters it (the count would be a guess).
    if (!params.get("labelSelector") && !params.get("fieldSelector")) {
      meta.remainingItemCount = remaining;
    }
  } else if (snapId) kept.delete(snapId);
  return { items, meta };
}

/** 410 for a continue token older than the kept history (etcd compaction upstream). */
function continueExpired(): SimError {
  return failure(
    410,
    "Expired",
    "The provided continue parameter is too old to display a consistent list result. " +
      "You can start a new list without the continue parameter.",
  );
}

/** GET of a collection, as a List or (when kubectl asks) a Table. */
export function list(
  store: Store,
  t: ResourceType,
  ns: string | undefined,
  params: URLSearchParams,
  accept: string | null,
): Response {
  const p = page(store, t, ns, params);
  if (wantsTable(accept)) {
    return json(
      toTable(
        t,
        storeKey(t),
        p.items.map((s) => s.obj),
        String(p.meta.resourceVersion),
      ),
      200,
      TABLE_HEADERS,
    );
  }
  return json(listJson(t, p.items.map((s) => objectJson(t, s)), p.meta));
}

/** GET of one object, as itself or as a one-row Table. */
export function getOne(
  store: Store,
  t: ResourceType,
  s: Stored,
  accept: string | null,
): Response {
  if (wantsTable(accept)) {
    return json(
      toTable(t, storeKey(t), [s.obj], String(store.resourceVersion)),
      200,
      TABLE_HEADERS,
    );
  }
  return json(objectJson(t, s));
}

const TABLE_HEADERS = {
  "content-type": "application/json;as=Table;v=v1;g=meta.k8s.io",
};

/** GET with watch=true: a chunked stream of newline-delimited events. */
export function watch(
  hub: WatchHub,
  t: ResourceType,
  ns: string | undefined,
  params: URLSearchParams,
  accept: string | null,
): Response {
  const timeout = params.get("timeoutSeconds");
  const rv = params.get("resourceVersion") ?? undefined;
  if (rv && rv !== "0" && !/^\d+$/.test(rv)) {
    throw badRequest(`invalid resource version: ${rv}`);
  }
  const stream = hub.open({
    type: t,
    ns,
    match: selectorFrom(params),
    resourceVersion: rv,
    bookmarks: params.get("allowWatchBookmarks") === "true",
    timeoutSeconds: timeout ? Number(timeout) : undefined,
    table: wantsTable(accept),
  });
  return new Response(stream, {
    headers: {
      "content-type": JSON_TYPE,
      "transfer-encoding": "chunked",
      "cache-control": "no-cache, private",
    },
  });
}
