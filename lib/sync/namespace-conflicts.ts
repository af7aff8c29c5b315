/**
 * Destination conflicts between namespace pairs used by one replication:
 * two different source namespaces written into one DR namespace would
 * overwrite and prune each other's copies. Source == destination is fine
 * (different clusters); one source into several destinations is fine
 * (fan-out); the same pair from two mappings is a harmless duplicate.
 */
import type { NamespacePair } from "../api/v1alpha1.ts";
import { compareStrings } from "./names.ts";

/** The pairs one NamespaceMapping (by name) resolved to. */
export interface MappingPairs {
  mapping: string;
  pairs: readonly NamespacePair[];
}

/** One destination claimed by more than one source namespace. */
export interface DestinationConflict {
  destination: string;
  /** Sorted by source, then mapping. */
  sources: { source: string; mapping: string }[];
  message: string;
}

function describe(d: string, sources: DestinationConflict["sources"]): string {
  const names = sources.map((s) => `"${s.source}" (mapping ${s.mapping})`);
  return `destination namespace "${d}" is claimed by ${names.join(" and ")}`;
}

/** Conflicts across all given mappings, sorted by destination. */
export function detectDestinationConflicts(
  inputs: readonly MappingPairs[],
): DestinationConflict[] {
  // destination -> "source\0mapping" entries, deduplicated
  const claims = new Map<
    string,
    Map<string, { source: string; mapping: string }>
  >();
  for (const { mapping, pairs } of inputs) {
    for (const { source, destination } of pairs) {
      const byKey = claims.get(destination) ?? new Map();
      byKey.set(`${source}\0${mapping}`, { source, mapping });
      claims.set(destination, byKey);
    }
  }
  const out: DestinationConflict[] = [];
  for (const [destination, byKey] of claims) {
    const sources = [...byKey.values()].sort((a, b) =>
      compareStrings(a.source, b.source) || compareStrings(a.mapping, b.mapping)
    );
    if (new Set(sources.map((s) => s.source)).size < 2) continue;
    out.push({ destination, sources, message: describe(destination, sources) });
  }
  return out.sort((a, b) => compareStrings(a.destination, b.destination));
}

/**
 * One source namespace claiming a DR namespace. `rank` orders claimants
 * (creationTimestamp, then name, outermost owner first, e.g. the
 * replication's then the mapping's); `by` names them in messages.
 */
export interface DestinationClaim {
  destination: string;
  source: string;
  rank: readonly string[];
  by: string;
}

/** A claim that loses its destination to an earlier one. */
export interface LosingClaim<T extends DestinationClaim> {
  claim: T;
  winner: T;
  message: string;
}

function compareRanks(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = compareStrings(a[i] ?? "", b[i] ?? "");
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Across everything that writes into one DR cluster: per destination the
 * earliest claim keeps it, and every claim with a different source loses
 * (DestinationConflict, writes nothing), so an existing replication is
 * never disturbed by a newer one. A claim of the same pair is no conflict.
 */
export function losingClaims<T extends DestinationClaim>(
  claims: readonly T[],
): LosingClaim<T>[] {
  const winners = new Map<string, T>();
  for (const c of claims) {
    const w = winners.get(c.destination);
    if (!w || compareRanks(c.rank, w.rank) < 0) winners.set(c.destination, c);
  }
  const out: LosingClaim<T>[] = [];
  for (const claim of claims) {
    const winner = winners.get(claim.destination)!;
    if (winner.source === claim.source) continue;
    out.push({
      claim,
      winner,
      message: `destination namespace "${claim.destination}" is already ` +
        `claimed by source "${winner.source}" (${winner.by}); ` +
        `"${claim.source}" (${claim.by}) writes nothing there`,
    });
  }
  return out;
}

/** A rank part from a creationTimestamp; unknown sorts last. */
export function createdRank(createdAt: string | undefined): string {
  return createdAt ?? "~";
}
