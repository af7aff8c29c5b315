/**
 * One shape for every failure a Kubernetes call can produce. client-node 2.x
 * throws ApiException (`.code`, raw JSON text in `.body`, none on 401), watch
 * errors as Error + `.statusCode`, transport failures as
 * TypeError("fetch failed") with `cause.code`, and DOMException
 * TimeoutError/AbortError; callers want the status, the API's reason and one
 * line of message, plus whether trying again can help.
 */
// The deep path: the package index loads the whole generated API.
import { ApiException } from "@kubernetes/client-node/dist/gen/apis/exception.js";
import { withoutUrlCredentials } from "./url-credentials.ts";

/** One field problem of a 422 Invalid answer. */
export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

/** A classified failure. */
export interface KubeError {
  /** HTTP status; absent for transport failures. */
  code?: number;
  /** The API's reason (AlreadyExists, Conflict...) or ours (Unreachable, Timeout). */
  reason: string;
  /** One line, safe to log and to put into a condition. */
  message: string;
  causes?: StatusCause[];
  /** True when the same request may succeed later. */
  transient: boolean;
}

const REASON_BY_CODE: Record<number, string> = {
  400: "BadRequest",
  401: "Unauthorized",
  403: "Forbidden",
  404: "NotFound",
  405: "MethodNotAllowed",
  409: "Conflict",
  410: "Expired",
  415: "UnsupportedMediaType",
  422: "Invalid",
  429: "TooManyRequests",
  500: "InternalError",
  503: "ServiceUnavailable",
  504: "Timeout",
};

/** Statuses worth retrying (server busy or failing, not our request). */
export function isTransientStatus(code: number): boolean {
  return code === 429 || code >= 500;
}

function oneLine(text: string): string {
  // Transport errors quote the URL, user-info included.
  return withoutUrlCredentials(text.split("\n")[0]).slice(0, 500);
}

function parseStatusBody(body: unknown): Record<string, unknown> | undefined {
  if (typeof body === "object" && body !== null) {
    return body as Record<string, unknown>;
  }
  if (typeof body !== "string" || body === "") return undefined;
  try {
    const parsed = JSON.parse(body);
    return typeof parsed === "object" && parsed !== null ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function fromStatus(code: number, body: unknown): KubeError {
  const status = parseStatusBody(body);
  const reason = typeof status?.reason === "string" && status.reason
    ? status.reason
    : REASON_BY_CODE[code] ?? `HTTP${code}`;
  const message = typeof status?.message === "string" && status.message
    ? oneLine(status.message)
    : `${reason} (HTTP ${code})`;
  const details = status?.details as { causes?: StatusCause[] } | undefined;
  const causes = Array.isArray(details?.causes) ? details.causes : undefined;
  return {
    code,
    reason,
    message,
    ...(causes ? { causes } : {}),
    transient: isTransientStatus(code),
  };
}

function fromTransport(e: Error): KubeError | undefined {
  if (e.name === "TimeoutError") {
    return { reason: "Timeout", message: oneLine(e.message), transient: true };
  }
  if (e.name === "AbortError") {
    return { reason: "Aborted", message: oneLine(e.message), transient: false };
  }
  const cause = (e as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (e instanceof TypeError && cause !== undefined) {
    const code = typeof cause.code === "string" ? cause.code : "";
    const detail = oneLine(String(cause.message ?? e.message));
    return {
      reason: "Unreachable",
      message: code ? `${code}: ${detail}` : detail,
      transient: true,
    };
  }
  return undefined;
}

/** Classifies anything thrown by a client call or given to a watch's done. */
export function classifyError(e: unknown): KubeError {
  if (e instanceof ApiException) return fromStatus(e.code, e.body);
  if (!(e instanceof Error)) {
    return { reason: "Unknown", message: oneLine(String(e)), transient: false };
  }
  const statusCode = (e as { statusCode?: unknown }).statusCode;
  if (typeof statusCode === "number") return fromStatus(statusCode, undefined);
  return fromTransport(e) ??
    { reason: "Unknown", message: oneLine(e.message), transient: false };
}

/** HTTP status of a failure, if it had one. */
export function statusCodeOf(e: unknown): number | undefined {
  return classifyError(e).code;
}

/** True for 404. */
export function isNotFound(e: unknown): boolean {
  return statusCodeOf(e) === 404;
}

/** True for 409 (AlreadyExists or Conflict). */
export function isConflict(e: unknown): boolean {
  return statusCodeOf(e) === 409;
}

/** True for 410 Gone / Expired: the resourceVersion is too old. */
export function isGone(e: unknown): boolean {
  return statusCodeOf(e) === 410;
}
