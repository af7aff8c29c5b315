/**
 * NamespaceMapping: resolve names or selector + template against the source
 * namespaces, report problems and destination conflicts in status. The
 * replications using the mapping watch it: its pairs changing in status (a
 * namespace gaining the selected label) starts replicating them.
 */
import type {
  NamespaceMappingSpec,
  NamespaceMappingStatus,
  NamespacePair,
} from "../lib/api/v1alpha1.ts";
import { type ConditionInput, setCondition } from "../lib/conditions.ts";
import type { Controller } from "../lib/controller.ts";
import {
  createdRank,
  type DestinationClaim,
  losingClaims,
} from "../lib/sync/namespace-conflicts.ts";
import {
  type NamespaceResolution,
  resolveNamespaceMapping,
  type ResolveOptions,
} from "../lib/sync/namespace-mapping.ts";
import type { KubeObject } from "../lib/sync/types.ts";
import {
  type ControllerContext,
  NAMESPACES,
  ownKindSpec,
  sameStatus,
  subjectOf,
  writeStatus,
} from "./context.ts";

function readyCondition(
  problems: string[],
  refused: string[],
  conflicts: string[],
  missing: string[],
): ConditionInput {
  if (problems.length > 0) {
    return {
      type: "Ready",
      status: "False",
      reason: "InvalidSpec",
      message: problems.join("; "),
    };
  }
  if (refused.length > 0) {
    return {
      type: "Ready",
      status: "False",
      reason: "ProtectedNamespace",
      message: refused.join("; "),
    };
  }
  if (conflicts.length > 0) {
    return {
      type: "Ready",
      status: "False",
      reason: "DestinationConflict",
      message: conflicts.join("; "),
    };
  }
  if (missing.length > 0) {
    return {
      type: "Ready",
      status: "False",
      reason: "SourceNamespaceMissing",
      message: `source namespace(s) not found: ${missing.join(", ")}`,
    };
  }
  return { type: "Ready", status: "True", reason: "Resolved", message: "" };
}

function claimsOf(
  nm: KubeObject,
  pairs: readonly NamespacePair[],
): DestinationClaim[] {
  const rank = [createdRank(nm.metadata.creationTimestamp), nm.metadata.name];
  const by = `mapping ${nm.metadata.name}`;
  return pairs.map((p) => ({ ...p, rank, by }));
}

/**
 * Destinations this mapping loses to an earlier mapping (by creation time,
 * then name) that writes another source into them.
 */
function conflictsOf(
  nm: KubeObject,
  pairs: readonly NamespacePair[],
  namespaces: readonly KubeObject[],
  opts: MappingStatusOptions,
): string[] {
  const claims = claimsOf(nm, pairs);
  for (const other of opts.mappings ?? []) {
    if (other.metadata.name === nm.metadata.name) continue;
    claims.push(...claimsOf(other, resolve(other, namespaces, [], opts).pairs));
  }
  return losingClaims(claims)
    .filter((l) => l.claim.by === `mapping ${nm.metadata.name}`)
    .map((l) => l.message);
}

/** Where a mapping is evaluated: the controller namespace, its siblings. */
export interface MappingStatusOptions extends ResolveOptions {
  /** Every NamespaceMapping, for destination conflicts between them. */
  mappings?: readonly KubeObject[];
  /** The shared resolutions (mapping-resolutions.ts); else resolved here. */
  resolved?: (
    nm: KubeObject,
    previous: readonly NamespacePair[],
  ) => NamespaceResolution;
}

function resolve(
  nm: KubeObject,
  namespaces: readonly KubeObject[],
  previous: readonly NamespacePair[],
  opts: MappingStatusOptions,
): NamespaceResolution {
  if (opts.resolved) return opts.resolved(nm, previous);
  const spec = (nm.spec ?? {}) as NamespaceMappingSpec;
  return resolveNamespaceMapping(spec, namespaces, previous, opts);
}

/** Mapping → its pairs and status (pure over the cached namespaces). */
export function mappingStatus(
  nm: KubeObject,
  namespaces: readonly KubeObject[],
  now: Date,
  opts: MappingStatusOptions = {},
): {
  status: NamespaceMappingStatus;
  pairs: NamespacePair[];
  problem?: string;
} {
  const previous = (nm.status ?? {}) as NamespaceMappingStatus;
  const resolution = resolve(nm, namespaces, previous.namespaces ?? [], opts);
  const conflicts = conflictsOf(nm, resolution.pairs, namespaces, opts);
  const ready = readyCondition(
    resolution.problems,
    resolution.refused,
    conflicts,
    resolution.missing,
  );
  const status: NamespaceMappingStatus = {
    observedGeneration: nm.metadata.generation,
    conditions: setCondition(
      previous.conditions,
      ready,
      now,
      nm.metadata.generation,
    ),
    namespaces: resolution.pairs,
  };
  return {
    status,
    pairs: resolution.pairs,
    problem: ready.status === "False"
      ? `${ready.reason}: ${ready.message}`
      : undefined,
  };
}

/**
 * The status last written per mapping, with the resourceVersion it was computed from. Until the
 * watch brings that write back, the cache still shows the object it was computed from: the
 * write, not the cache, is then the status. Without this, a reconcile that runs in between (a
 * namespace event) saw the old status, wrote again and woke the replications a second time —
 * an empty extra pass on real clusters, whose watch echo is slower than kube-sim's.
 */
type WrittenStatuses = Map<
  string,
  { basedOn?: string; status: NamespaceMappingStatus }
>;

async function reconcile(
  ctx: ControllerContext,
  name: string,
  signal: AbortSignal,
  written: WrittenStatuses,
): Promise<void> {
  const cached = ctx.caches.mappings.get(name, ctx.namespace);
  if (!cached) {
    written.delete(name);
    return ctx.mappingResolutions.forget(name);
  }
  const pending = written.get(name);
  const nm = pending && pending.basedOn === cached.metadata.resourceVersion
    ? { ...cached, status: pending.status }
    : cached;
  const now = new Date(ctx.clock.now());
  const { status, problem } = mappingStatus(
    nm,
    ctx.caches.namespaces.list(),
    now,
    {
      controllerNamespace: ctx.namespace,
      mappings: ctx.caches.mappings.list(),
      resolved: (m, previous) => ctx.mappingResolutions.of(m, previous),
    },
  );
  const previous = (nm.status ?? {}) as NamespaceMappingStatus;
  if (sameStatus(status, previous)) return;
  await writeStatus(ctx, "NamespaceMapping", nm, status, signal);
  written.set(name, { basedOn: nm.metadata.resourceVersion, status });
  const wasReady = previous.conditions?.find((c) => c.type === "Ready");
  if (problem && wasReady?.message !== status.conditions?.[0]?.message) {
    const reason = problem.split(":")[0];
    ctx.events.record(subjectOf(nm), "Warning", reason, problem);
  }
}

/** The NamespaceMapping controller. */
export function namespaceMappingController(ctx: ControllerContext): Controller {
  const written: WrittenStatuses = new Map();
  return {
    reconciler: {
      name: "namespacemapping",
      reconcile: (key, signal) => reconcile(ctx, key, signal, written),
    },
    watches: [
      // A mapping's destinations can conflict with any other's: all
      // re-resolve (mappings are few).
      {
        spec: ownKindSpec("NamespaceMapping", ctx.namespace),
        keys: (e) => [
          e.object.metadata.name,
          ...ctx.caches.mappings.list().map((m) => m.metadata.name),
        ],
      },
      // Namespaces come and go rarely; every mapping re-resolves.
      {
        spec: { type: NAMESPACES },
        keys: () => ctx.caches.mappings.list().map((m) => m.metadata.name),
      },
    ],
  };
}
