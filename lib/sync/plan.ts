/**
 * The write plan for one DR namespace: for each desired copy, whether to
 * create, update, recreate, leave alone, or refuse (conflict/skip), with the
 * exact body to write. Pure; the applier executes it in the given order and
 * dry-run prints it.
 */
import {
  LABEL_ADOPTED,
  LABEL_REPLICATION,
  LABEL_SOURCE_CLUSTER,
} from "../api/v1alpha1.ts";
import type { ConflictPolicy, ImmutableFieldPolicy } from "../api/v1alpha1.ts";
import { mergeAllocated } from "./allocated.ts";
import { compareObjects, MAX_DIFF_PATHS } from "./compare.ts";
import {
  isAdopted,
  isCaBundle,
  isDefaultServiceAccount,
  mergeDefaultServiceAccount,
} from "./cluster-made.ts";
import { immutableChanges } from "./immutable.ts";
import { sortForWrite } from "./order.ts";
import { type KubeObject, objectKey } from "./types.ts";

export { writeRank } from "./order.ts";

/** Everything the planner looks at for one DR namespace. */
export interface NamespacePlanInput {
  destinationNamespace: string;
  /** Ownership label value of this replication: "<namespace>.<name>". */
  ownerValue: string;
  /** Transformed copies, namespace already set to the destination. */
  desired: KubeObject[];
  /** DR objects of the selected types in the namespace, owned or not. */
  current: KubeObject[];
  conflictPolicy: ConflictPolicy;
  immutableFieldPolicy: ImmutableFieldPolicy;
  /** The DR namespace carries drsyncer.io/promoted: write nothing. */
  destinationPromoted: boolean;
  /**
   * This source cluster's identity (drsyncer.io/source-cluster). A copy
   * carrying another value belongs to another source cluster sharing the
   * DR cluster: never touched. Undefined: not checked.
   */
  sourceCluster?: string;
}

export type ActionType =
  | "create"
  | "update"
  | "unchanged"
  | "recreate"
  | "conflict"
  | "skip";

/** Machine-readable why; used as event/condition reasons. */
export type ActionReason =
  | "Adopted"
  | "Drifted"
  | "ImmutableFieldChanged"
  | "NotOwned"
  | "OwnedByOtherReplication"
  | "OwnedByOtherSourceCluster"
  | "ClusterMade"
  | "ImagePullSecretsMerged"
  | "DestinationPromoted";

/** One step of the plan. */
export interface PlannedAction {
  action: ActionType;
  key: string;
  kind: string;
  name: string;
  /** Body to write (create, update, recreate); exactly what is sent. */
  object?: KubeObject;
  reason?: ActionReason;
  /** Human sentence for events, logs and dry-run. */
  message?: string;
  /** Differing (or immutable) field paths, capped at MAX_DIFF_PATHS. */
  diff?: string[];
}

/** The plan: actions in write order and their counts. */
export interface NamespacePlan {
  destinationNamespace: string;
  actions: PlannedAction[];
  summary: Record<ActionType, number>;
}

type Step = Omit<PlannedAction, "key" | "kind" | "name">;

function ownerOf(o: KubeObject): string | undefined {
  return o.metadata.labels?.[LABEL_REPLICATION];
}

/** Plan for a copy that exists and is (or is being made) ours. */
function planOwned(
  desired: KubeObject,
  current: KubeObject,
  input: NamespacePlanInput,
  adopting: boolean,
): Step {
  // Checked first: "desired names no clusterIP" looks unchanged next to a
  // headless copy, yet only a recreate gives it an IP.
  const adopted = adopting || isAdopted(current);
  const fixed = immutableChanges(desired, current);
  if (fixed.length > 0) return planImmutable(desired, fixed, input, adopted);
  const body = mergeAllocated(desired, current);
  if (adopted) {
    // The mark stays: it is what keeps prune and recreate away from it.
    body.metadata.labels = { ...body.metadata.labels, [LABEL_ADOPTED]: "true" };
  }
  const cmp = compareObjects(body, current);
  if (cmp.equal) return { action: "unchanged" };
  const more = cmp.omitted > 0 ? ` and ${cmp.omitted} more` : "";
  return {
    action: "update",
    object: body,
    reason: adopting ? "Adopted" : "Drifted",
    message: `differs at ${cmp.paths.join(", ")}${more}`,
    diff: cmp.paths,
  };
}

function planImmutable(
  desired: KubeObject,
  fixed: string[],
  input: NamespacePlanInput,
  adopted: boolean,
): Step {
  const diff = fixed.slice(0, MAX_DIFF_PATHS);
  const message = `immutable fields changed: ${diff.join(", ")}`;
  if (adopted) {
    // Deleting it would destroy something that existed before us.
    return {
      action: "skip",
      reason: "ImmutableFieldChanged",
      message: `${message}; an adopted object is never recreated`,
      diff,
    };
  }
  if (input.immutableFieldPolicy === "Skip") {
    return { action: "skip", reason: "ImmutableFieldChanged", message, diff };
  }
  return {
    action: "recreate",
    object: desired,
    reason: "ImmutableFieldChanged",
    message,
    diff,
  };
}

/**
 * The cluster's own `default` ServiceAccount: only imagePullSecrets merged
 * in, never labelled, adopted or replaced (cluster-made.ts). Missing (the
 * cluster has not made it yet, or a cache that only holds our copies did
 * not see it): created with just those; a 409 re-plans on the real one.
 */
function planDefaultServiceAccount(
  desired: KubeObject,
  current: KubeObject | undefined,
): Step {
  const body = mergeDefaultServiceAccount(desired, current);
  if (!body) return { action: "unchanged" };
  return {
    action: current ? "update" : "create",
    object: body,
    reason: "ImagePullSecretsMerged",
    message:
      "imagePullSecrets merged into the cluster's default ServiceAccount",
  };
}

function planOne(
  desired: KubeObject,
  current: KubeObject | undefined,
  input: NamespacePlanInput,
): Step {
  if (input.destinationPromoted) {
    return {
      action: "skip",
      reason: "DestinationPromoted",
      message: `namespace ${input.destinationNamespace} is promoted`,
    };
  }
  if (isCaBundle(desired)) {
    return {
      action: "skip",
      reason: "ClusterMade",
      message: "made by each cluster itself; never copied",
    };
  }
  if (isDefaultServiceAccount(desired)) {
    return planDefaultServiceAccount(desired, current);
  }
  if (!current) return { action: "create", object: desired };
  const owner = ownerOf(current);
  const cluster = current.metadata.labels?.[LABEL_SOURCE_CLUSTER];
  if (
    owner !== undefined && input.sourceCluster !== undefined &&
    cluster !== undefined && cluster !== input.sourceCluster
  ) {
    return {
      action: "conflict",
      reason: "OwnedByOtherSourceCluster",
      message: `a copy from another source cluster (${cluster})`,
    };
  }
  if (owner === input.ownerValue) {
    return planOwned(desired, current, input, false);
  }
  if (owner !== undefined) {
    return {
      action: "conflict",
      reason: "OwnedByOtherReplication",
      message: `already managed by replication ${owner}`,
    };
  }
  if (input.conflictPolicy === "Adopt") {
    return planOwned(desired, current, input, true);
  }
  return {
    action: "conflict",
    reason: "NotOwned",
    message: `exists without label ${LABEL_REPLICATION}; ` +
      "conflictPolicy Abort leaves it alone",
  };
}

function emptySummary(): Record<ActionType, number> {
  return {
    create: 0,
    update: 0,
    unchanged: 0,
    recreate: 0,
    conflict: 0,
    skip: 0,
  };
}

/** Plans the writes that make the DR namespace match the desired copies. */
export function planNamespace(input: NamespacePlanInput): NamespacePlan {
  const currentByKey = new Map(input.current.map((o) => [objectKey(o), o]));
  const actions = input.desired.map((desired): PlannedAction => {
    const key = objectKey(desired);
    const step = planOne(desired, currentByKey.get(key), input);
    return { key, kind: desired.kind, name: desired.metadata.name, ...step };
  });
  const summary = emptySummary();
  for (const a of actions) summary[a.action]++;
  return {
    destinationNamespace: input.destinationNamespace,
    actions: sortForWrite(actions),
    summary,
  };
}
