/**
 * A NamespaceReplication spec with every default applied, and the problems
 * of its bad values. The only reader of the raw CRD spec: everything after
 * this (engine, controller timing, CLI) sees settled values, so a default
 * lives in NAMESPACE_REPLICATION_DEFAULTS and nowhere else.
 */
import {
  type ConflictPolicy,
  type ImmutableFieldPolicy,
  type LabelSelector,
  NAMESPACE_REPLICATION_DEFAULTS as DEFAULTS,
  type NamespaceReplicationSpec,
  type ReplicationMode,
} from "../api/v1alpha1.ts";
import { parseDuration } from "./duration.ts";
import { validateSelector } from "./label-selector.ts";
import type { PruneSafety } from "./prune.ts";
import type { ResourceTypesSpec } from "./resource-types.ts";
import { validateSchedule } from "./schedule.ts";
import type { CopyOptions } from "./transforms/common.ts";

/** How copies are shaped: CopyOptions without the per-pair target. */
export type CopyRules = Omit<
  CopyOptions,
  "destinationNamespace" | "ownerValue"
>;

export interface ResolvedSpec {
  remoteClusterName: string;
  namespaceMappingNames: string[];
  mode: ReplicationMode;
  /** Scheduled mode's schedule ("" when none is given). */
  schedule: string;
  /** Continuous mode's full-reconcile period. */
  resyncMs: number;
  suspend: boolean;
  resourceTypes: ResourceTypesSpec;
  selector?: LabelSelector;
  copy: CopyRules;
  immutableFieldPolicy: ImmutableFieldPolicy;
  conflictPolicy: ConflictPolicy;
  prune: boolean;
  pruneSafety: PruneSafety;
}

export interface SpecResolution {
  spec: ResolvedSpec;
  /** `spec.<field>: <why>`; nothing may be written while there are any. */
  problems: string[];
}

/**
 * A duration field; a bad one is a problem and gets `fallback`, so timing
 * still has a value while status reports InvalidSpec.
 */
function durationMs(
  field: string,
  text: string,
  fallback: number,
  problems: string[],
  positive = false,
): number {
  const parsed = parseDuration(text);
  if (!parsed.ok) problems.push(`${field}: ${parsed.problem}`);
  else if (positive && parsed.ms <= 0) {
    problems.push(`${field}: must be greater than zero`);
  } else return parsed.ms;
  return fallback;
}

function defaultResyncMs(): number {
  const parsed = parseDuration(DEFAULTS.resyncInterval);
  if (!parsed.ok) throw new Error("BUG: default resyncInterval is invalid");
  return parsed.ms;
}

/** See the module comment. */
export function resolveSpec(
  spec: Partial<NamespaceReplicationSpec>,
): SpecResolution {
  const problems: string[] = [];
  const mode = spec.mode ?? DEFAULTS.mode;
  const schedule = spec.schedule ?? "";
  problems.push(...validateSelector(spec.selector, "spec.selector"));
  if (mode === "Scheduled") {
    // Otherwise a schedule croner cannot read would sync once (the spec
    // change) and then silently never again.
    for (const p of validateSchedule(schedule)) {
      problems.push(`spec.schedule: ${p}`);
    }
  }
  const resolved: ResolvedSpec = {
    remoteClusterName: spec.remoteClusterRef?.name ?? "",
    namespaceMappingNames: (spec.namespaceMappingRefs ?? []).map((r) => r.name),
    mode,
    schedule,
    resyncMs: durationMs(
      "spec.resyncInterval",
      spec.resyncInterval ?? DEFAULTS.resyncInterval,
      defaultResyncMs(),
      problems,
      true,
    ),
    suspend: spec.suspend ?? DEFAULTS.suspend,
    resourceTypes: {
      include: spec.resourceTypes?.include ??
        [...DEFAULTS.resourceTypes.include],
      exclude: spec.resourceTypes?.exclude ??
        [...DEFAULTS.resourceTypes.exclude],
    },
    selector: spec.selector,
    copy: copyRulesOf(spec),
    immutableFieldPolicy: spec.immutableFieldPolicy ??
      DEFAULTS.immutableFieldPolicy,
    conflictPolicy: spec.conflictPolicy ?? DEFAULTS.conflictPolicy,
    prune: spec.prune ?? DEFAULTS.prune,
    pruneSafety: {
      delayMs: durationMs(
        "spec.pruneSafety.delay",
        spec.pruneSafety?.delay ?? DEFAULTS.pruneSafety.delay,
        Number.POSITIVE_INFINITY,
        problems,
      ),
      maxDeleteFraction: spec.pruneSafety?.maxDeleteFraction ??
        DEFAULTS.pruneSafety.maxDeleteFraction,
      minObjects: spec.pruneSafety?.minObjects ??
        DEFAULTS.pruneSafety.minObjects,
      maxDeletesPerHour: spec.pruneSafety?.maxDeletesPerHour ??
        DEFAULTS.pruneSafety.maxDeletesPerHour,
    },
  };
  return { spec: resolved, problems };
}

function copyRulesOf(spec: Partial<NamespaceReplicationSpec>): CopyRules {
  return {
    scaleToZero: spec.scaleToZero ?? DEFAULTS.scaleToZero,
    preserveNodePorts: spec.services?.preserveNodePorts ??
      DEFAULTS.services.preserveNodePorts,
    storageClassMappings: spec.storageClassMappings ?? [],
    accessModeMappings: spec.accessModeMappings ?? [],
    ingressHostRewrites: spec.ingress?.hostRewrites ?? [],
    ingressClassMappings: spec.ingress?.classMappings ?? [],
  };
}

/** The copy options of one namespace pair. */
export function copyOptionsFor(
  spec: Pick<ResolvedSpec, "copy">,
  target: {
    destinationNamespace: string;
    ownerValue: string;
    sourceCluster?: string;
  },
): CopyOptions {
  return { ...spec.copy, ...target };
}
