/**
 * Continuous mode's fast path: one changed source object (or one drifted DR
 * copy) is planned and written alone, from the caches, without a pass over
 * its namespace. Anything the fast path cannot decide on its own (a source
 * gone, so a prune; a DR namespace not there yet) marks the replication
 * dirty and leaves it to a full pass.
 */
import { ANNOTATION_PROMOTED } from "../../lib/api/v1alpha1.ts";
import { applyActions } from "../../lib/engine/apply.ts";
import type { ActionOutcome } from "../../lib/engine/outcome.ts";
import { typeLookup } from "../../lib/engine/settings.ts";
import {
  copyDecision,
  REASONS_KEEPING_EXISTING_COPY,
} from "../../lib/sync/filter.ts";
import { planNamespace } from "../../lib/sync/plan.ts";
import { copyOptionsFor } from "../../lib/sync/replication-spec.ts";
import { toDrCopy } from "../../lib/sync/transform.ts";
import {
  apiVersionOf,
  groupResource,
  type KubeObject,
  objectKey,
} from "../../lib/sync/types.ts";
import type { ControllerContext } from "../context.ts";
import type { ReplicationRuntime } from "./runtime.ts";
import { sourceWatchKey } from "./live.ts";
import { fenceWrites } from "../../lib/sharding/fenced-writer.ts";

/** Identity of a single-object work item. */
export interface ObjectRef {
  sourceNamespace: string;
  group: string;
  kind: string;
  name: string;
}

export type ObjectSyncResult =
  | { kind: "done"; outcome: ActionOutcome }
  | { kind: "nothing" }
  | { kind: "needsFullPass"; why: string };

const SEPARATOR = "|";

export function objectWorkKey(replication: string, ref: ObjectRef): string {
  return [replication, ref.sourceNamespace, ref.group, ref.kind, ref.name].join(
    SEPARATOR,
  );
}

/** Splits a work key: the replication name, and an object when present. */
export function parseWorkKey(
  key: string,
): { replication: string; object?: ObjectRef } {
  const parts = key.split(SEPARATOR);
  if (parts.length !== 5) return { replication: key };
  const [replication, sourceNamespace, group, kind, name] = parts;
  return { replication, object: { sourceNamespace, group, kind, name } };
}

function full(why: string): ObjectSyncResult {
  return { kind: "needsFullPass", why };
}

/** See the module comment. */
export async function syncObject(
  ctx: ControllerContext,
  rt: ReplicationRuntime,
  ref: ObjectRef,
): Promise<ObjectSyncResult> {
  const settings = rt.settings;
  const live = rt.live;
  const pair = rt.pairs.find((p) => p.source === ref.sourceNamespace);
  const type = rt.typeByGroupKind.get(`${ref.group}/${ref.kind}`);
  if (!settings || !live || !pair || !type) return { kind: "nothing" };
  const sourceInformer = live.sourceLeases.get(
    sourceWatchKey(type, pair.source),
  )?.informer;
  const drInformer = live.drInformers.get(groupResource(type));
  const drNs = live.drNamespaces.get(pair.destination);
  const sourceNs = ctx.caches.namespaces.get(pair.source);
  if (!sourceInformer || !drInformer || !drNs || !sourceNs) {
    return full("caches incomplete");
  }
  if (drNs.metadata.annotations?.[ANNOTATION_PROMOTED]) {
    return { kind: "nothing" };
  }
  const cached = sourceInformer.get(ref.name, ref.sourceNamespace);
  if (!cached) return full("source object deleted");
  const source: KubeObject = {
    ...cached,
    apiVersion: apiVersionOf(type),
    kind: type.kind,
  };
  const decision = copyDecision(source, {
    ...settings.copyContext,
    namespace: sourceNs,
  });
  if (!decision.copy) {
    return REASONS_KEEPING_EXISTING_COPY.has(decision.reason)
      ? { kind: "nothing" }
      : full(`source object no longer copied (${decision.reason})`);
  }
  const opts = copyOptionsFor(settings.spec, {
    destinationNamespace: pair.destination,
    ownerValue: settings.ownerValue,
    sourceCluster: settings.sourceCluster,
  });
  const desired = toDrCopy(source, opts).object;
  const current = drInformer.get(ref.name, pair.destination);
  const planInput = {
    destinationNamespace: pair.destination,
    ownerValue: settings.ownerValue,
    sourceCluster: settings.sourceCluster,
    conflictPolicy: settings.spec.conflictPolicy,
    immutableFieldPolicy: settings.spec.immutableFieldPolicy,
    destinationPromoted: false,
  } as const;
  const withKind = current
    ? { ...current, apiVersion: desired.apiVersion, kind: desired.kind }
    : undefined;
  const plan = planNamespace({
    ...planInput,
    desired: [desired],
    current: withKind ? [withKind] : [],
  });
  const [outcome] = await applyActions(plan.actions, {
    writer: fenceWrites(live.drApi, ctx.shard, rt.name),
    typeOf: typeLookup(settings.types),
    current: new Map(withKind ? [[objectKey(withKind), withKind]] : []),
    replan: (d, fresh) =>
      planNamespace({ ...planInput, desired: [d], current: [fresh] })
        .actions[0],
    namespace: pair.destination,
    concurrency: 1,
    dryRun: false,
  });
  return { kind: "done", outcome };
}
