/**
 * The data-safety invariants of issue 14, as pure functions over what the API
 * servers saw (the change record, record.ts) and the harness's model of what
 * it configured (who the product is, which destinations were mapped, when
 * Adopt was in force, the prune settings). No I/O: every check is tested with
 * hand-made records that break it (checks_test.ts), so each can fail.
 *
 * The rules are written from the contract, not from the product's code: a
 * check that reused the product's own predicates would agree with a bug.
 *
 *   a  foreign      no object without our ownership label is modified or
 *                   deleted by us, except Adopt's take-over (and the
 *                   `default` ServiceAccount's imagePullSecrets merge);
 *                   an adopted object is never deleted
 *   b  promoted     nothing written by the controller into a promoted DR
 *                   namespace after its promote time (plus a grace for
 *                   writes already on the wire)
 *   d  prunes       no prune batch trips the mass-deletion guard, and no
 *                   DR namespace loses more copies than the hourly budget
 *   e  destination  the controller writes on DR only into destinations that
 *                   were validly mapped, and on the source only in its own
 *                   namespace
 *   c  converged    (convergence.ts) after quiescence every copy equals the
 *                   transform of its source
 */
import type { KubeObject } from "../../lib/sync/types.ts";
import type { Change } from "./record.ts";

export const LABEL_OWNER = "drsyncer.io/replication";
export const LABEL_ADOPTED = "drsyncer.io/adopted";
export const ANNOTATION_PROMOTED = "drsyncer.io/promoted";
export const ANNOTATION_ALLOW_MASS_PRUNE = "drsyncer.io/allow-mass-prune";

/** One broken invariant, with the change that broke it. */
export interface Violation {
  invariant: "a" | "b" | "c" | "d" | "e";
  message: string;
  seq?: number;
}

/** A time interval, ms since epoch; `to` undefined = still open. */
export interface Interval {
  from: number;
  to?: number;
}

/** What the harness knows besides the record. */
export interface Model {
  /** Users of the controller process (source and DR identities). */
  controllerUsers: readonly string[];
  /** Users of the one-shot commands (promote, demote). */
  cliUsers: readonly string[];
  /** The controller's namespace on the source. */
  controllerNamespace: string;
  /** Ownership label values of our replications. */
  ownerValues: readonly string[];
  /** When conflictPolicy was Adopt. */
  adopt: readonly Interval[];
  /** Every DR namespace that was at some time a valid mapped destination. */
  destinations: ReadonlySet<string>;
  /** Writes arriving this long after a promote are late, not in flight. */
  promoteGraceMs: number;
  prune: {
    minObjects: number;
    maxDeleteFraction: number;
    maxDeletesPerHour: number;
    /** When the harness set a new allow-mass-prune token. */
    releases: readonly number[];
  };
}

const PRUNE_WINDOW_MS = 60 * 60_000;

/** Carries one of `owners` as its ownership label. */
export function isOurs(
  o: KubeObject | undefined,
  owners: readonly string[],
): boolean {
  const v = o?.metadata.labels?.[LABEL_OWNER];
  return v !== undefined && owners.includes(v);
}

function isAdopted(o: KubeObject | undefined): boolean {
  return o?.metadata.labels?.[LABEL_ADOPTED] === "true";
}

/** Made by the cluster in every namespace (contract §3). */
function isClusterMade(c: Change): boolean {
  return (c.kind === "ServiceAccount" && c.name === "default") ||
    (c.kind === "ConfigMap" && c.name === "kube-root-ca.crt");
}

function within(at: number, intervals: readonly Interval[]): boolean {
  return intervals.some((i) =>
    at >= i.from && (i.to === undefined || at <= i.to)
  );
}

const describe = (c: Change) =>
  `#${c.seq} ${c.cluster} ${c.verb || c.type} ${c.kind} ${
    c.namespace ? c.namespace + "/" : ""
  }${c.name} by ${c.user}`;

/** Everything but the fields the server maintains. */
function content(o: KubeObject | undefined): string {
  if (!o) return "";
  const {
    resourceVersion: _rv,
    generation: _g,
    managedFields: _mf,
    ...meta
  } = o.metadata as Record<string, unknown>;
  // An empty map is what the server omits: the same as absent.
  for (const k of ["labels", "annotations"]) {
    if (Object.keys(meta[k] ?? {}).length === 0) delete meta[k];
  }
  const { status: _s, ...rest } = o;
  return JSON.stringify({ ...rest, metadata: meta });
}

/** Where a modification changed the object (for the report). */
function changedPaths(c: Change): string[] {
  const out: string[] = [];
  const walk = (a: unknown, b: unknown, path: string) => {
    if (JSON.stringify(a) === JSON.stringify(b)) return;
    const isMap = (x: unknown) =>
      typeof x === "object" && x !== null && !Array.isArray(x);
    if (!isMap(a) || !isMap(b) || path.split(".").length > 3) {
      return void out.push(path || ".");
    }
    const ra = a as Record<string, unknown>, rb = b as Record<string, unknown>;
    for (const k of new Set([...Object.keys(ra), ...Object.keys(rb)])) {
      if (k === "resourceVersion" || k === "generation") continue;
      walk(ra[k], rb[k], path ? `${path}.${k}` : k);
    }
  };
  walk(c.before, c.after, "");
  return out;
}

/** The `default` ServiceAccount with only imagePullSecrets changed. */
function onlyPullSecretsMerged(c: Change): boolean {
  if (c.kind !== "ServiceAccount" || c.name !== "default") return false;
  if (c.type !== "MODIFIED" || !c.before || !c.after) return false;
  const strip = (o: KubeObject) => ({ ...o, imagePullSecrets: undefined });
  return content(strip(c.before)) === content(strip(c.after));
}

const isProduct = (c: Change, m: Model) =>
  m.controllerUsers.includes(c.user) || m.cliUsers.includes(c.user);

/** (a) Objects that are not ours are left alone; adopted ones never deleted. */
export function checkForeign(
  changes: readonly Change[],
  m: Model,
): Violation[] {
  const out: Violation[] = [];
  for (const c of changes) {
    if (c.cluster !== "dr" || !isProduct(c, m) || c.type === "ADDED") continue;
    const deleting = c.type === "DELETED" ||
      (!c.before?.metadata.deletionTimestamp &&
        !!c.after?.metadata.deletionTimestamp);
    if (deleting && isAdopted(c.before)) {
      out.push({
        invariant: "a",
        seq: c.seq,
        message: `${describe(c)}: an adopted object was deleted`,
      });
      continue;
    }
    if (isOurs(c.before, m.ownerValues)) continue;
    if (onlyPullSecretsMerged(c)) continue;
    const takeOver = !deleting && !isClusterMade(c) &&
      within(c.arrivedAt, m.adopt) && isOurs(c.after, m.ownerValues) &&
      isAdopted(c.after);
    if (takeOver) continue;
    out.push({
      invariant: "a",
      seq: c.seq,
      message: `${describe(c)}: ${
        deleting ? "deleted" : `modified (${changedPaths(c).join(", ")})`
      } an object without our ownership label`,
    });
  }
  return out;
}

/** When each DR namespace carried the promoted mark, from the record. */
export function promotedIntervals(
  changes: readonly Change[],
): Map<string, Interval[]> {
  const out = new Map<string, Interval[]>();
  for (const c of changes) {
    if (c.cluster !== "dr" || c.kind !== "Namespace") continue;
    const was = !!c.before?.metadata.annotations?.[ANNOTATION_PROMOTED];
    const is = !!c.after?.metadata.annotations?.[ANNOTATION_PROMOTED];
    if (was === is) continue;
    const list = out.get(c.name) ?? [];
    if (is) list.push({ from: c.at });
    else if (list.length > 0) list[list.length - 1].to = c.at;
    out.set(c.name, list);
  }
  return out;
}

/** The DR namespace a change lands in (a Namespace is its own). */
function target(c: Change): string {
  return c.kind === "Namespace" ? c.name : c.namespace;
}

/** (b) The controller writes nothing into a promoted namespace. */
export function checkPromoted(
  changes: readonly Change[],
  m: Model,
): Violation[] {
  const promoted = promotedIntervals(changes);
  const out: Violation[] = [];
  for (const c of changes) {
    if (c.cluster !== "dr" || !m.controllerUsers.includes(c.user)) continue;
    const late = (promoted.get(target(c)) ?? []).find((i) =>
      c.arrivedAt > i.from + m.promoteGraceMs &&
      (i.to === undefined || c.at < i.to)
    );
    if (late) {
      out.push({
        invariant: "b",
        seq: c.seq,
        message: `${describe(c)}: written ${
          c.arrivedAt - late.from
        } ms after the namespace was promoted`,
      });
    }
  }
  return out;
}

/** Write order of contract §4 (deletes and the Namespace itself aside). */
const CONTRACT_RANK: Record<string, number> = {
  ServiceAccount: 1,
  Secret: 1,
  ConfigMap: 1,
  PersistentVolumeClaim: 2,
  Service: 3,
  Deployment: 4,
  StatefulSet: 4,
  DaemonSet: 4,
  Job: 4,
  CronJob: 4,
  Ingress: 5,
};
const rankOf = (kind: string) => CONTRACT_RANK[kind] ?? 6;

/** How late after the mark a write may still have been sent before it. */
export const RANK_JITTER_MS = 1000;

/**
 * (b, per rank) The fence is asked before every write rank, so once the
 * mark is stored only the rank already in flight may still land: a rank
 * whose check was answered before the mark was sent its first writes at
 * once (within RANK_JITTER_MS). Writes (creates and updates; deletes and
 * the Namespace object are left to the time rule) stored after the mark
 * whose rank is neither that of the first of them nor of one sent within
 * the jitter began a new rank after the promote: the pass did not look.
 * Independent of DR latency, unlike the time rule's grace.
 */
export function checkRankAfterPromote(
  changes: readonly Change[],
  m: Model,
): Violation[] {
  const out: Violation[] = [];
  for (const [ns, intervals] of promotedIntervals(changes)) {
    for (const i of intervals) {
      const after = changes.filter((c) =>
        c.cluster === "dr" && m.controllerUsers.includes(c.user) &&
        c.namespace === ns && c.kind !== "Namespace" &&
        c.type !== "DELETED" && c.at > i.from &&
        (i.to === undefined || c.at < i.to)
      ).sort((a, b) => a.arrivedAt - b.arrivedAt);
      if (after.length === 0) continue;
      const inFlight = new Set([
        rankOf(after[0].kind),
        ...after.filter((c) => c.arrivedAt <= i.from + RANK_JITTER_MS)
          .map((c) => rankOf(c.kind)),
      ]);
      const late = after.find((c) => !inFlight.has(rankOf(c.kind)));
      if (late) {
        out.push({
          invariant: "b",
          seq: late.seq,
          message: `${describe(late)}: rank ${rankOf(late.kind)} written ${
            late.arrivedAt - i.from
          } ms after the namespace was promoted, while rank(s) ${
            [...inFlight].join(", ")
          } were in flight: a write rank began without the fence`,
        });
      }
    }
  }
  return out;
}

/**
 * (b, no grace) The controller never overwrites what the promote did: once
 * a CLI user changed an object of a promoted namespace, a controller update
 * of that object (before the mark is removed) undoes the failover. Sound
 * without a grace: an update carries the resourceVersion it read, so one
 * that lands after the promote's change was planned from a read made after
 * it, hence after the mark was stored, and a fence re-checked before that
 * write (every rank, every re-plan) would have seen the mark.
 */
export function checkPromoteUndone(
  changes: readonly Change[],
  m: Model,
): Violation[] {
  const promoted = promotedIntervals(changes);
  const touched = new Map<string, number>();
  const out: Violation[] = [];
  const key = (c: Change) => `${c.kind}/${c.namespace}/${c.name}`;
  for (const c of changes) {
    if (c.cluster !== "dr" || c.kind === "Namespace") continue;
    const interval = (promoted.get(c.namespace) ?? []).find((i) =>
      c.at >= i.from && (i.to === undefined || c.at < i.to)
    );
    if (!interval) continue;
    if (m.cliUsers.includes(c.user) && c.type === "MODIFIED") {
      touched.set(key(c), c.at);
      continue;
    }
    const by = touched.get(key(c));
    const undoes = m.controllerUsers.includes(c.user) &&
      c.type === "MODIFIED" && by !== undefined && by >= interval.from;
    if (undoes) {
      out.push({
        invariant: "b",
        seq: c.seq,
        message: `${describe(c)}: overwrote the promote's change (${
          changedPaths(c).join(", ")
        }) ${c.at - interval.from} ms after the namespace was promoted`,
      });
    }
  }
  return out;
}

/** One pass's deletes in one DR namespace, and the copies there before it. */
interface PruneBatch {
  namespace: string;
  deletes: Change[];
  copiesBefore: number;
}

/**
 * Controller deletes of owned copies, grouped into batches: a batch ends
 * at any other controller write into that namespace (a prune pass first
 * records its budget on the namespace) or after a second of quiet.
 */
export function pruneBatches(
  changes: readonly Change[],
  m: Model,
): PruneBatch[] {
  const copies = new Map<string, Set<string>>();
  const open = new Map<string, PruneBatch>();
  const out: PruneBatch[] = [];
  const countable = (o: KubeObject | undefined, c: Change) =>
    isOurs(o, m.ownerValues) && !isAdopted(o) && !isClusterMade(c) &&
    !o?.metadata.deletionTimestamp && c.kind !== "Namespace";
  for (const c of changes) {
    if (c.cluster !== "dr") continue;
    const ns = target(c);
    const set = copies.get(ns) ?? new Set<string>();
    copies.set(ns, set);
    const key = `${c.kind}/${c.name}`;
    const byController = m.controllerUsers.includes(c.user);
    const isPrune = byController && c.type === "DELETED" &&
      countable(c.before, c);
    if (isPrune) {
      let batch = open.get(ns);
      const last = batch?.deletes[batch.deletes.length - 1];
      if (!batch || (last && c.at - last.at > 1000)) {
        batch = { namespace: ns, deletes: [], copiesBefore: set.size };
        open.set(ns, batch);
        out.push(batch);
      }
      batch.deletes.push(c);
    } else if (byController) open.delete(ns);
    if (c.after && countable(c.after, c)) set.add(key);
    else set.delete(key);
  }
  return out;
}

/**
 * (d) No prune batch over the guard, no namespace over the hourly budget.
 * A new allow-mass-prune token releases the first batch after it (the one
 * it unblocked); released batches do not count against the budget, which
 * is more lenient than the product (its memory counts them).
 */
export function checkPrunes(changes: readonly Change[], m: Model): Violation[] {
  const out: Violation[] = [];
  const batches = pruneBatches(changes, m);
  const lastEnd = new Map<string, number>();
  const counted = new Map<string, Change[]>();
  for (const b of batches) {
    const n = b.deletes.length;
    const first = b.deletes[0];
    const since = lastEnd.get(b.namespace) ?? 0;
    const released = m.prune.releases.some((t) => t > since && t <= first.at);
    lastEnd.set(b.namespace, b.deletes[n - 1].at);
    if (released) continue;
    const trips = n >= m.prune.minObjects &&
      n / Math.max(1, b.copiesBefore) > m.prune.maxDeleteFraction;
    if (trips) {
      out.push({
        invariant: "d",
        seq: first.seq,
        message:
          `${n} of ${b.copiesBefore} copies pruned at once from ${b.namespace} ` +
          `(guard: ${m.prune.minObjects} objects, fraction ${m.prune.maxDeleteFraction})`,
      });
    }
    const list = [...(counted.get(b.namespace) ?? []), ...b.deletes];
    counted.set(b.namespace, list);
    const last = list[list.length - 1];
    const inWindow = list.filter((d) => d.at > last.at - PRUNE_WINDOW_MS);
    if (inWindow.length > m.prune.maxDeletesPerHour) {
      out.push({
        invariant: "d",
        seq: last.seq,
        message:
          `${inWindow.length} copies pruned from ${b.namespace} within an hour ` +
          `(budget ${m.prune.maxDeletesPerHour})`,
      });
    }
  }
  return out;
}

/** (e) Writes only where they belong. */
export function checkDestinations(
  changes: readonly Change[],
  m: Model,
): Violation[] {
  const out: Violation[] = [];
  for (const c of changes) {
    if (!m.controllerUsers.includes(c.user)) continue;
    const ns = target(c);
    const ok = c.cluster === "dr"
      ? m.destinations.has(ns)
      : ns === m.controllerNamespace;
    if (!ok) {
      out.push({
        invariant: "e",
        seq: c.seq,
        message: `${describe(c)}: outside ${
          c.cluster === "dr" ? "every mapped destination" : "its own namespace"
        }`,
      });
    }
  }
  return out;
}

/** The safety invariants (a, b, d, e), checked after every step. */
export function checkSafety(changes: readonly Change[], m: Model): Violation[] {
  return [
    ...checkForeign(changes, m),
    ...checkPromoted(changes, m),
    ...checkPromoteUndone(changes, m),
    ...checkRankAfterPromote(changes, m),
    ...checkPrunes(changes, m),
    ...checkDestinations(changes, m),
  ];
}
