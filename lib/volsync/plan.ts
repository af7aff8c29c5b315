/**
 * Data replication plan for one pass (pure): the source PVCs a replication
 * selects, its settings and the VolSync objects observed on both sides in,
 * the writes that make them what they should be and each volume's status
 * out.
 *
 * Per selected Filesystem PVC, in handshake order:
 *   1. DR: a ReplicationDestination (rsync-tls, copyMethod Snapshot always,
 *      capacity/access modes/storage class of the PVC after our mappings)
 *   2. once VolSync publishes its address and key Secret: that Secret's
 *      copy in the PVC's own source namespace (the only credential copied)
 *   3. source: a ReplicationSource pushing the PVC to that address
 * A promoted DR namespace gets no write at all, and the ReplicationSource of
 * its volumes is paused so no later transfer lands after the failover. A
 * manual trigger set by `cutover` is kept. Objects for PVCs no longer
 * selected are deleted; a ReplicationDestination (it holds the DR data)
 * only when prune is on, never for a promoted or a missing source namespace.
 */
import type {
  DataReplicationSpec,
  ValueMapping,
  VolumeStatus,
} from "../api/v1alpha1.ts";
import {
  ANNOTATION_SOURCE,
  DATA_REPLICATION_DEFAULTS,
  LABEL_REPLICATION,
} from "../api/v1alpha1.ts";
import { semanticEqual } from "../sync/compare.ts";
import { matchesSelector } from "../sync/label-selector.ts";
import { isRecord, mapValue } from "../sync/transforms/common.ts";
import type { ApiResource, KubeObject } from "../sync/types.ts";
import {
  ANNOTATION_PVC,
  keySecretName,
  LABEL_DATA_REPLICATION_KEY,
  REPLICATION_DESTINATIONS,
  REPLICATION_SOURCES,
  SECRETS,
  volumeObjectName,
} from "./objects.ts";
import {
  KEY_SECRET_ENTRY,
  keySecretOf,
  type ObservedPair,
  volumeStatus,
} from "./status.ts";

export type { ObservedPair } from "./status.ts";

/** What the plan is made from. */
export interface VolumePlanInput {
  ownerValue: string;
  /** Undefined: data replication is off, everything of ours goes. */
  spec?: DataReplicationSpec;
  storageClassMappings?: readonly ValueMapping[];
  accessModeMappings?: readonly ValueMapping[];
  /** spec.prune: consent to delete DR data of volumes no longer selected. */
  prune: boolean;
  pairs: ObservedPair[];
  now: Date;
  /** How long VolSync may take to publish address and key (ms). */
  handshakeTimeoutMs: number;
  /** Data RPO threshold (ms). */
  rpoThresholdMs: number;
}

/** One write. Updates carry the observed resourceVersion. */
export interface VolumeAction {
  cluster: "source" | "dr";
  op: "create" | "update" | "delete";
  type: ApiResource;
  object: KubeObject;
}

export interface VolumePlan {
  actions: VolumeAction[];
  volumes: VolumeStatus[];
}

const API_VERSION = "volsync.backube/v1alpha1";

type Json = Record<string, unknown>;

function rec(v: unknown): Json {
  return isRecord(v) ? v : {};
}

/** Why a selected PVC cannot be replicated, or undefined. */
export function skipReason(
  pvc: KubeObject,
): { reason: string; message: string } | undefined {
  const spec = rec(pvc.spec);
  if (spec.volumeMode === "Block") {
    return {
      reason: "BlockVolume",
      message: "volumeMode Block: rsync-tls replicates Filesystem volumes only",
    };
  }
  if (!storageRequest(pvc)) {
    return {
      reason: "NoCapacity",
      message: "spec.resources.requests.storage is not set",
    };
  }
  return undefined;
}

function storageRequest(pvc: KubeObject): string | undefined {
  const v = rec(rec(rec(pvc.spec).resources).requests).storage;
  return typeof v === "string" || typeof v === "number" ? String(v) : undefined;
}

function meta(
  name: string,
  namespace: string,
  input: VolumePlanInput,
  pvc: string,
  sourceNs: string,
  extraLabels: Record<string, string> = {},
): KubeObject["metadata"] {
  return {
    name,
    namespace,
    labels: { [LABEL_REPLICATION]: input.ownerValue, ...extraLabels },
    annotations: {
      [ANNOTATION_PVC]: pvc,
      [ANNOTATION_SOURCE]: `${sourceNs}/${pvc}`,
    },
  };
}

function settingsOf(spec: DataReplicationSpec) {
  const d = DATA_REPLICATION_DEFAULTS;
  return {
    schedule: spec.schedule ?? d.schedule,
    copyMethod: spec.copyMethod ?? d.copyMethod,
    serviceType: spec.serviceType ?? d.serviceType,
    volumeSnapshotClassName: spec.volumeSnapshotClassName,
  };
}

/** The ReplicationDestination of one PVC in its DR namespace. */
export function desiredDestination(
  input: VolumePlanInput,
  pair: ObservedPair,
  pvc: KubeObject,
): KubeObject {
  const s = settingsOf(input.spec ?? {});
  const spec = rec(pvc.spec);
  const modes = Array.isArray(spec.accessModes)
    ? [
      ...new Set(
        spec.accessModes.map((m) =>
          mapValue(input.accessModeMappings ?? [], String(m))
        ),
      ),
    ]
    : undefined;
  const rsyncTLS: Json = {
    copyMethod: "Snapshot",
    capacity: storageRequest(pvc),
    serviceType: s.serviceType,
  };
  if (modes?.length) rsyncTLS.accessModes = modes;
  if (typeof spec.storageClassName === "string") {
    rsyncTLS.storageClassName = mapValue(
      input.storageClassMappings ?? [],
      spec.storageClassName,
    );
  }
  if (s.volumeSnapshotClassName) {
    rsyncTLS.volumeSnapshotClassName = s.volumeSnapshotClassName;
  }
  const name = pvc.metadata.name;
  return {
    apiVersion: API_VERSION,
    kind: "ReplicationDestination",
    metadata: meta(
      volumeObjectName(name),
      pair.destination,
      input,
      name,
      pair.source,
    ),
    spec: { rsyncTLS },
  };
}

/** The copy of VolSync's key Secret in the PVC's source namespace. */
export function desiredKeySecret(
  input: VolumePlanInput,
  pair: ObservedPair,
  pvc: string,
  drKey: KubeObject,
): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: meta(keySecretName(pvc), pair.source, input, pvc, pair.source, {
      [LABEL_DATA_REPLICATION_KEY]: "true",
    }),
    type: "Opaque",
    data: { [KEY_SECRET_ENTRY]: rec(drKey.data)[KEY_SECRET_ENTRY] },
  };
}

/** The ReplicationSource of one PVC, pushing to the DR address. */
export function desiredSource(
  input: VolumePlanInput,
  pair: ObservedPair,
  pvc: string,
  destinationStatus: Json,
  observed: KubeObject | undefined,
): KubeObject {
  const s = settingsOf(input.spec ?? {});
  const rsyncTLS: Json = {
    address: destinationStatus.address,
    keySecret: keySecretName(pvc),
    copyMethod: s.copyMethod,
  };
  if (typeof destinationStatus.port === "number") {
    rsyncTLS.port = destinationStatus.port;
  }
  if (s.volumeSnapshotClassName) {
    rsyncTLS.volumeSnapshotClassName = s.volumeSnapshotClassName;
  }
  // A manual trigger belongs to a cutover in progress: keep it.
  const observedTrigger = rec(rec(observed?.spec).trigger);
  const trigger = observedTrigger.manual !== undefined
    ? observedTrigger
    : { schedule: s.schedule };
  const spec: Json = { sourcePVC: pvc, trigger, rsyncTLS };
  if (pair.promoted) spec.paused = true;
  return {
    apiVersion: API_VERSION,
    kind: "ReplicationSource",
    metadata: meta(volumeObjectName(pvc), pair.source, input, pvc, pair.source),
    spec,
  };
}

/** create, update (observed differs) or nothing. */
function ensure(
  out: VolumeAction[],
  cluster: VolumeAction["cluster"],
  type: ApiResource,
  desired: KubeObject,
  observed: KubeObject | undefined,
): void {
  if (!observed) {
    out.push({ cluster, op: "create", type, object: desired });
    return;
  }
  const same = semanticEqual(desired.spec, observed.spec) &&
    semanticEqual(desired.data, observed.data) &&
    semanticEqual(desired.metadata.labels, observed.metadata.labels) &&
    semanticEqual(desired.metadata.annotations, observed.metadata.annotations);
  if (same) return;
  const metadata = {
    ...desired.metadata,
    resourceVersion: observed.metadata.resourceVersion,
  };
  out.push({
    cluster,
    op: "update",
    type,
    object: { ...observed, ...desired, metadata },
  });
}

function byPvc(objects: readonly KubeObject[]): Map<string, KubeObject> {
  const m = new Map<string, KubeObject>();
  for (const o of objects) {
    const pvc = o.metadata.annotations?.[ANNOTATION_PVC];
    if (pvc) m.set(pvc, o);
  }
  return m;
}

/** PVCs of a pair this replication replicates (selected, not skipped). */
function selectedPvcs(
  input: VolumePlanInput,
  pair: ObservedPair,
): KubeObject[] {
  if (!input.spec) return [];
  return pair.pvcs.filter((p) =>
    matchesSelector(p.metadata.labels, input.spec!.selector)
  );
}

function planPair(
  input: VolumePlanInput,
  pair: ObservedPair,
  plan: VolumePlan,
): void {
  const sources = byPvc(pair.sources);
  const keys = byPvc(pair.keySecrets);
  const destinations = byPvc(pair.destinations);
  const kept = new Set<string>();
  for (const pvc of selectedPvcs(input, pair)) {
    const name = pvc.metadata.name;
    const skip = skipReason(pvc);
    plan.volumes.push(
      volumeStatus(input, pair, name, skip, destinations.get(name)),
    );
    if (skip) continue;
    kept.add(name);
    // A PVC being deleted keeps its pair until it is gone.
    if (pvc.metadata.deletionTimestamp) continue;
    planVolume(input, pair, pvc, plan.actions, {
      source: sources.get(name),
      key: keys.get(name),
      destination: destinations.get(name),
    });
  }
  if (pair.sourceMissing) return; // the disaster the copy exists for
  const gone = (m: Map<string, KubeObject>) =>
    [...m].filter(([pvc]) => !kept.has(pvc)).map(([, o]) => o);
  for (const o of gone(sources)) {
    plan.actions.push({
      cluster: "source",
      op: "delete",
      type: REPLICATION_SOURCES,
      object: o,
    });
  }
  for (const o of gone(keys)) {
    plan.actions.push({
      cluster: "source",
      op: "delete",
      type: SECRETS,
      object: o,
    });
  }
  if (!input.prune || pair.promoted) return;
  for (const o of gone(destinations)) {
    plan.actions.push({
      cluster: "dr",
      op: "delete",
      type: REPLICATION_DESTINATIONS,
      object: o,
    });
  }
}

function planVolume(
  input: VolumePlanInput,
  pair: ObservedPair,
  pvc: KubeObject,
  out: VolumeAction[],
  observed: { source?: KubeObject; key?: KubeObject; destination?: KubeObject },
): void {
  const name = pvc.metadata.name;
  if (pair.promoted) {
    // Nothing is written into a promoted namespace; the source side only
    // stops pushing.
    const rs = observed.source;
    if (rs && rec(rs.spec).paused !== true) {
      const metadata = { ...rs.metadata };
      out.push({
        cluster: "source",
        op: "update",
        type: REPLICATION_SOURCES,
        object: { ...rs, metadata, spec: { ...rec(rs.spec), paused: true } },
      });
    }
    return;
  }
  const rd = desiredDestination(input, pair, pvc);
  ensure(out, "dr", REPLICATION_DESTINATIONS, rd, observed.destination);
  const status = rec(rec(observed.destination?.status).rsyncTLS);
  const drKey = observed.destination
    ? keySecretOf(observed.destination, pair.drKeys)
    : undefined;
  if (typeof status.address !== "string" || !status.address || !drKey) return;
  ensure(
    out,
    "source",
    SECRETS,
    desiredKeySecret(input, pair, name, drKey),
    observed.key,
  );
  ensure(
    out,
    "source",
    REPLICATION_SOURCES,
    desiredSource(input, pair, name, status, observed.source),
    observed.source,
  );
}

/** See the module comment. */
export function planVolumes(input: VolumePlanInput): VolumePlan {
  const plan: VolumePlan = { actions: [], volumes: [] };
  for (const pair of input.pairs) planPair(input, pair, plan);
  return plan;
}
