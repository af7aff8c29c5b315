/**
 * The one reverse lookup: which NamespaceReplications reference a
 * RemoteCluster or a NamespaceMapping (controller-runtime's "enqueue
 * requests from map func"), read from the resolved spec; the replication
 * controller's watches on both map their events through it. A mapping
 * event matters when the mapping came or went or its resolved pairs in
 * status changed (what a replication copies).
 */
import type {
  NamespaceMappingStatus,
  NamespaceReplication,
} from "../../lib/api/v1alpha1.ts";
import type { InformerEvent } from "../../lib/informer/cache.ts";
import type { KubeObject } from "../../lib/sync/types.ts";
import { sameStatus } from "../context.ts";
import type { Informer } from "../../lib/informer/informer.ts";
import { specOf } from "./spec.ts";

export type Referenced =
  | { kind: "RemoteCluster"; name: string }
  | { kind: "NamespaceMapping"; name: string };

/** Names of the replications in `replications` that reference `ref`. */
export function replicationsReferencing(
  replications: Pick<Informer, "list">,
  ref: Referenced,
): string[] {
  // The cache holds NamespaceReplications only (its informer's one kind).
  const all = replications.list() as unknown as NamespaceReplication[];
  return all
    .filter((nr) => {
      const { spec } = specOf(nr);
      return ref.kind === "RemoteCluster"
        ? spec.remoteClusterName === ref.name
        : spec.namespaceMappingNames.includes(ref.name);
    })
    .map((nr) => nr.metadata.name);
}

/** Whether a NamespaceMapping event changes what replications copy. */
export function mappingPairsChanged(e: InformerEvent): boolean {
  if (e.type === "delete") return true;
  const before = e.type === "update" ? e.old : undefined;
  return !sameStatus(pairsOf(before), pairsOf(e.object));
}

function pairsOf(nm: KubeObject | undefined): unknown {
  return (nm?.status as NamespaceMappingStatus | undefined)?.namespaces ?? [];
}
