/**
 * A resolved NamespaceReplication spec completed against source discovery
 * into the settings one pass runs with. Problems are returned for status,
 * never thrown.
 */
import { groupKindsOf } from "../sync/filter.ts";
import { ownerLabelValue } from "../sync/names.ts";
import type { ResolvedSpec } from "../sync/replication-spec.ts";
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
  /** Worth a Warning Event, not a failure (an absent type excluded). */
  warnings: string[];
}

/** See the module comment. */
export function resolveSettings(
  replication: {
    namespace: string;
    name: string;
    spec: ResolvedSpec;
    /** The source cluster's identity (its kube-system namespace uid). */
    sourceCluster?: string;
  },
  discovery: readonly DiscoveredResource[],
): SettingsResult {
  const { spec } = replication;
  const types = resolveResourceTypes(spec.resourceTypes, discovery);
  const problems = [...types.problems];
  const ownerValue = ownerLabelValue(replication.namespace, replication.name);
  const settings: ReplicationSettings = {
    ownerValue,
    sourceCluster: replication.sourceCluster,
    spec,
    types: types.selected,
    copyContext: {
      selector: spec.selector,
      copiedGroupKinds: groupKindsOf(types.selected),
      ownerValue,
    },
  };
  return {
    settings,
    problems,
    unknownTypes: types.unknown,
    warnings: types.warnings,
  };
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
