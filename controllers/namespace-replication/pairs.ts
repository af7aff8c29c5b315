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
import { detectDestinationConflicts } from "../../lib/sync/namespace-conflicts.ts";
import { resolveNamespaceMapping } from "../../lib/sync/namespace-mapping.ts";
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
}

/** Mappings → namespace pairs; conflicting destinations are left out. */
export function resolvePairs(
  ctx: ControllerContext,
  nr: NamespaceReplication,
): Resolved {
  const out: Resolved = { pairs: [], missing: [], notes: [] };
  const namespaces = ctx.caches.namespaces.list();
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
    const r = resolveNamespaceMapping(spec, namespaces, previous);
    for (const p of r.problems) {
      out.notes.push(
        note("NamespaceMapping", mappingName, "InvalidMapping", p),
      );
    }
    for (const source of r.missing) {
      const before = previous.find((p) => p.source === source);
      const destination = before?.destination ?? spec.destinationNamespace ??
        source;
      out.missing.push(missingResult(source, destination));
    }
    const copyNamespaceMetadata = spec.copyNamespaceMetadata ?? true;
    perMapping.push({
      mapping: mappingName,
      pairs: r.pairs.map((p) => ({ ...p, copyNamespaceMetadata })),
    });
  }
  const conflicts = detectDestinationConflicts(perMapping);
  const taken = new Set(conflicts.map((c) => c.destination));
  for (const c of conflicts) {
    out.notes.push(
      note("Namespace", c.destination, "DestinationConflict", c.message),
    );
  }
  const seen = new Set<string>();
  for (const { pairs } of perMapping) {
    for (const p of pairs) {
      const id = `${p.source}>${p.destination}`;
      if (taken.has(p.destination) || seen.has(id)) continue;
      seen.add(id);
      out.pairs.push(p);
    }
  }
  return out;
}
