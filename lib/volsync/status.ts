/**
 * What status says about data replication (pure): one `status.volumes`
 * entry per selected PVC from what VolSync reports on its objects, and the
 * DataReplicationReady condition summing them up.
 *
 * Volume phases: Skipped (not Filesystem, no size), Paused (DR promoted),
 * Pending (waiting for VolSync's address and key), Syncing (no transfer
 * finished yet), Synced, Degraded (the handshake never finished, or the
 * last transfer is older than rpoThreshold).
 */
import type {
  Condition,
  NamespaceReplicationStatus,
  VolumeStatus,
} from "../api/v1alpha1.ts";
import { type ConditionInput, setCondition } from "../conditions.ts";
import { isRecord } from "../sync/transforms/common.ts";
import type { KubeObject } from "../sync/types.ts";

/** One namespace pair as observed before planning. */
export interface ObservedPair {
  source: string;
  destination: string;
  /** The DR namespace is promoted: nothing is written there. */
  promoted: boolean;
  /** The source namespace is gone: nothing is deleted. */
  sourceMissing: boolean;
  pvcs: KubeObject[];
  /** Ours (ownership label) in the source namespace. */
  sources: KubeObject[];
  keySecrets: KubeObject[];
  /** Ours in the DR namespace. */
  destinations: KubeObject[];
  /** Key Secrets VolSync published in the DR namespace, by name. */
  drKeys: Map<string, KubeObject>;
}

export const CONDITION_DATA_REPLICATION = "DataReplicationReady";

type Json = Record<string, unknown>;

function rec(v: unknown): Json {
  return isRecord(v) ? v : {};
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

/** The name of a destination's latest image (a VolumeSnapshot), if any. */
export function latestImageOf(rd: KubeObject | undefined): string | undefined {
  const image = rec(rec(rd?.status).latestImage);
  return image.kind === "VolumeSnapshot" ? str(image.name) : undefined;
}

/** When the last transfer finished, by the destination's clock. */
export function lastSyncOf(rd: KubeObject | undefined): string | undefined {
  return str(rec(rd?.status).lastSyncTime);
}

function handshakeWait(
  pending: { reason: string; message: string },
  rd: KubeObject,
  input: { now: Date; handshakeTimeoutMs: number },
): Pick<VolumeStatus, "phase" | "reason" | "message"> {
  const created = Date.parse(rd.metadata.creationTimestamp ?? "");
  const waited = input.now.getTime() - created;
  if (Number.isFinite(waited) && waited > input.handshakeTimeoutMs) {
    return {
      phase: "Degraded",
      reason: pending.reason.replace(/^Awaiting/, "Missing"),
      message: `${pending.message} after ${Math.round(waited / 1000)}s; ` +
        `is VolSync running in the DR cluster?`,
    };
  }
  return { phase: "Pending", ...pending };
}

/** The only entry of an rsync-tls key Secret, and the only one copied. */
export const KEY_SECRET_ENTRY = "psk.txt";

/**
 * The key Secret a destination names, if it really is that destination's:
 * owned by it (VolSync makes it so) or named as VolSync names it. Whoever
 * can write the destination's status must not be able to have another DR
 * Secret copied to the source cluster.
 */
export function keySecretOf(
  rd: KubeObject,
  drKeys: Map<string, KubeObject>,
): KubeObject | undefined {
  const name = str(rec(rec(rd.status).rsyncTLS).keySecret);
  const key = name ? drKeys.get(name) : undefined;
  if (!key || typeof rec(key.data)[KEY_SECRET_ENTRY] !== "string") {
    return undefined;
  }
  const owned = (key.metadata.ownerReferences ?? []).some((r) =>
    r.kind === "ReplicationDestination" && r.uid === rd.metadata.uid
  );
  const conventional = name === `volsync-rsync-tls-${rd.metadata.name}`;
  return owned || conventional ? key : undefined;
}

function pendingHandshake(
  rd: KubeObject,
  drKeys: Map<string, KubeObject>,
): { reason: string; message: string } | undefined {
  const s = rec(rec(rd.status).rsyncTLS);
  if (!str(s.address)) {
    return {
      reason: "AwaitingAddress",
      message: `ReplicationDestination ${rd.metadata.name} has no ` +
        `status.rsyncTLS.address yet`,
    };
  }
  const key = str(s.keySecret);
  if (!key || !keySecretOf(rd, drKeys)) {
    return {
      reason: "AwaitingKeySecret",
      message: !key
        ? `ReplicationDestination ${rd.metadata.name} has no ` +
          `status.rsyncTLS.keySecret yet`
        : drKeys.has(key)
        ? `key Secret ${key} named by ReplicationDestination ` +
          `${rd.metadata.name} is not its own (no ownerReference, ` +
          `no ${KEY_SECRET_ENTRY}): not copied`
        : `key Secret ${key} named by ReplicationDestination ` +
          `${rd.metadata.name} does not exist`,
    };
  }
  return undefined;
}

/** One `status.volumes` entry. */
export function volumeStatus(
  input: { now: Date; handshakeTimeoutMs: number; rpoThresholdMs: number },
  pair: ObservedPair,
  pvc: string,
  skip: { reason: string; message: string } | undefined,
  rd: KubeObject | undefined,
): VolumeStatus {
  const base: VolumeStatus = {
    namespace: pair.source,
    pvc,
    destination: pair.destination,
    phase: "Pending",
  };
  if (skip) return { ...base, phase: "Skipped", ...skip };
  const lastSyncTime = lastSyncOf(rd);
  const reported: VolumeStatus = {
    ...base,
    lastSyncTime,
    lastSyncDuration: str(rec(rd?.status).lastSyncDuration),
    latestImage: latestImageOf(rd),
  };
  if (pair.promoted) {
    return {
      ...reported,
      phase: "Paused",
      reason: "DestinationPromoted",
      message: `DR namespace ${pair.destination} is promoted`,
    };
  }
  if (!rd) {
    return {
      ...reported,
      reason: "Creating",
      message: "ReplicationDestination not created yet",
    };
  }
  const pending = pendingHandshake(rd, pair.drKeys);
  if (pending) return { ...reported, ...handshakeWait(pending, rd, input) };
  if (!lastSyncTime) {
    return {
      ...reported,
      phase: "Syncing",
      reason: "AwaitingFirstSync",
      message: "no transfer has finished yet",
    };
  }
  const age = input.now.getTime() - Date.parse(lastSyncTime);
  if (age > input.rpoThresholdMs) {
    return {
      ...reported,
      phase: "Degraded",
      reason: "RPOExceeded",
      message: `last transfer ${Math.round(age / 1000)}s ago, above ` +
        `rpoThreshold ${Math.round(input.rpoThresholdMs / 1000)}s`,
    };
  }
  return { ...reported, phase: "Synced" };
}

/** The outcome of the data-replication step of one pass. */
export interface VolumeReport {
  /** Undefined: data replication is off and nothing of ours is left. */
  condition?: ConditionInput;
  volumes: VolumeStatus[];
  /** Warning Events (reason, message) this pass. */
  warnings: { reason: string; message: string }[];
  /** Writes planned this pass (a handshake in progress polls sooner). */
  writes?: number;
}

/** DataReplicationReady from the volumes (or a problem found earlier). */
export function dataReplicationCondition(
  volumes: readonly VolumeStatus[],
): ConditionInput {
  const bad = volumes.filter((v) => v.phase === "Degraded");
  if (bad.length === 0) {
    return {
      type: CONDITION_DATA_REPLICATION,
      status: "True",
      reason: "Replicating",
      message: `${volumes.length} volume(s)`,
    };
  }
  return {
    type: CONDITION_DATA_REPLICATION,
    status: "False",
    reason: bad[0].reason ?? "Degraded",
    message: bad.slice(0, 5).map((v) =>
      `${v.namespace}/${v.pvc}: ${v.message ?? v.reason}`
    ).join("; "),
  };
}

/**
 * The status of a pass with the volume report folded in: status.volumes,
 * the DataReplicationReady condition, and a Synced phase turned Degraded
 * when the data is not replicating.
 */
export function withVolumes(
  status: NamespaceReplicationStatus,
  report: VolumeReport | undefined,
  now: Date,
  generation: number,
): NamespaceReplicationStatus {
  const out = { ...status };
  delete out.volumes;
  let conditions: Condition[] = (out.conditions ?? []).filter((c) =>
    c.type !== CONDITION_DATA_REPLICATION
  );
  if (!report?.condition) return { ...out, conditions };
  const previous = status.conditions?.find((c) =>
    c.type === CONDITION_DATA_REPLICATION
  );
  conditions = setCondition(
    previous ? [...conditions, previous] : conditions,
    report.condition,
    now,
    generation,
  );
  const degraded = report.condition.status !== "True";
  if (degraded && out.phase === "Synced") {
    out.phase = "Degraded";
    conditions = setCondition(
      conditions,
      {
        type: "Ready",
        status: "False",
        reason: report.condition.reason,
        message: report.condition.message,
      },
      now,
      generation,
    );
  }
  return { ...out, conditions, volumes: report.volumes };
}

/** A pass that could not run keeps what status said before. */
export function carriedReport(
  status: NamespaceReplicationStatus | undefined,
): VolumeReport | undefined {
  const c = status?.conditions?.find((x) =>
    x.type === CONDITION_DATA_REPLICATION
  );
  if (!c) return undefined;
  return {
    condition: {
      type: c.type,
      status: c.status,
      reason: c.reason,
      message: c.message,
    },
    volumes: status?.volumes ?? [],
    warnings: [],
  };
}
