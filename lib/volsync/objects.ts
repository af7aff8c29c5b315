/**
 * The VolSync and VolumeSnapshot types DR Syncer reads and writes for data
 * replication, the names it gives its objects, and the marks on them.
 * VolSync API facts: volsync.backube/v1alpha1 ReplicationSource (source
 * cluster) and ReplicationDestination (DR cluster), rsync-tls method.
 */
import { GROUP } from "../api/v1alpha1.ts";
import type { ApiResource, KubeObject } from "../sync/types.ts";

export const VOLSYNC_GROUP = "volsync.backube";
export const SNAPSHOT_GROUP = "snapshot.storage.k8s.io";

const VERBS = ["get", "list", "watch", "create", "update", "patch", "delete"];

export const REPLICATION_SOURCES: ApiResource = {
  group: VOLSYNC_GROUP,
  version: "v1alpha1",
  resource: "replicationsources",
  kind: "ReplicationSource",
  namespaced: true,
  verbs: VERBS,
};

export const REPLICATION_DESTINATIONS: ApiResource = {
  ...REPLICATION_SOURCES,
  resource: "replicationdestinations",
  kind: "ReplicationDestination",
};

export const VOLUME_SNAPSHOTS: ApiResource = {
  group: SNAPSHOT_GROUP,
  version: "v1",
  resource: "volumesnapshots",
  kind: "VolumeSnapshot",
  namespaced: true,
  verbs: VERBS,
};

export const SECRETS: ApiResource = {
  group: "",
  version: "v1",
  resource: "secrets",
  kind: "Secret",
  namespaced: true,
  verbs: VERBS,
};

export const PVCS: ApiResource = {
  group: "",
  version: "v1",
  resource: "persistentvolumeclaims",
  kind: "PersistentVolumeClaim",
  namespaced: true,
  verbs: VERBS,
};

/**
 * Label on the rsync-tls key Secrets DR Syncer copies into a source
 * namespace: such a Secret is never copied anywhere (contract §4).
 */
export const LABEL_DATA_REPLICATION_KEY = `${GROUP}/data-replication-key`;
/** Annotation on our VolSync objects: the source PVC they replicate. */
export const ANNOTATION_PVC = `${GROUP}/pvc`;
/** Annotation on a DR PVC recreated by promote: the VolumeSnapshot it came from. */
export const ANNOTATION_RESTORED_FROM = `${GROUP}/restored-from`;

/** Whether a Secret is one of our copied rsync-tls keys. */
export function isDataReplicationKey(o: KubeObject): boolean {
  return o.metadata?.labels?.[LABEL_DATA_REPLICATION_KEY] === "true";
}

/**
 * VolSync names the destination's Service "volsync-rsync-tls-dst-<name>"
 * (a 63-character DNS label), so the object name stays within 41.
 */
const MAX_NAME = 41;
const PREFIX = "drs-";

/** 32-bit FNV-1a, hex: a short stable suffix for shortened names. */
function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, "0");
}

/** Name of the ReplicationSource/ReplicationDestination pair of one PVC. */
export function volumeObjectName(pvc: string): string {
  const full = `${PREFIX}${pvc}`;
  if (full.length <= MAX_NAME) return full;
  const head = full.slice(0, MAX_NAME - 9).replace(/[-.]+$/, "");
  return `${head}-${fnv1a(pvc)}`;
}

/** Name of the key Secret copy in the source namespace. */
export function keySecretName(pvc: string): string {
  return `${volumeObjectName(pvc)}-key`;
}

/**
 * Finalizer on a NamespaceReplication with data replication: its deletion
 * waits until our VolSync objects are cleaned up (lib/volsync/removal.ts).
 */
export const FINALIZER_DATA_REPLICATION = `${GROUP}/data-replication-cleanup`;
