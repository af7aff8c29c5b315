/**
 * The resolved spec of a NamespaceReplication as the controller reads it.
 * Memoized per cached object (a new version is a new object), so every
 * reconcile step reads the same settled values without resolving again.
 */
import type { NamespaceReplication } from "../../lib/api/v1alpha1.ts";
import {
  resolveSpec,
  type SpecResolution,
} from "../../lib/sync/replication-spec.ts";

const resolved = new WeakMap<object, SpecResolution>();

/** See the module comment. */
export function specOf(nr: NamespaceReplication): SpecResolution {
  let r = resolved.get(nr.spec);
  if (!r) {
    r = resolveSpec(nr.spec ?? {});
    if (nr.spec) resolved.set(nr.spec, r);
  }
  return r;
}
