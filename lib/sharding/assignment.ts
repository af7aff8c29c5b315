/**
 * Which live replica handles which NamespaceReplication: rendezvous
 * (highest random weight) hashing with bounded loads. Every replica computes
 * the same answer from the same member and replication lists, a replica's
 * death moves only what it held plus what balance needs, and loads differ
 * by at most one replication (the best any split of whole items can do).
 */

/** 53-bit string hash (cyrb53); stable across processes and platforms. */
export function hash53(s: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** Members in the order `key` prefers them (highest weight first). */
export function preference(key: string, members: readonly string[]): string[] {
  return [...members]
    .map((m) => ({ m, w: hash53(`${m}\u0000${key}`) }))
    .sort((a, b) => b.w - a.w || (a.m < b.m ? -1 : 1))
    .map((x) => x.m);
}

/**
 * Replication → member. Each member gets floor(n/m) or ceil(n/m); a
 * replication goes to the most preferred member that still has room.
 * Replications are placed in hash order so the result does not depend on
 * the order of the input lists.
 */
export function assign(
  replications: readonly string[],
  members: readonly string[],
): Map<string, string> {
  const out = new Map<string, string>();
  const live = [...new Set(members)].sort();
  if (live.length === 0) return out;
  const items = [...new Set(replications)]
    .sort((a, b) => hash53(a) - hash53(b) || (a < b ? -1 : 1));
  const floor = Math.floor(items.length / live.length);
  let ceilSlots = items.length % live.length;
  const load = new Map(live.map((m) => [m, 0]));
  for (const key of items) {
    for (const m of preference(key, live)) {
      const n = load.get(m)!;
      if (n < floor || (n === floor && ceilSlots > 0)) {
        if (n === floor) ceilSlots--;
        load.set(m, n + 1);
        out.set(key, m);
        break;
      }
    }
  }
  return out;
}
