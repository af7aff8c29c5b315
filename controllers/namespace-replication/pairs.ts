/**
 * A replication's NamespaceMappings resolved into namespace pairs against
 * the source namespace cache. Destinations claimed by two sources are left
 * out and reported; vanished sources become SourceNamespaceMissing results
 * (their DR copies are kept).
 */
import type {
  NamespaceMappingSpec,
  NamespaceMappingStatus,
  NamespaceReplication,
  ObjectFailure,
} from "../../lib/api/v1alpha1.ts";
import type { NamespaceSyncResult } from "../../lib/engine/namespace-sync.ts";
import { emptyCounts } from "../../lib/engine/outcome.ts";
import {
  createdRank,
  type DestinationClaim,
  losingClaims,
} from "../../lib/sync/namespace-conflicts.ts";
import type { ControllerContext } from "../context.ts";
import type { ResolvedPair } from "./runtime.ts";
import { specOf } from "./spec.ts";

export function note(
  kind: string,
  name: string,
  reason: string,
  message: string,
): ObjectFailure {
  return { kind, namespace: "", name, reason, message };
}

function missingResult(
  source: string,
  destination: string,
): NamespaceSyncResult {
  return {
    pair: { source, destination },
    state: "SourceNamespaceMissing",
    outcomes: [],
    warnings: [],
    counts: emptyCounts(),
  };
}

export interface Resolved {
  pairs: ResolvedPair[];
  missing: NamespaceSyncResult[];
  notes: ObjectFailure[];
  /** Each found mapping's own pairs (before conflicts between mappings), canonical JSON. */
  byMapping: Map<string, string>;
}

interface PairClaim extends DestinationClaim {
  replication: string;
}

/**
 * What every replication writing into the same DR cluster claims: the
 * earliest claimant of a DR namespace (replication, then mapping, by
 * creation time then name) keeps it.
 */
function claimsOnRemote(
  ctx: ControllerContext,
  remote: string,
): PairClaim[] {
  const claims: PairClaim[] = [];
  for (const raw of ctx.caches.replications.list()) {
    const other = raw as unknown as NamespaceReplication;
    if (other.spec?.remoteClusterRef?.name !== remote) continue;
    const rRank = [
      createdRank(other.metadata.creationTimestamp),
      other.metadata.name,
    ];
    for (const mappingName of specOf(other).spec.namespaceMappingNames) {
      const nm = ctx.caches.mappings.get(mappingName, ctx.namespace);
      if (!nm) continue;
      const r = ctx.mappingResolutions.of(nm);
      const rank = [
        ...rRank,
        createdRank(nm.metadata.creationTimestamp),
        nm.metadata.name,
      ];
      const by = `replication ${other.metadata.name}, mapping ${mappingName}`;
      for (const p of r.pairs) {
        claims.push({ ...p, rank, by, replication: other.metadata.name });
      }
    }
  }
  return claims;
}

/** Pairs as one comparable string (source and destination only, in order). */
export function canonicalPairs(
  pairs: readonly { source: string; destination: string }[],
): string {
  return JSON.stringify(pairs.map((p) => [p.source, p.destination]));
}

/** Mappings → namespace pairs; conflicting destinations are left out. */
export function resolvePairs(
  ctx: ControllerContext,
  nr: NamespaceReplication,
): Resolved {
  const out: Resolved = {
    pairs: [],
    missing: [],
    notes: [],
    byMapping: new Map(),
  };
  const perMapping: { mapping: string; pairs: ResolvedPair[] }[] = [];
  for (const mappingName of specOf(nr).spec.namespaceMappingNames) {
    const nm = ctx.caches.mappings.get(mappingName, ctx.namespace);
    if (!nm) {
      out.notes.push(
        note(
          "NamespaceMapping",
          mappingName,
          "MappingNotFound",
          `NamespaceMapping ${mappingName} not found`,
        ),
      );
      continue;
    }
    const spec = (nm.spec ?? {}) as NamespaceMappingSpec;
    const previous = ((nm.status ?? {}) as NamespaceMappingStatus).namespaces ??
      [];
    const r = ctx.mappingResolutions.of(nm, previous);
    for (const p of r.problems) {
      out.notes.push(
        note("NamespaceMapping", mappingName, "InvalidMapping", p),
      );
    }
    for (const p of r.refused) {
      out.notes.push(
        note("NamespaceMapping", mappingName, "ProtectedNamespace", p),
      );
    }
    for (const source of r.missing) {
      const before = previous.find((p) => p.source === source);
      const destination = before?.destination ?? spec.destinationNamespace ??
        source;
      out.missing.push(missingResult(source, destination));
    }
    out.byMapping.set(mappingName, canonicalPairs(r.pairs));
    const copyNamespaceMetadata = spec.copyNamespaceMetadata ?? true;
    perMapping.push({
      mapping: mappingName,
      pairs: r.pairs.map((p) => ({ ...p, copyNamespaceMetadata })),
    });
  }
  const lost = losingClaims(
    claimsOnRemote(ctx, nr.spec.remoteClusterRef?.name ?? ""),
  ).filter((l) => l.claim.replication === nr.metadata.name);
  const taken = new Set(
    lost.map((l) => `${l.claim.source}>${l.claim.destination}`),
  );
  const reported = new Set<string>();
  for (const l of lost) {
    if (reported.has(l.message)) continue;
    reported.add(l.message);
    out.notes.push(
      note("Namespace", l.claim.destination, "DestinationConflict", l.message),
    );
  }
  const seen = new Set<string>();
  for (const { pairs } of perMapping) {
    for (const p of pairs) {
      const id = `${p.source}>${p.destination}`;
      if (taken.has(id) || seen.has(id)) continue;
      seen.add(id);
      out.pairs.push(p);
    }
  }
  return out;
}
