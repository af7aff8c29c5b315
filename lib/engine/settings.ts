/**
 * A NamespaceReplication's spec resolved against source discovery into the
 * settings one pass runs with. Problems are returned for status, never thrown.
 */
import {
  NAMESPACE_REPLICATION_DEFAULTS,
  type NamespaceReplicationSpec,
  replicationOwnerValue,
} from "../api/v1alpha1.ts";
import { parseDuration } from "../sync/duration.ts";
import { validateSchedule } from "../sync/schedule.ts";
import { groupKindsOf } from "../sync/filter.ts";
import { validateSelector } from "../sync/label-selector.ts";
import {
  type DiscoveredResource,
  resolveResourceTypes,
} from "../sync/resource-types.ts";
import type { ApiResource, KubeObject } from "../sync/types.ts";
import type { ReplicationSettings } from "./namespace-sync.ts";

export interface SettingsResult {
  settings: ReplicationSettings;
  /** Spec errors: nothing should be written while there are any. */
  problems: string[];
  /** Type names that matched nothing in discovery (a problem too). */
  unknownTypes: string[];
}

function pruneDelayMs(
  spec: NamespaceReplicationSpec,
  problems: string[],
): number {
  const text = spec.pruneSafety?.delay ??
    NAMESPACE_REPLICATION_DEFAULTS.pruneSafety.delay;
  const parsed = parseDuration(text);
  if (parsed.ok) return parsed.ms;
  problems.push(`spec.pruneSafety.delay: ${parsed.problem}`);
  return Number.POSITIVE_INFINITY;
}

/** See the module comment. */
export function resolveSettings(
  replication: {
    namespace: string;
    name: string;
    spec: NamespaceReplicationSpec;
  },
  discovery: readonly DiscoveredResource[],
): SettingsResult {
  const { spec } = replication;
  const defaults = NAMESPACE_REPLICATION_DEFAULTS;
  const types = resolveResourceTypes(spec.resourceTypes, discovery);
  const problems = [...types.problems];
  problems.push(...validateSelector(spec.selector, "spec.selector"));
  if ((spec.mode ?? "Continuous") === "Scheduled") {
    // Otherwise a schedule croner cannot read would sync once (the spec
    // change) and then silently never again.
    for (const p of validateSchedule(spec.schedule ?? "")) {
      problems.push(`spec.schedule: ${p}`);
    }
  }
  for (const name of types.unknown) {
    problems.push(`spec.resourceTypes: unknown resource type "${name}"`);
  }
  const ownerValue = replicationOwnerValue(
    replication.namespace,
    replication.name,
  );
  const settings: ReplicationSettings = {
    ownerValue,
    spec,
    types: types.selected,
    copyContext: {
      selector: spec.selector,
      copiedGroupKinds: groupKindsOf(types.selected),
      ownerValue,
    },
    pruneSafety: {
      delayMs: pruneDelayMs(spec, problems),
      maxDeleteFraction: spec.pruneSafety?.maxDeleteFraction ??
        defaults.pruneSafety.maxDeleteFraction,
      minObjects: spec.pruneSafety?.minObjects ??
        defaults.pruneSafety.minObjects,
    },
  };
  return { settings, problems, unknownTypes: types.unknown };
}

/** kind lookup for planned objects: group/kind → the selected type. */
export function typeLookup(
  types: readonly ApiResource[],
): (o: Pick<KubeObject, "apiVersion" | "kind">) => ApiResource {
  const byGroupKind = new Map(types.map((t) => [`${t.group}/${t.kind}`, t]));
  return (o) => {
    const group = o.apiVersion.includes("/") ? o.apiVersion.split("/")[0] : "";
    const type = byGroupKind.get(`${group}/${o.kind}`);
    if (!type) {
      throw new Error(`BUG: no selected type for ${o.apiVersion} ${o.kind}`);
    }
    return type;
  };
}
