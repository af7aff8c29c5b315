/**
 * The per-object rule, once for the full pass and the Continuous
 * per-object path: what a replication wants in the DR namespace for one
 * source object.
 *
 *   copy  the DR copy to write, and what was odd about the source
 *   keep  not copied now, but an existing DR copy stays as it is
 *         (object being deleted, namespace ignored): never pruned
 *   drop  not copied; an existing DR copy is left to the prune guard
 */
import {
  type CopyContext,
  copyDecision,
  REASONS_KEEPING_EXISTING_COPY,
  type SkipReason,
} from "./filter.ts";
import { copyOptionsFor, type ResolvedSpec } from "./replication-spec.ts";
import { toDrCopy } from "./transform.ts";
import { type KubeObject, objectKey } from "./types.ts";

export type DesiredCopy =
  | { kind: "copy"; object: KubeObject; key: string; warnings: string[] }
  | { kind: "keep"; key: string; reason: SkipReason }
  | { kind: "drop"; reason: SkipReason };

/** The parts of a replication's settings the rule reads. */
export interface CopySettings {
  ownerValue: string;
  /** The source cluster's identity label value, when known. */
  sourceCluster?: string;
  spec: Pick<ResolvedSpec, "copy">;
  copyContext: Omit<CopyContext, "namespace">;
}

export interface CopyTarget {
  /** The source Namespace object (namespace-level ignore rules). */
  sourceNamespace: KubeObject;
  /** The DR namespace the copy goes to. */
  destination: string;
}

/** The key the DR copy of `source` has in `destination`. */
export function copyKeyOf(source: KubeObject, destination: string): string {
  return objectKey({
    apiVersion: source.apiVersion,
    kind: source.kind,
    metadata: { name: source.metadata.name, namespace: destination },
  });
}

/** See the module comment. `source` carries apiVersion and kind. */
export function desiredCopy(
  source: KubeObject,
  settings: CopySettings,
  target: CopyTarget,
): DesiredCopy {
  const decision = copyDecision(source, {
    ...settings.copyContext,
    namespace: target.sourceNamespace,
  });
  if (!decision.copy) {
    return REASONS_KEEPING_EXISTING_COPY.has(decision.reason)
      ? {
        kind: "keep",
        key: copyKeyOf(source, target.destination),
        reason: decision.reason,
      }
      : { kind: "drop", reason: decision.reason };
  }
  const copy = toDrCopy(
    source,
    copyOptionsFor(settings.spec, {
      destinationNamespace: target.destination,
      ownerValue: settings.ownerValue,
      sourceCluster: settings.sourceCluster,
    }),
  );
  return {
    kind: "copy",
    object: copy.object,
    key: objectKey(copy.object),
    warnings: copy.warnings.map((w) =>
      `${source.kind} ${source.metadata.name}: ${w}`
    ),
  };
}
