/**
 * Whether one source object is copied. Checks run in a fixed order and the
 * first hit wins, so every skip names exactly one reason (it becomes the
 * `skipped` count's reason in status and logs).
 *
 * Decisions:
 * - Ignore: `drsyncer.io/ignore` (or the original Go dr-syncer's
 *   `dr-syncer.io/ignore`) must be exactly "true" (label or annotation, on
 *   the object or its namespace). Any other value, "True" and "false"
 *   included, copies: label values are case-sensitive in Kubernetes and we
 *   do not guess.
 * - BeingDeleted (deletionTimestamp set): not copied as new and not
 *   updated; an existing copy is kept until the source is really gone,
 *   so a deletion reaches DR only through prune with its delay and guard.
 *   See REASONS_KEEPING_EXISTING_COPY.
 * - A source that is itself a DR copy (carries `drsyncer.io/replication`)
 *   is copied: that is failback or chained DR, and the transform rewrites
 *   the label to the new owner. Only a copy made by this very replication
 *   (label equal to ctx.ownerValue) is skipped as OwnCopy: feeding our own
 *   output back in is a loop, possible when both ends are one cluster.
 * - Owners: skipped when any ownerReference names a kind this replication
 *   copies (the DR owner recreates it, e.g. Jobs of a CronJob; the owner
 *   itself being filtered out does not change that, the decision is per
 *   kind), or a never-copy kind (e.g. PVCs of a Pod's ephemeral volume:
 *   they die with the Pod). Owners of other kinds do not matter.
 * - Per-namespace objects made by the cluster: service-account-token
 *   Secrets, and the CA bundle ConfigMaps published into every namespace
 *   (`kube-root-ca.crt`, and OpenShift's `openshift-service-ca.crt`); and
 *   the rsync-tls key Secrets DR Syncer copies for data replication.
 */
import {
  LABEL_IGNORE,
  LABEL_REPLICATION,
  LEGACY_LABEL_IGNORE,
} from "../api/v1alpha1.ts";
import type { LabelSelector } from "../api/v1alpha1.ts";
import type { KubeMeta, KubeObject } from "./types.ts";
import { matchesSelector } from "./label-selector.ts";
import { isDataReplicationKey } from "../volsync/objects.ts";
import { isCaBundle } from "./cluster-made.ts";
import {
  groupKind,
  groupKindOfApiVersion,
  NEVER_COPY_GROUP_KINDS,
} from "./never-copy.ts";

/** Why an object is not copied. */
export type SkipReason =
  | "IgnoredNamespace"
  | "IgnoredObject"
  | "OwnCopy"
  | "ServiceAccountToken"
  | "RootCACertificate"
  | "DataReplicationKey"
  | "BeingDeleted"
  | "OwnedByCopiedObject"
  | "OwnedByRuntimeObject"
  | "SelectorMismatch";

/** The decision for one object. */
export type CopyDecision =
  | { copy: true }
  | { copy: false; reason: SkipReason; message: string };

/** What the decision depends on besides the object. */
export interface CopyContext {
  /** The source Namespace object (undefined: no namespace-level checks). */
  namespace?: KubeObject;
  /** NamespaceReplication spec.selector. */
  selector?: LabelSelector;
  /** groupKinds being copied, from groupKindsOf(selected types). */
  copiedGroupKinds: ReadonlySet<string>;
  /** Ownership label value of this replication (ownerLabelValue). */
  ownerValue?: string;
}

/**
 * Reasons after which an existing DR copy is left alone (not updated, not
 * pruned). Other skips mean "not desired": prune rules apply to its copy.
 * An ignored namespace is kept like namespace-mapping.ts keeps it: the
 * user stopped copying it, which is not a request to delete the DR side.
 */
export const REASONS_KEEPING_EXISTING_COPY: ReadonlySet<SkipReason> = new Set([
  "BeingDeleted",
  "IgnoredNamespace",
]);

/** The value of `drsyncer.io/ignore` that means "ignore". */
export const IGNORE_VALUE = "true";
const SA_TOKEN_SECRET_TYPE = "kubernetes.io/service-account-token";

/** The ignore keys: ours, then the original dr-syncer's alias. */
export const IGNORE_KEYS: readonly string[] = [
  LABEL_IGNORE,
  LEGACY_LABEL_IGNORE,
];

/**
 * Whether metadata carries `drsyncer.io/ignore: "true"` (or its alias),
 * as a label or an annotation.
 */
export function isIgnored(meta: Partial<KubeMeta> | undefined): boolean {
  return IGNORE_KEYS.some((key) =>
    meta?.labels?.[key] === IGNORE_VALUE ||
    meta?.annotations?.[key] === IGNORE_VALUE
  );
}

/** groupKinds ("CronJob.batch", "ConfigMap") of the selected types. */
export function groupKindsOf(
  types: readonly { group: string; kind: string }[],
): Set<string> {
  return new Set(types.map((t) => groupKind(t.group, t.kind)));
}

function isCore(obj: KubeObject, kind: string): boolean {
  return obj.kind === kind && !String(obj.apiVersion ?? "").includes("/");
}

function builtInSkip(obj: KubeObject): SkipReason | undefined {
  if (isCore(obj, "Secret") && obj.type === SA_TOKEN_SECRET_TYPE) {
    return "ServiceAccountToken";
  }
  if (isCore(obj, "Secret") && isDataReplicationKey(obj)) {
    return "DataReplicationKey";
  }
  if (isCaBundle(obj)) return "RootCACertificate";
  return undefined;
}

function ownerSkip(obj: KubeObject, ctx: CopyContext): SkipReason | undefined {
  const refs = obj.metadata?.ownerReferences;
  if (!Array.isArray(refs)) return undefined;
  let runtimeOwned = false;
  for (const ref of refs) {
    if (typeof ref?.apiVersion !== "string" || typeof ref.kind !== "string") {
      continue;
    }
    const gk = groupKindOfApiVersion(ref.apiVersion, ref.kind);
    if (ctx.copiedGroupKinds.has(gk)) return "OwnedByCopiedObject";
    if (NEVER_COPY_GROUP_KINDS.has(gk)) runtimeOwned = true;
  }
  return runtimeOwned ? "OwnedByRuntimeObject" : undefined;
}

function firstSkip(obj: KubeObject, ctx: CopyContext): SkipReason | undefined {
  const meta = obj.metadata ?? {};
  if (isIgnored(ctx.namespace?.metadata)) return "IgnoredNamespace";
  if (isIgnored(meta)) return "IgnoredObject";
  if (ctx.ownerValue && meta.labels?.[LABEL_REPLICATION] === ctx.ownerValue) {
    return "OwnCopy";
  }
  const builtIn = builtInSkip(obj);
  if (builtIn) return builtIn;
  if (meta.deletionTimestamp) return "BeingDeleted";
  const owned = ownerSkip(obj, ctx);
  if (owned) return owned;
  if (!matchesSelector(meta.labels, ctx.selector)) return "SelectorMismatch";
  return undefined;
}

const MESSAGES: Record<SkipReason, string> = {
  IgnoredNamespace: `the namespace is labelled ${LABEL_IGNORE}=true`,
  IgnoredObject: `the object is labelled ${LABEL_IGNORE}=true`,
  OwnCopy: "the object is a copy made by this replication",
  ServiceAccountToken: "service-account-token Secrets are made per cluster",
  RootCACertificate: "CA bundle ConfigMaps are published per cluster",
  DataReplicationKey:
    "data-replication key Secrets belong to one cluster; DR Syncer makes them",
  BeingDeleted: "the object is being deleted",
  OwnedByCopiedObject: "its owner's kind is copied and recreates it",
  OwnedByRuntimeObject: "its owner's kind is never copied (runtime object)",
  SelectorMismatch: "the object does not match spec.selector",
};

/** Whether a source object is copied, and why not if it is not. */
export function copyDecision(obj: KubeObject, ctx: CopyContext): CopyDecision {
  const reason = firstSkip(obj, ctx);
  return reason
    ? { copy: false, reason, message: MESSAGES[reason] }
    : { copy: true };
}
