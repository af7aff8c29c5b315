/**
 * `drsyncer.io/scale-override` (contract §3): how much of a workload runs on
 * DR while the copy is on standby. Read from an annotation or a label; the
 * original Go dr-syncer's label `dr-syncer.io/scale-override` is an alias
 * whose non-integer values (it wrote "true") mean "keep the source count".
 * The first key present wins: our annotation, our label, then the alias.
 */
import {
  ANNOTATION_SCALE_OVERRIDE,
  LEGACY_LABEL_SCALE_OVERRIDE,
} from "../../api/v1alpha1.ts";
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

/** Where an override can be written, in the order they are read. */
const OVERRIDE_PLACES = [
  { field: "annotations", key: ANNOTATION_SCALE_OVERRIDE, legacy: false },
  { field: "labels", key: ANNOTATION_SCALE_OVERRIDE, legacy: false },
  { field: "annotations", key: LEGACY_LABEL_SCALE_OVERRIDE, legacy: true },
  { field: "labels", key: LEGACY_LABEL_SCALE_OVERRIDE, legacy: true },
] as const;

/** Every metadata key an override may be written under. */
export const SCALE_OVERRIDE_KEYS: readonly string[] = [
  ANNOTATION_SCALE_OVERRIDE,
  LEGACY_LABEL_SCALE_OVERRIDE,
];

function firstOverride(
  meta: unknown,
): { raw: unknown; key: string; legacy: boolean } | undefined {
  if (!isRecord(meta)) return undefined;
  for (const place of OVERRIDE_PLACES) {
    const values = meta[place.field];
    if (isRecord(values) && values[place.key] !== undefined) {
      return { raw: values[place.key], key: place.key, legacy: place.legacy };
    }
  }
  return undefined;
}

/** Reads the override of `source`, pushing a warning when malformed. */
export function scaleOverrideOf(
  source: KubeObject,
  warnings: string[],
): ScaleOverride {
  const found = firstOverride(source.metadata);
  if (found === undefined) return { kind: "none" };
  const { raw, key, legacy } = found;
  if (raw === SCALE_OVERRIDE_SOURCE) return { kind: "source" };
  const replicas = typeof raw === "string" ? parseCount(raw) : undefined;
  if (replicas !== undefined) return { kind: "count", replicas };
  if (legacy) return { kind: "source" };
  warnings.push(
    `ignored malformed ${key} ${
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
