/**
 * The one reverse lookup: which NamespaceReplications reference a
 * RemoteCluster or a NamespaceMapping (controller-runtime's "enqueue
 * requests from map func"), read from the resolved spec.
 */
import type { NamespaceReplication } from "../../lib/api/v1alpha1.ts";
import type { Informer } from "../../lib/informer/informer.ts";
import type { ControllerContext, MappingPairs } from "../context.ts";
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

/** Something `ref` names changed: re-run the full pass of its replications. */
export function wakeReplicationsReferencing(
  ctx: Pick<ControllerContext, "caches" | "bus">,
  ref: Referenced,
  mapping?: MappingPairs,
): void {
  for (const name of replicationsReferencing(ctx.caches.replications, ref)) {
    ctx.bus.wakeReplication?.(name, mapping);
  }
}
