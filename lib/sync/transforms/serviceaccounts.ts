/**
 * ServiceAccounts and Secrets: no traces of the source cluster's
 * auto-generated service-account tokens (those Secrets are never copied,
 * see the filter), which kube-controller-manager would otherwise fight.
 */
import type { KubeObject } from "../types.ts";
import { annotationsOf, isRecord, type TransformContext } from "./common.ts";

/** uid of the source cluster's ServiceAccount; meaningless on DR. */
export const ANNOTATION_SERVICE_ACCOUNT_UID =
  "kubernetes.io/service-account.uid";

/** Infix of token Secrets generated for a ServiceAccount: `<sa>-token-xxxxx`. */
const TOKEN_SECRET_INFIX = "-token-";

/** Drops `secrets` entries naming the account's generated token Secrets. */
export function sanitizeServiceAccount(
  copy: KubeObject,
  _ctx: TransformContext,
): void {
  if (!Array.isArray(copy.secrets)) return;
  const prefix = `${copy.metadata.name}${TOKEN_SECRET_INFIX}`;
  const kept = copy.secrets.filter((ref) =>
    !(isRecord(ref) && typeof ref.name === "string" &&
      ref.name.startsWith(prefix))
  );
  if (kept.length > 0) copy.secrets = kept;
  else delete copy.secrets;
}

/** Drops the source ServiceAccount uid from a Secret copy. */
export function sanitizeSecret(copy: KubeObject, _ctx: TransformContext): void {
  delete annotationsOf(copy)[ANNOTATION_SERVICE_ACCOUNT_UID];
}
