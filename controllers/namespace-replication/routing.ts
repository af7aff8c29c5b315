/**
 * Which work keys a watch event becomes. Source changes become single-object
 * keys for every Continuous replication copying that namespace and type; a
 * DR change to one of our copies (drift, a deletion) becomes the key of the
 * source object it came from; our DR namespaces and source namespaces
 * changing make the replication run a full pass. Pure: the caller marks
 * the replications of a `fullPass` answer dirty.
 */
import { LABEL_REPLICATION } from "../../lib/api/v1alpha1.ts";
import type { InformerEvent } from "../../lib/informer/cache.ts";
import type { ApiResource } from "../../lib/sync/types.ts";
import { objectWorkKey } from "./object-sync.ts";
import type { ReplicationRuntime } from "./runtime.ts";

type Runtimes = ReadonlyMap<string, ReplicationRuntime>;

/** Work keys; with fullPass, replication keys that need a full pass. */
export interface Routed {
  keys: string[];
  fullPass: boolean;
}

const NOTHING: Routed = { keys: [], fullPass: false };

/** Keys for a source object's change. */
export function sourceEventKeys(
  runtimes: Runtimes,
  type: ApiResource,
  e: InformerEvent,
): string[] {
  const ns = e.object.metadata.namespace;
  const keys: string[] = [];
  for (const rt of runtimes.values()) {
    if (!rt.live || !rt.pairs.some((p) => p.source === ns)) continue;
    if (!rt.typeByGroupKind.has(`${type.group}/${type.kind}`)) continue;
    keys.push(objectWorkKey(rt.name, {
      sourceNamespace: ns!,
      group: type.group,
      kind: type.kind,
      name: e.object.metadata.name,
    }));
  }
  return keys;
}

/** Keys for a change to one of our DR objects. */
export function drEventKeys(
  runtimes: Runtimes,
  e: InformerEvent,
): Routed {
  const owner = e.object.metadata.labels?.[LABEL_REPLICATION];
  if (!owner) return NOTHING;
  // The owner value may be shortened (ownerLabelValue): match it, not parse it.
  const rt = [...runtimes.values()].find((r) =>
    r.settings?.ownerValue === owner
  );
  if (!rt?.live) return NOTHING;
  const o = e.object;
  if (o.kind === "Namespace" || !o.metadata.namespace) {
    return { keys: [rt.name], fullPass: true };
  }
  const pair = rt.pairs.find((p) => p.destination === o.metadata.namespace);
  if (!pair) return NOTHING;
  const group = o.apiVersion?.includes("/") ? o.apiVersion.split("/")[0] : "";
  const key = objectWorkKey(rt.name, {
    sourceNamespace: pair.source,
    group,
    kind: o.kind,
    name: o.metadata.name,
  });
  return { keys: [key], fullPass: false };
}

/**
 * A source namespace changed (labels and annotations are copied, or it
 * started terminating): Continuous replications copying it run a full pass
 * now rather than at the next resync.
 */
export function sourceNamespaceKeys(
  runtimes: Runtimes,
  e: InformerEvent,
): Routed {
  if (
    e.type === "update" &&
    e.old.metadata.resourceVersion === e.object.metadata.resourceVersion
  ) return NOTHING;
  const name = e.object.metadata.name;
  const keys = [...runtimes.values()]
    .filter((rt) => rt.live && rt.pairs.some((p) => p.source === name))
    .map((rt) => rt.name);
  return { keys, fullPass: true };
}
