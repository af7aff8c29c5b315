/**
 * TypeScript shapes of the drsyncer.io/v1alpha1 API (contract §2).
 * The CRD schemas in crds/ are the validation source of truth; a test
 * asserts that the defaults below equal the schema defaults.
 */

export const GROUP = "drsyncer.io";
export const VERSION = "v1alpha1";
export const API_VERSION = `${GROUP}/${VERSION}`;

/** metav1.Condition */
export interface Condition {
  type: string;
  status: "True" | "False" | "Unknown";
  reason: string;
  message: string;
  lastTransitionTime: string;
  observedGeneration?: number;
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  finalizers?: string[];
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface LabelSelectorRequirement {
  key: string;
  operator: "In" | "NotIn" | "Exists" | "DoesNotExist";
  values?: string[];
}

/** metav1.LabelSelector */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

export interface LocalObjectReference {
  name: string;
}

// ---------------------------------------------------------------- RemoteCluster

export interface RemoteClusterSpec {
  kubeconfigSecretRef: { name: string; key?: string };
  /** Kubeconfig context; empty means current-context. */
  context?: string;
  rateLimit?: { qps?: number; burst?: number };
  /** A kubeconfig with insecure-skip-tls-verify is refused unless true. */
  allowInsecureTLS?: boolean;
  /** A kubeconfig with exec / auth-provider is refused unless true. */
  allowExecAuth?: boolean;
  /** A plain http:// server is refused (PlainHTTPRefused) unless true. */
  allowPlainHTTP?: boolean;
  /** Duration, e.g. "60s". */
  probeInterval?: string;
}

export type RemoteClusterReason =
  | "Connected"
  | "SecretNotFound"
  | "KeyNotFound"
  | "KubeconfigInvalid"
  | "InsecureTLSRefused"
  | "ExecAuthRefused"
  | "PlainHTTPRefused"
  | "Unauthorized"
  | "Unreachable";

export interface RemoteClusterStatus {
  observedGeneration?: number;
  conditions?: Condition[];
  server?: string;
  serverVersion?: string;
  lastProbeTime?: string;
}

export interface RemoteCluster {
  apiVersion: typeof API_VERSION;
  kind: "RemoteCluster";
  metadata: ObjectMeta;
  spec: RemoteClusterSpec;
  status?: RemoteClusterStatus;
}

export const REMOTE_CLUSTER_DEFAULTS = {
  kubeconfigSecretRef: { key: "kubeconfig" },
  context: "",
  rateLimit: { qps: 50, burst: 100 },
  allowInsecureTLS: false,
  allowExecAuth: false,
  allowPlainHTTP: false,
  probeInterval: "60s",
} as const;

// ------------------------------------------------------------- NamespaceMapping

export interface NamespaceMappingSpec {
  /** Exactly one of sourceNamespace / namespaceSelector. */
  sourceNamespace?: string;
  /** Default: same name as the source. Only with sourceNamespace. */
  destinationNamespace?: string;
  namespaceSelector?: LabelSelector;
  /** With a selector; "{name}" is replaced by the source namespace name. */
  destinationNameTemplate?: string;
  copyNamespaceMetadata?: boolean;
  /** Lets kube-*, default and the controller's namespace be destinations
   * (and a named kube-* namespace a source). */
  allowProtectedNamespaces?: boolean;
}

export interface NamespacePair {
  source: string;
  destination: string;
}

export interface NamespaceMappingStatus {
  observedGeneration?: number;
  conditions?: Condition[];
  namespaces?: NamespacePair[];
}

export interface NamespaceMapping {
  apiVersion: typeof API_VERSION;
  kind: "NamespaceMapping";
  metadata: ObjectMeta;
  spec: NamespaceMappingSpec;
  status?: NamespaceMappingStatus;
}

export const NAMESPACE_MAPPING_DEFAULTS = {
  destinationNameTemplate: "{name}",
  copyNamespaceMetadata: true,
  allowProtectedNamespaces: false,
} as const;

// ---------------------------------------------------------- NamespaceReplication

export type ReplicationMode = "Continuous" | "Scheduled" | "Manual";
export type ImmutableFieldPolicy = "Recreate" | "Skip";
export type ConflictPolicy = "Abort" | "Adopt";

export interface ValueMapping {
  from: string;
  to: string;
}

export interface NamespaceReplicationSpec {
  remoteClusterRef: LocalObjectReference;
  namespaceMappingRefs: LocalObjectReference[];
  mode?: ReplicationMode;
  /** Scheduled mode: 5-field cron, @hourly/@daily..., or a duration. */
  schedule?: string;
  /** Continuous mode: periodic full reconcile (duration). */
  resyncInterval?: string;
  /** Recovery point objective (duration), exported for the RPO alert. */
  rpoObjective?: string;
  suspend?: boolean;
  resourceTypes?: { include?: string[]; exclude?: string[] };
  selector?: LabelSelector;
  scaleToZero?: boolean;
  services?: { preserveNodePorts?: boolean };
  storageClassMappings?: ValueMapping[];
  accessModeMappings?: ValueMapping[];
  ingress?: { hostRewrites?: ValueMapping[]; classMappings?: ValueMapping[] };
  immutableFieldPolicy?: ImmutableFieldPolicy;
  conflictPolicy?: ConflictPolicy;
  prune?: boolean;
  pruneSafety?: {
    delay?: string;
    maxDeleteFraction?: number;
    minObjects?: number;
    /** Cumulative prunes per DR namespace in any hour; more are blocked. */
    maxDeletesPerHour?: number;
  };
  /** PVC data replication through VolSync (contract §2). */
  dataReplication?: DataReplicationSpec;
}

// --------------------------------------------------- data replication (VolSync)

/** The source side's point-in-time method; the DR side always snapshots. */
export type VolumeCopyMethod = "Snapshot" | "Clone" | "Direct";

export interface DataReplicationSpec {
  /** The only mover for now. */
  mover?: "VolSync";
  /** VolSync's rsync-tls method. */
  method?: "RsyncTLS";
  /** VolSync trigger: 5-field cron or @hourly/@daily... */
  schedule?: string;
  copyMethod?: VolumeCopyMethod;
  /** Used on both sides for the point-in-time copies. */
  volumeSnapshotClassName?: string;
  /** Only PVCs whose labels match. */
  selector?: LabelSelector;
  /** How the DR side's rsync-tls endpoint is exposed to the source. */
  serviceType?: "ClusterIP" | "LoadBalancer";
  /** A volume whose last transfer is older than this is reported (duration). */
  rpoThreshold?: string;
}

export type VolumePhase =
  | "Pending"
  | "Syncing"
  | "Synced"
  | "Degraded"
  | "Paused"
  | "Skipped";

/** One replicated (or skipped) PVC in status.volumes. */
export interface VolumeStatus {
  namespace: string;
  pvc: string;
  /** DR namespace. */
  destination?: string;
  phase: VolumePhase;
  reason?: string;
  message?: string;
  lastSyncTime?: string;
  /** Duration string, as VolSync reports it (e.g. "41s"). */
  lastSyncDuration?: string;
  /** Name of the VolumeSnapshot holding the last consistent image. */
  latestImage?: string;
}

export const DATA_REPLICATION_DEFAULTS = {
  mover: "VolSync",
  method: "RsyncTLS",
  schedule: "*/10 * * * *",
  copyMethod: "Snapshot",
  serviceType: "ClusterIP",
  rpoThreshold: "1h",
} as const;

export type ReplicationPhase =
  | "Pending"
  | "Syncing"
  | "Synced"
  | "Degraded"
  | "Suspended"
  | "Failed";

export type ReplicationConditionType =
  | "Ready"
  | "Synced"
  | "RemoteClusterReady"
  | "PruneBlocked"
  | "DestinationPromoted"
  | "SourceNamespaceMissing"
  | "DataReplicationReady";

export interface SyncCounts {
  desired: number;
  inSync: number;
  created: number;
  updated: number;
  deleted: number;
  skipped: number;
  failed: number;
}

export interface NamespaceSyncStatus extends NamespacePair {
  objects: number;
  failed: number;
}

export interface ObjectFailure {
  kind: string;
  namespace: string;
  name: string;
  reason: string;
  message: string;
}

export interface BlockedPrune {
  kind: string;
  namespace: string;
  name: string;
}

export interface NamespaceReplicationStatus {
  phase?: ReplicationPhase;
  conditions?: Condition[];
  observedGeneration?: number;
  lastSyncTime?: string;
  lastSuccessfulSyncTime?: string;
  /** Duration string, e.g. "1.2s". */
  lastSyncDuration?: string;
  nextSyncTime?: string;
  lastManualTrigger?: string;
  lastMassPruneApproval?: string;
  /** With run --sharding: the replica (identity) handling it. */
  controller?: string;
  counts?: SyncCounts;
  namespaces?: NamespaceSyncStatus[];
  /** At most MAX_STATUS_FAILURES entries. */
  failures?: ObjectFailure[];
  /** Prunes held back by the mass-deletion guard. */
  blockedPrunes?: BlockedPrune[];
  /** With spec.dataReplication: one entry per selected PVC. */
  volumes?: VolumeStatus[];
}

export const MAX_STATUS_FAILURES = 20;

export interface NamespaceReplication {
  apiVersion: typeof API_VERSION;
  kind: "NamespaceReplication";
  metadata: ObjectMeta;
  spec: NamespaceReplicationSpec;
  status?: NamespaceReplicationStatus;
}

export const NAMESPACE_REPLICATION_DEFAULTS = {
  mode: "Continuous",
  resyncInterval: "10m",
  rpoObjective: "15m",
  suspend: false,
  resourceTypes: { include: ["*"], exclude: [] },
  scaleToZero: true,
  services: { preserveNodePorts: true },
  immutableFieldPolicy: "Recreate",
  conflictPolicy: "Abort",
  prune: true,
  pruneSafety: {
    delay: "60s",
    maxDeleteFraction: 0.25,
    minObjects: 5,
    maxDeletesPerHour: 50,
  },
} as const;

// ---------------------------------------------------- labels and annotations (§3)

export const LABEL_IGNORE = "drsyncer.io/ignore";
export const ANNOTATION_SCALE_OVERRIDE = "drsyncer.io/scale-override";
/**
 * The original Go dr-syncer's spellings, accepted as aliases so its users'
 * manifests keep working (its scale-override: any non-integer keeps the
 * source count).
 */
export const LEGACY_LABEL_IGNORE = "dr-syncer.io/ignore";
export const LEGACY_LABEL_SCALE_OVERRIDE = "dr-syncer.io/scale-override";
export const ANNOTATION_SYNC_NOW = "drsyncer.io/sync-now";
export const ANNOTATION_ALLOW_MASS_PRUNE = "drsyncer.io/allow-mass-prune";
export const LABEL_REPLICATION = "drsyncer.io/replication";
export const ANNOTATION_SOURCE = "drsyncer.io/source";
export const ANNOTATION_ORIGINAL_REPLICAS = "drsyncer.io/original-replicas";
export const ANNOTATION_PROMOTED = "drsyncer.io/promoted";
/** Label on a DR object taken over under conflictPolicy Adopt. */
export const LABEL_ADOPTED = "drsyncer.io/adopted";
/** Label: the source cluster's identity (its kube-system namespace uid). */
export const LABEL_SOURCE_CLUSTER = "drsyncer.io/source-cluster";
