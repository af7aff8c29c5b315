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
import { planRulesOf, replanOne } from "../../lib/engine/namespace-sync.ts";
import { typeLookup } from "../../lib/engine/settings.ts";
import { desiredCopy } from "../../lib/sync/desired-copy.ts";
import { planNamespace } from "../../lib/sync/plan.ts";
import {
  apiVersionOf,
  groupResource,
  type KubeObject,
  objectKey,
} from "../../lib/sync/types.ts";
import type { ControllerContext } from "../context.ts";
import type { ReplicationRuntime } from "./runtime.ts";
import { replicationFence } from "./fence.ts";
import { sourceInformer } from "./live.ts";

/** Identity of a single-object work item. */
export interface ObjectRef {
  sourceNamespace: string;
  group: string;
  kind: string;
  name: string;
}

export type ObjectSyncResult =
  | { kind: "done"; outcome: ActionOutcome; warnings: string[] }
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
  leading: AbortSignal,
): Promise<ObjectSyncResult> {
  const settings = rt.settings;
  const live = rt.live;
  const pair = rt.pairs.find((p) => p.source === ref.sourceNamespace);
  const type = rt.typeByGroupKind.get(`${ref.group}/${ref.kind}`);
  if (!settings || !live || !pair || !type) return { kind: "nothing" };
  const sourceCache = sourceInformer(live, type, pair.source);
  const drInformer = live.drInformers.get(groupResource(type));
  const drNs = live.drNamespaces.get(pair.destination);
  const sourceNs = ctx.caches.namespaces.get(pair.source);
  if (!sourceCache || !drInformer || !drNs || !sourceNs) {
    return full("caches incomplete");
  }
  if (drNs.metadata.annotations?.[ANNOTATION_PROMOTED]) {
    return { kind: "nothing" };
  }
  const cached = sourceCache.get(ref.name, ref.sourceNamespace);
  if (!cached) return full("source object deleted");
  const source: KubeObject = {
    ...cached,
    apiVersion: apiVersionOf(type),
    kind: type.kind,
  };
  const want = desiredCopy(source, settings, {
    sourceNamespace: sourceNs,
    destination: pair.destination,
  });
  if (want.kind === "keep") return { kind: "nothing" };
  if (want.kind === "drop") {
    return full(`source object no longer copied (${want.reason})`);
  }
  const desired = want.object;
  const current = drInformer.get(ref.name, pair.destination);
  const withKind = current
    ? { ...current, apiVersion: desired.apiVersion, kind: desired.kind }
    : undefined;
  const plan = planNamespace({
    ...planRulesOf(settings, pair.destination),
    desired: [desired],
    current: withKind ? [withKind] : [],
  });
  const fence = replicationFence(
    live.drApi,
    rt.name,
    leading,
    live.drNamespaces,
    ctx.shard,
  );
  const [outcome] = await applyActions(plan.actions, {
    writer: fence.guard(live.drApi),
    fence,
    typeOf: typeLookup(settings.types),
    current: new Map(withKind ? [[objectKey(withKind), withKind]] : []),
    replan: replanOne(settings, pair.destination),
    namespace: pair.destination,
    concurrency: 1,
    dryRun: false,
  });
  // Promoted since the cache said otherwise: a full pass reports it.
  const closed = fence.closedFor(pair.destination);
  if (closed) return full(`write fence closed (${closed.reason})`);
  return { kind: "done", outcome, warnings: want.warnings };
}
