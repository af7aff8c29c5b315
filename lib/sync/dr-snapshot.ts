/**
 * What a DR namespace looked like right after promote, so that demote can
 * tell whether anything was changed on DR while it was in charge (contract
 * §5: those changes would be overwritten by the next sync). One SHA-256 over
 * the content of every object, recorded on the namespace as
 * drsyncer.io/promoted-snapshot.
 *
 * Content is what a person or a deploy changes: labels, annotations and the
 * body, not status nor what the API server and the cluster's controllers
 * write by themselves (resourceVersion, managedFields, controller-owned
 * annotations, a PVC's binding). Objects the cluster churns on its own
 * (pods, replicasets, endpoints, events, leases...) are left out by the
 * caller (never-copy types).
 */
import { createHash } from "node:crypto";
import { isControllerKey } from "./compare.ts";
import type { KubeObject } from "./types.ts";

/** The annotation holding the snapshot. */
export const ANNOTATION_PROMOTED_SNAPSHOT = "drsyncer.io/promoted-snapshot";

const OUR_STANDBY_KEYS = new Set([
  "drsyncer.io/promoted",
  ANNOTATION_PROMOTED_SNAPSHOT,
]);

function userKeys(map: unknown): Record<string, unknown> | undefined {
  if (typeof map !== "object" || map === null) return undefined;
  const out = Object.entries(map).filter(([k]) =>
    !isControllerKey(k) && !OUR_STANDBY_KEYS.has(k)
  );
  return out.length ? Object.fromEntries(out) : undefined;
}

function stable(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stable);
  if (typeof v !== "object" || v === null) return v;
  return Object.fromEntries(
    Object.keys(v).sort().map((
      k,
    ) => [k, stable((v as Record<string, unknown>)[k])]),
  );
}

function content(o: KubeObject): unknown {
  const { metadata, status: _s, ...body } = o;
  if (o.kind === "PersistentVolumeClaim" && body.spec) {
    // Set by the binder once a pod uses the claim, after promote.
    const { volumeName: _v, ...spec } = body.spec as Record<string, unknown>;
    body.spec = spec;
  }
  return {
    key: `${o.apiVersion}/${o.kind}/${metadata.name}`,
    labels: userKeys(metadata.labels),
    annotations: userKeys(metadata.annotations),
    body,
  };
}

/** The snapshot of a namespace's objects (order does not matter). */
export function snapshotOf(objects: readonly KubeObject[]): string {
  const items = objects.map(content).sort((a, b) =>
    (a as { key: string }).key < (b as { key: string }).key ? -1 : 1
  );
  return createHash("sha256").update(JSON.stringify(stable(items))).digest(
    "hex",
  );
}
