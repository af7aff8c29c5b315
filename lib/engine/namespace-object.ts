/**
 * The DR Namespace itself. It is created with our ownership label (and the
 * source's labels/annotations when copyNamespaceMetadata is on) and kept in
 * step while it is ours. A namespace we did not create (say, pre-made by a
 * platform team with quotas) is written into but never modified, unless
 * conflictPolicy is Adopt.
 */
import type { KubeObject } from "../sync/types.ts";
import { planNamespace } from "../sync/plan.ts";
import { copyOptionsFor } from "../sync/replication-spec.ts";
import { toDrCopy } from "../sync/transform.ts";
import { outcomeOfError } from "./apply.ts";
import type { NamespaceSyncInput } from "./sync-input.ts";
import { type ActionOutcome, failed } from "./outcome.ts";
import { NAMESPACES } from "./ports.ts";

/** The desired DR Namespace for a source Namespace. */
export function desiredNamespace(
  sourceNs: KubeObject,
  input: Pick<
    NamespaceSyncInput,
    "pair" | "settings" | "copyNamespaceMetadata"
  >,
): KubeObject {
  const { settings, pair } = input;
  const from: KubeObject = input.copyNamespaceMetadata
    ? sourceNs
    : { apiVersion: "v1", kind: "Namespace", metadata: { name: pair.source } };
  const opts = copyOptionsFor(settings.spec, {
    destinationNamespace: pair.destination,
    ownerValue: settings.ownerValue,
    sourceCluster: settings.sourceCluster,
  });
  return toDrCopy({ ...from, apiVersion: "v1", kind: "Namespace" }, opts)
    .object;
}

/** Creates or updates the DR namespace; a failure stops this pair's pass. */
export async function ensureNamespace(
  sourceNs: KubeObject,
  drNs: KubeObject | undefined,
  input: NamespaceSyncInput,
): Promise<ActionOutcome> {
  const desired = desiredNamespace(sourceNs, input);
  const name = input.pair.destination;
  const base = {
    key: `/Namespace//${name}`,
    kind: "Namespace",
    namespace: "",
    name,
  };
  if (drNs?.metadata.deletionTimestamp) {
    return failed({ ...base, action: "skip" }, {
      reason: "DestinationTerminating",
      message: `DR namespace ${name} is terminating`,
      transient: true,
    });
  }
  const [action] = planNamespace({
    destinationNamespace: name,
    ownerValue: input.settings.ownerValue,
    sourceCluster: input.settings.sourceCluster,
    desired: [desired],
    current: drNs ? [drNs] : [],
    conflictPolicy: input.settings.spec.conflictPolicy,
    immutableFieldPolicy: "Skip",
    destinationPromoted: false,
  }).actions;
  const out: ActionOutcome = {
    ...base,
    action: action.action,
    status: "unchanged",
  };
  // Someone else's namespace: leave its metadata alone, still write into it.
  if (action.action === "unchanged" || action.action === "conflict") return out;
  if (input.dryRun) return { ...out, status: "planned" };
  try {
    if (action.action === "create") {
      await input.writer.create(NAMESPACES, action.object!);
    } else await input.writer.replace(NAMESPACES, action.object!);
    return { ...out, status: "done", reason: action.reason };
  } catch (e) {
    return outcomeOfError(out, e);
  }
}
