/**
 * What goes when a NamespaceReplication with data replication is deleted
 * (pure): every ReplicationSource and key Secret copy of ours on the source
 * (they keep pushing data and hold a credential), and the DR side's
 * ReplicationDestinations only as the prune rules allow when the data
 * replication is turned off: with prune on, never in a promoted DR namespace,
 * never when the source namespace is gone (the disaster the copy exists for).
 */
import { ANNOTATION_SOURCE } from "../api/v1alpha1.ts";
import type { KubeObject } from "../sync/types.ts";
import {
  REPLICATION_DESTINATIONS,
  REPLICATION_SOURCES,
  SECRETS,
} from "./objects.ts";
import type { VolumeAction } from "./plan.ts";

export interface RemovalInput {
  /** Our ReplicationSources on the source cluster, every namespace. */
  sources: readonly KubeObject[];
  /** Our key Secret copies on the source cluster, every namespace. */
  keySecrets: readonly KubeObject[];
  /** Our ReplicationDestinations on the DR cluster (empty when not read). */
  destinations: readonly KubeObject[];
  /** spec.prune: consent to delete DR data. */
  prune: boolean;
  /** DR namespaces carrying drsyncer.io/promoted. */
  promoted: ReadonlySet<string>;
  /** Source namespaces that still exist. */
  sourceNamespaces: ReadonlySet<string>;
}

/** A ReplicationDestination left in place, and why. */
export interface KeptDestination {
  namespace: string;
  name: string;
  reason: "PruneOff" | "Promoted" | "SourceNamespaceMissing" | "NoSource";
}

export interface RemovalPlan {
  actions: VolumeAction[];
  kept: KeptDestination[];
}

/** The source namespace a DR object was made for (drsyncer.io/source "ns/pvc"). */
export function sourceNamespaceOf(o: KubeObject): string | undefined {
  const source = o.metadata.annotations?.[ANNOTATION_SOURCE];
  const ns = source?.split("/")[0];
  return ns || undefined;
}

function keepReason(
  input: RemovalInput,
  rd: KubeObject,
): KeptDestination["reason"] | undefined {
  if (!input.prune) return "PruneOff";
  if (input.promoted.has(rd.metadata.namespace ?? "")) return "Promoted";
  const source = sourceNamespaceOf(rd);
  if (!source) return "NoSource";
  if (!input.sourceNamespaces.has(source)) return "SourceNamespaceMissing";
  return undefined;
}

/** See the module comment. */
export function planRemoval(input: RemovalInput): RemovalPlan {
  const plan: RemovalPlan = { actions: [], kept: [] };
  for (const o of input.sources) {
    plan.actions.push({
      cluster: "source",
      op: "delete",
      type: REPLICATION_SOURCES,
      object: o,
    });
  }
  for (const o of input.keySecrets) {
    plan.actions.push({
      cluster: "source",
      op: "delete",
      type: SECRETS,
      object: o,
    });
  }
  for (const rd of input.destinations) {
    const reason = keepReason(input, rd);
    if (reason) {
      plan.kept.push({
        namespace: rd.metadata.namespace ?? "",
        name: rd.metadata.name,
        reason,
      });
      continue;
    }
    plan.actions.push({
      cluster: "dr",
      op: "delete",
      type: REPLICATION_DESTINATIONS,
      object: rd,
    });
  }
  return plan;
}
