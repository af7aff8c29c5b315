/**
 * Write order (contract §4): what others refer to exists first, so pods of
 * a workload never start without their ServiceAccount, Secrets, ConfigMaps
 * or claims. Deletes run the other way round.
 */
const RANKS: Record<string, number> = {
  Namespace: 0,
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
const REST_RANK = 6;

/** Position of a kind in the write order; unknown kinds go last. */
export function writeRank(kind: string): number {
  return RANKS[kind] ?? REST_RANK;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** What ordering needs to know: planned actions and prunes both have it. */
export interface Orderable {
  kind: string;
  name: string;
  /** objectKey(): breaks ties between same-named kinds of two groups. */
  key: string;
}

function byWriteOrder(a: Orderable, b: Orderable): number {
  return writeRank(a.kind) - writeRank(b.kind) ||
    compareText(a.kind, b.kind) ||
    compareText(a.name, b.name) ||
    compareText(a.key, b.key);
}

/** A sorted copy in write order: rank, kind, name (deterministic). */
export function sortForWrite<T extends Orderable>(items: readonly T[]): T[] {
  return [...items].sort(byWriteOrder);
}

/** A sorted copy in delete order: exactly the reverse of write order. */
export function sortForDelete<T extends Orderable>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => byWriteOrder(b, a));
}
