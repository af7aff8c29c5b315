/**
 * Label values that come from outside (API reasons, watch causes, HTTP
 * methods and codes) are mapped onto closed sets here, so a new server
 * reason or a buggy caller can never grow the number of series without bound.
 */

/** The value every reason outside {@link SYNC_ERROR_REASONS} becomes. */
export const OTHER_REASON = "Other";

/**
 * Reasons `drsyncer_sync_errors_total` reports as themselves: the API's
 * (by HTTP status), ours for transport failures, the plan's and apply's
 * refusals, and the RemoteCluster connection reasons.
 */
export const SYNC_ERROR_REASONS: readonly string[] = [
  // API answers
  "BadRequest",
  "Unauthorized",
  "Forbidden",
  "NotFound",
  "MethodNotAllowed",
  "AlreadyExists",
  "Conflict",
  "Expired",
  "Gone",
  "UnsupportedMediaType",
  "Invalid",
  "TooManyRequests",
  "InternalError",
  "ServiceUnavailable",
  "ServerTimeout",
  "Timeout",
  // transport and process
  "Unreachable",
  "Aborted",
  "Unknown",
  "Failed",
  // plan and apply refusals
  "NotOwned",
  "OwnedByOtherReplication",
  "ResourceTypeMissing",
  "ImmutableFieldChanged",
  "RecreatePending",
  "DestinationTerminating",
  "DestinationPromoted",
  "DestinationConflict",
  "ProtectedNamespace",
  "SourceNamespaceMissing",
  "PruneBlocked",
  // remote cluster connection
  "RemoteClusterNotReady",
  "SecretNotFound",
  "KeyNotFound",
  "KubeconfigInvalid",
  "InsecureTLSRefused",
  "ExecAuthRefused",
  "PlainHTTPRefused",
];

const reasons = new Set(SYNC_ERROR_REASONS);

/** `reason` when it is in the allowed set, else {@link OTHER_REASON}. */
export function errorReasonLabel(reason: string): string {
  return reasons.has(reason) ? reason : OTHER_REASON;
}

/** The value every watch restart cause outside the set becomes. */
export const OTHER_CAUSE = "Error";

/**
 * Causes `drsyncer_watch_restarts_total` reports as themselves: the watch's
 * own endings, then the error reasons an informer commonly meets.
 */
export const WATCH_RESTART_CAUSES: readonly string[] = [
  "Closed",
  "Expired",
  "Stalled",
  "Timeout",
  "Unreachable",
  "Unauthorized",
  "Forbidden",
  "NotFound",
  "TooManyRequests",
  "InternalError",
  "ServiceUnavailable",
];

const causes = new Set(WATCH_RESTART_CAUSES);

/** `cause` when it is in the allowed set, else {@link OTHER_CAUSE}. */
export function watchCauseLabel(cause: string): string {
  return causes.has(cause) ? cause : OTHER_CAUSE;
}

const VERBS = new Set(["get", "post", "put", "patch", "delete"]);

/** The lower-case HTTP method, or "other". */
export function verbLabel(method: string): string {
  const m = method.toLowerCase();
  return VERBS.has(m) ? m : "other";
}

const MIN_STATUS = 100;
const MAX_STATUS = 599;

/** The HTTP status as text, or "error" when no answer arrived. */
export function codeLabel(status: number | undefined): string {
  if (status === undefined) return "error";
  const ok = Number.isInteger(status) && status >= MIN_STATUS &&
    status <= MAX_STATUS;
  return ok ? String(status) : "error";
}
