/**
 * The one reverse lookup: which NamespaceReplications reference a
 * RemoteCluster or a NamespaceMapping (controller-runtime's "enqueue
 * requests from map func"), read from the resolved spec.
 */
import type { NamespaceReplication } from "../../lib/api/v1alpha1.ts";
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
