/**
 * Whether a reconcile of a NamespaceReplication runs a full pass, per mode.
 * Pure: the reconcile key says only "look at this replication", so an
 * unrelated annotation change must end here with nothing synced or written.
 */
import {
  ANNOTATION_ALLOW_MASS_PRUNE,
  ANNOTATION_SYNC_NOW,
  type NamespaceReplication,
} from "../../lib/api/v1alpha1.ts";
import type { ReplicationRuntime } from "./runtime.ts";
import { specOf } from "./spec.ts";
import type { NamespaceSyncResult } from "../../lib/engine/namespace-sync.ts";

export interface Decision {
  run: boolean;
  /** The new sync-now token this pass handles. */
  syncNowToken?: string;
  /** Why, for logs. */
  because: string;
}

/** The sync-now token if it has not been handled yet. */
export function newSyncNowToken(
  nr: NamespaceReplication,
  rt: ReplicationRuntime,
): string | undefined {
  const token = nr.metadata.annotations?.[ANNOTATION_SYNC_NOW];
  if (!token) return undefined;
  const handled = token === nr.status?.lastManualTrigger ||
    token === rt.lastSyncNowHandled;
  return handled ? undefined : token;
}

/** A mass-prune approval that can release currently blocked prunes. */
export function newAllowToken(
  nr: NamespaceReplication,
  rt: ReplicationRuntime,
): string | undefined {
  const token = nr.metadata.annotations?.[ANNOTATION_ALLOW_MASS_PRUNE];
  if (!token || (nr.status?.blockedPrunes ?? []).length === 0) return undefined;
  const handled = token === nr.status?.lastMassPruneApproval ||
    token === rt.lastAllowHandled;
  return handled ? undefined : token;
}

/** See the module comment. */
export function decidePass(
  nr: NamespaceReplication,
  rt: ReplicationRuntime,
  now: number,
): Decision {
  const { mode } = specOf(nr).spec;
  const syncNowToken = newSyncNowToken(nr, rt);
  if (syncNowToken) {
    return { run: true, syncNowToken, because: "sync-now token" };
  }
  if (newAllowToken(nr, rt)) {
    return { run: true, because: "mass prune approved" };
  }
  const specChanged = nr.metadata.generation !== rt.passGeneration;
  const due = rt.dueAt !== undefined && now >= rt.dueAt;
  switch (mode) {
    case "Manual":
      return { run: false, because: "manual mode waits for a sync-now token" };
    case "Scheduled":
      if (specChanged) return { run: true, because: "spec changed" };
      if (due) return { run: true, because: "schedule due" };
      return rt.dirty && rt.blocked
        ? { run: true, because: "retrying a blocked pass" }
        : { run: false, because: "not due" };
    default:
      if (specChanged) return { run: true, because: "spec changed" };
      if (rt.dirty) return { run: true, because: "world changed" };
      return due
        ? { run: true, because: "resync due" }
        : { run: false, because: "not due" };
  }
}

/** The tokens a pass handled, so none of them runs twice. */
export function rememberTokens(
  nr: NamespaceReplication,
  rt: ReplicationRuntime,
  syncNowToken: string | undefined,
  pass: { consumedAllowToken?: string; results: NamespaceSyncResult[] },
): void {
  if (syncNowToken) rt.lastSyncNowHandled = syncNowToken;
  if (pass.consumedAllowToken) {
    rt.lastAllowHandled = pass.consumedAllowToken;
  } else if (newlyBlocked(nr, pass.results)) {
    // A token already there when the block is first reported was not
    // given for it: only a value set afterwards approves.
    rt.lastAllowHandled =
      nr.metadata.annotations?.[ANNOTATION_ALLOW_MASS_PRUNE] ??
        rt.lastAllowHandled;
  }
}

function newlyBlocked(
  nr: NamespaceReplication,
  results: { prune?: { blocked?: unknown } }[],
): boolean {
  return (nr.status?.blockedPrunes ?? []).length === 0 &&
    results.some((x) => x.prune?.blocked);
}
