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
