/**
 * Promote and demote of one DR namespace (contract §3, §5). Only DR copies
 * (objects with an ownership label) are reshaped; anything else in the
 * namespace is reported and never touched.
 *
 * Order matters for a controller still running against the namespace:
 * promote marks the namespace first (from then on the syncer writes
 * nothing into it, so it cannot park what we start), then starts the
 * workloads; demote parks the workloads first and unmarks last. An
 * interrupted run therefore leaves the namespace marked, and running the
 * same command again finishes the job.
 */
import {
  ANNOTATION_PROMOTED,
  LABEL_REPLICATION,
  LABEL_SOURCE_CLUSTER,
} from "../api/v1alpha1.ts";
import type { ApiCluster } from "../engine/api-ports.ts";
import { NAMESPACES } from "../engine/ports.ts";
import { parkCopy, unparkCopy } from "../sync/transform.ts";
import type { KubeObject } from "../sync/types.ts";
import { ANNOTATION_PROMOTED_SNAPSHOT } from "../sync/dr-snapshot.ts";
import { namespaceSnapshot } from "./snapshot.ts";
import { done, type Step, stop } from "./io.ts";
import {
  applyShapes,
  isDrCopy,
  planShapes,
  type Reshape,
  type ShapePlan,
  type ShapeRow,
} from "./workloads.ts";

/** What promote or demote did (or would do, dry run). */
export interface StandbyResult {
  namespace: string;
  plan: ShapePlan;
  rows: ShapeRow[];
  /** The promoted annotation: set/removed, would be, or already so. */
  marker: "done" | "planned" | "unchanged";
  /** Value of drsyncer.io/promoted afterwards (absent after demote). */
  promotedAt?: string;
}

const NOT_OURS = `not a DR copy (no ${LABEL_REPLICATION} label)`;

const clusterOf = (o: KubeObject) => o.metadata.labels?.[LABEL_SOURCE_CLUSTER];

/**
 * Our copies only; when the DR namespace names its source cluster, only
 * that cluster's copies (two source clusters may share a DR cluster, and a
 * failover of one must not start or stop the other's workloads).
 */
const ownedOnly = (shape: Reshape["shape"]) => (ns: KubeObject): Reshape => ({
  leaveAlone: (o) => {
    if (!isDrCopy(o)) return NOT_OURS;
    const want = clusterOf(ns);
    const have = clusterOf(o);
    return want && have && want !== have
      ? `a copy from another source cluster (${LABEL_SOURCE_CLUSTER}=${have})`
      : undefined;
  },
  shape,
});

const PROMOTE = ownedOnly(unparkCopy);
const DEMOTE = ownedOnly((o) => parkCopy(o, { honourOverride: true }));

/** RFC 3339 in UTC, whole seconds, as Kubernetes writes times. */
export function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d+Z$/, "Z");
}

async function namespaceAndPlan(
  api: ApiCluster,
  namespace: string,
  how: (ns: KubeObject) => Reshape,
  verb: string,
): Promise<Step<{ ns: KubeObject; plan: ShapePlan }>> {
  const ns = await api.getNamespace(namespace);
  if (!ns) {
    return stop(`namespace ${namespace} does not exist in the DR cluster`);
  }
  const plan = await planShapes(api, namespace, how(ns));
  if (!isDrCopy(ns) && plan.steps.length === 0) {
    return stop(
      `namespace ${namespace} holds no DR copies (nothing labelled ` +
        `${LABEL_REPLICATION}); nothing to ${verb}`,
    );
  }
  return done({ ns, plan });
}

async function setMarker(
  api: ApiCluster,
  ns: KubeObject,
  value: string | undefined,
  dryRun: boolean,
): Promise<StandbyResult["marker"]> {
  const annotations = { ...ns.metadata.annotations };
  if (annotations[ANNOTATION_PROMOTED] === value) return "unchanged";
  if (dryRun) return "planned";
  if (value === undefined) {
    delete annotations[ANNOTATION_PROMOTED];
    delete annotations[ANNOTATION_PROMOTED_SNAPSHOT];
  } else annotations[ANNOTATION_PROMOTED] = value;
  await api.replace(NAMESPACES, {
    ...ns,
    metadata: { ...ns.metadata, annotations },
  });
  return "done";
}

/** Marks the namespace promoted, then starts every parked DR copy. */
export async function promoteNamespace(
  api: ApiCluster,
  namespace: string,
  opts: {
    dryRun: boolean;
    now: Date;
    /** Runs once marked, before any workload starts (volume restore). */
    beforeScale?: () => Promise<void>;
  },
): Promise<Step<StandbyResult>> {
  const found = await namespaceAndPlan(api, namespace, PROMOTE, "promote");
  if (!found.ok) return found;
  const { ns, plan } = found.value;
  // An earlier (maybe interrupted) promote keeps its time.
  const promotedAt = ns.metadata.annotations?.[ANNOTATION_PROMOTED] ??
    rfc3339(opts.now);
  const marker = await setMarker(api, ns, promotedAt, opts.dryRun);
  if (!opts.dryRun) await opts.beforeScale?.();
  const rows = await applyShapes(api, plan, opts.dryRun);
  if (!opts.dryRun) await recordSnapshot(api, namespace);
  return done({ namespace, plan, rows, marker, promotedAt });
}

/**
 * The namespace as promote left it, for demote to notice DR-side changes.
 * A re-run keeps the first record: changes made in between still count.
 */
async function recordSnapshot(api: ApiCluster, namespace: string) {
  const ns = await api.getNamespace(namespace);
  if (!ns || ns.metadata.annotations?.[ANNOTATION_PROMOTED_SNAPSHOT]) return;
  const snapshot = await namespaceSnapshot(api, namespace);
  await api.replace(NAMESPACES, {
    ...ns,
    metadata: {
      ...ns.metadata,
      annotations: {
        ...ns.metadata.annotations,
        [ANNOTATION_PROMOTED_SNAPSHOT]: snapshot,
      },
    },
  });
}

/** Why demote must not go on: DR objects changed since promote. */
async function changedSincePromote(
  api: ApiCluster,
  ns: KubeObject,
): Promise<string | undefined> {
  const recorded = ns.metadata.annotations?.[ANNOTATION_PROMOTED_SNAPSHOT];
  // Promoted by a version that kept no record: nothing to compare with.
  if (!recorded) return undefined;
  const now = await namespaceSnapshot(api, ns.metadata.name);
  if (now === recorded) return undefined;
  return `objects in DR namespace ${ns.metadata.name} changed since promote; ` +
    "the next sync would overwrite them. Copy them back first " +
    "(failback --sync-back) or pass --discard-dr-changes";
}

/** Parks every DR copy again, then removes the promoted mark. */
export async function demoteNamespace(
  api: ApiCluster,
  namespace: string,
  opts: { dryRun: boolean; discardDrChanges?: boolean },
): Promise<Step<StandbyResult>> {
  const found = await namespaceAndPlan(api, namespace, DEMOTE, "demote");
  if (!found.ok) return found;
  if (!opts.discardDrChanges) {
    const changed = await changedSincePromote(api, found.value.ns);
    if (changed) return stop(changed);
  }
  const { plan } = found.value;
  const rows = await applyShapes(api, plan, opts.dryRun);
  if (rows.some((r) => r.result === "failed")) {
    // Still marked: the syncer must not run into a half-demoted namespace.
    return done({ namespace, plan, rows, marker: "unchanged" });
  }
  // Fresh read: the namespace may have changed while workloads were parked.
  const ns = await api.getNamespace(namespace) ?? found.value.ns;
  const marker = await setMarker(api, ns, undefined, opts.dryRun);
  return done({ namespace, plan, rows, marker });
}
