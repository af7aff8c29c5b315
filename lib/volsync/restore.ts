/**
 * Failover of replicated volumes (pure): which image each DR volume would be
 * restored from, whether promote may go on, and the DR PVC recreated from
 * that image. A volume without a usable image stops promote unless forced:
 * starting a workload on an empty or half-written volume is worse than not
 * starting it.
 */
import { formatDuration } from "../sync/duration.ts";
import { isRecord } from "../sync/transforms/common.ts";
import type { KubeObject } from "../sync/types.ts";
import { ANNOTATION_RESTORED_FROM, SNAPSHOT_GROUP } from "./objects.ts";

/** One replicated volume of a DR namespace, as promote sees it. */
export interface VolumeImage {
  pvc: string;
  /** The ReplicationDestination's name. */
  destination: string;
  /** VolumeSnapshot name from status.latestImage. */
  image?: string;
  ageMs?: number;
  /** Why the image cannot be used; undefined when it can. */
  problem?: string;
}

type Json = Record<string, unknown>;
const rec = (v: unknown): Json => isRecord(v) ? v : {};

/** Judges a destination's latest image against the VolumeSnapshot found. */
export function judgeImage(
  pvc: string,
  rd: KubeObject,
  image: string | undefined,
  snapshot: KubeObject | undefined,
  now: Date,
): VolumeImage {
  const base = { pvc, destination: rd.metadata.name, image };
  if (!image) {
    return { ...base, problem: "no replicated image yet (no transfer done)" };
  }
  if (!snapshot) {
    return { ...base, problem: `VolumeSnapshot ${image} not found` };
  }
  const status = rec(snapshot.status);
  const taken = status.creationTime ?? snapshot.metadata.creationTimestamp;
  const ageMs = typeof taken === "string"
    ? now.getTime() - Date.parse(taken)
    : undefined;
  if (status.readyToUse === false) {
    return { ...base, ageMs, problem: `VolumeSnapshot ${image} is not ready` };
  }
  return { ...base, ageMs };
}

/** One line per volume: image and age, or the problem. */
export function describeImage(v: VolumeImage): string {
  const age = v.ageMs === undefined
    ? "age unknown"
    : `${formatDuration(Math.max(0, v.ageMs))} old`;
  const what = v.image ? `${v.image} (${age})` : "no image";
  return `volume ${v.pvc}: ${what}${v.problem ? `: ${v.problem}` : ""}`;
}

/** Why promote must stop, or undefined. */
export function refusal(
  images: readonly VolumeImage[],
  force: boolean,
): string | undefined {
  const bad = images.filter((v) => v.problem);
  if (bad.length === 0 || force) return undefined;
  return `${bad.length} volume(s) have no usable replicated image ` +
    `(${bad.map((v) => v.pvc).join(", ")}); nothing was changed. ` +
    `--force promotes anyway, with those volumes as they are`;
}

const DROPPED_META = [
  "uid",
  "resourceVersion",
  "creationTimestamp",
  "deletionTimestamp",
  "deletionGracePeriodSeconds",
  "managedFields",
  "finalizers",
  "generation",
  "selfLink",
];

/** Whether a DR PVC already holds the data of `image`. */
export function isRestoredFrom(pvc: KubeObject, image: string): boolean {
  return pvc.metadata.annotations?.[ANNOTATION_RESTORED_FROM] === image;
}

/**
 * The DR PVC as it must be recreated: same name, labels and request, its
 * data from the VolumeSnapshot (dataSourceRef; the API server mirrors it
 * into dataSource), unbound.
 */
export function restoredPvc(pvc: KubeObject, image: string): KubeObject {
  const metadata: Json = { ...pvc.metadata };
  for (const k of DROPPED_META) delete metadata[k];
  metadata.annotations = {
    ...pvc.metadata.annotations,
    [ANNOTATION_RESTORED_FROM]: image,
  };
  const spec: Json = { ...rec(pvc.spec) };
  delete spec.volumeName;
  const ref = { apiGroup: SNAPSHOT_GROUP, kind: "VolumeSnapshot", name: image };
  spec.dataSourceRef = ref;
  spec.dataSource = ref;
  return {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: metadata as KubeObject["metadata"],
    spec,
  };
}
