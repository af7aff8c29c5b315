/**
 * Reads a DR namespace for its promote snapshot (lib/sync/dr-snapshot.ts):
 * every listable namespaced type the DR cluster serves, minus the types the
 * cluster churns by itself (the never-copy list).
 */
import { discover } from "../engine/api-ports.ts";
import type { ApiCluster } from "../engine/api-ports.ts";
import { snapshotOf } from "../sync/dr-snapshot.ts";
import { isNeverCopy } from "../sync/never-copy.ts";
import type { KubeObject } from "../sync/types.ts";

/** The snapshot of `namespace` as it is now. */
export async function namespaceSnapshot(
  api: ApiCluster,
  namespace: string,
): Promise<string> {
  const types = (await discover(api.client)).filter((t) =>
    t.namespaced && t.verbs.includes("list") && !t.resource.includes("/") &&
    !isNeverCopy(t) && t.resource !== "events"
  );
  const seen = new Set<string>();
  const objects: KubeObject[] = [];
  for (const t of types) {
    // One version per kind: discovery may list a group at several.
    const id = `${t.group}/${t.kind}`;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const o of await api.list(t, namespace)) {
      objects.push({
        ...o,
        apiVersion: t.group ? `${t.group}/${t.version}` : t.version,
        kind: t.kind,
      });
    }
  }
  return snapshotOf(objects);
}
