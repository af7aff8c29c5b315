/**
 * Which work keys a watch event becomes. Source changes become single-object
 * keys for every Continuous replication copying that namespace and type; a
 * DR change to one of our copies (drift, a deletion) becomes the key of the
 * source object it came from; our DR namespaces and source namespaces
 * changing make the replication run a full pass.
 */
import { LABEL_REPLICATION } from "../../lib/api/v1alpha1.ts";
import type { InformerEvent } from "../../lib/informer/cache.ts";
import type { ApiResource } from "../../lib/sync/types.ts";
import { objectWorkKey } from "./object-sync.ts";
import type { ReplicationRuntime } from "./runtime.ts";

type Runtimes = ReadonlyMap<string, ReplicationRuntime>;

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

/** Keys for a change to one of our DR objects (marks full passes dirty). */
export function drEventKeys(
  controllerNamespace: string,
  runtimes: Runtimes,
  e: InformerEvent,
): string[] {
  const owner = e.object.metadata.labels?.[LABEL_REPLICATION] ?? "";
  const prefix = `${controllerNamespace}.`;
  if (!owner.startsWith(prefix)) return [];
  const rt = runtimes.get(owner.slice(prefix.length));
  if (!rt?.live) return [];
  const o = e.object;
  if (o.kind === "Namespace" || !o.metadata.namespace) {
    rt.dirty = true;
    return [rt.name];
  }
  const pair = rt.pairs.find((p) => p.destination === o.metadata.namespace);
  if (!pair) return [];
  const group = o.apiVersion?.includes("/") ? o.apiVersion.split("/")[0] : "";
  return [objectWorkKey(rt.name, {
    sourceNamespace: pair.source,
    group,
    kind: o.kind,
    name: o.metadata.name,
  })];
}

/**
 * A source namespace changed (labels and annotations are copied, or it
 * started terminating): Continuous replications copying it run a full pass
 * now rather than at the next resync.
 */
export function sourceNamespaceKeys(
  runtimes: Runtimes,
  e: InformerEvent,
): string[] {
  if (
    e.type === "update" &&
    e.old.metadata.resourceVersion === e.object.metadata.resourceVersion
  ) return [];
  const name = e.object.metadata.name;
  const keys: string[] = [];
  for (const rt of runtimes.values()) {
    if (!rt.live || !rt.pairs.some((p) => p.source === name)) continue;
    rt.dirty = true;
    keys.push(rt.name);
  }
  return keys;
}
