/**
 * The `drsyncer.io/scale-override` annotation (contract §3): how much of a
 * workload runs on DR while the copy is on standby.
 */
import { ANNOTATION_SCALE_OVERRIDE } from "../../api/v1alpha1.ts";
import type { KubeObject } from "../types.ts";
import { isRecord } from "./common.ts";

/** `"source"`: run the source's count on DR. */
export const SCALE_OVERRIDE_SOURCE = "source";
/** replicas is an int32 in every workload API. */
export const MAX_REPLICAS = 2_147_483_647;

const DIGITS = /^[0-9]+$/;

/**
 * Parsed override: absent, "source", or a replica count. Malformed values
 * ("-1", "1.5", " 3", "") count as absent plus a warning, so a typo never
 * scales a standby up by accident.
 */
export type ScaleOverride =
  | { kind: "none" }
  | { kind: "source" }
  | { kind: "count"; replicas: number };

/** Parses a non-negative int32 written in plain digits; else undefined. */
export function parseCount(value: string): number | undefined {
  if (!DIGITS.test(value)) return undefined;
  const n = Number(value);
  return n <= MAX_REPLICAS ? n : undefined;
}

/** Reads the override of `source`, pushing a warning when malformed. */
export function scaleOverrideOf(
  source: KubeObject,
  warnings: string[],
): ScaleOverride {
  const annotations = isRecord(source.metadata)
    ? source.metadata.annotations
    : undefined;
  if (!isRecord(annotations)) return { kind: "none" };
  const raw = annotations[ANNOTATION_SCALE_OVERRIDE];
  if (raw === undefined) return { kind: "none" };
  if (raw === SCALE_OVERRIDE_SOURCE) return { kind: "source" };
  const replicas = typeof raw === "string" ? parseCount(raw) : undefined;
  if (replicas !== undefined) return { kind: "count", replicas };
  warnings.push(
    `ignored malformed ${ANNOTATION_SCALE_OVERRIDE} ${
      JSON.stringify(raw)
    }: expected a non-negative integer or "${SCALE_OVERRIDE_SOURCE}"`,
  );
  return { kind: "none" };
}

/**
 * Whether a workload that cannot be scaled by count (DaemonSet, Job,
 * CronJob) is parked on DR: an override of 0 parks it, "source" or any
 * positive count lets it run, otherwise `scaleToZero` decides.
 */
export function isParked(
  override: ScaleOverride,
  scaleToZero: boolean,
): boolean {
  switch (override.kind) {
    case "count":
      return override.replicas === 0;
    case "source":
      return false;
    case "none":
      return scaleToZero;
  }
}
