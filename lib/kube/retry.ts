/**
 * When a failed request may be sent again, and after how long. 429 means
 * the server refused before doing anything, so any method may retry it; 5xx
 * and broken connections may have applied the request, so only idempotent
 * methods retry those. Retry-After is honoured (capped).
 */
import { type KubeError } from "./errors.ts";

/** Retry settings of one cluster client. */
export interface RetryPolicy {
  /** Attempts in total, the first included. */
  maxAttempts: number;
  /** First delay when the server gives no Retry-After. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** Longest Retry-After honoured; longer values are cut to this. */
  maxRetryAfterMs: number;
}

/** Defaults: 4 attempts, 250 ms doubling to 5 s, Retry-After up to 30 s. */
export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 4,
  initialDelayMs: 250,
  maxDelayMs: 5_000,
  maxRetryAfterMs: 30_000,
};

const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE"]);
/** Errors that prove the request never reached the server. */
const NOT_SENT = /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN):/;

/** True when HTTP `method` may be repeated without changing the outcome. */
export function isIdempotent(method: string): boolean {
  return IDEMPOTENT.has(method.toUpperCase());
}

/** Whether an HTTP answer with `status` deserves another attempt. */
export function retryableStatus(method: string, status: number): boolean {
  if (status === 429) return true;
  return status >= 500 && status !== 501 && isIdempotent(method);
}

/** Whether a thrown transport failure deserves another attempt. */
export function retryableFailure(method: string, err: KubeError): boolean {
  if (err.reason === "Unreachable" && NOT_SENT.test(err.message)) return true;
  return err.transient && err.code === undefined && isIdempotent(method);
}

/** Parses Retry-After (seconds or an HTTP date) into milliseconds. */
export function parseRetryAfter(
  value: string | undefined,
  now: number,
): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Delay before attempt `attempt + 1` (attempt counts from 1). */
export function retryDelay(
  policy: RetryPolicy,
  attempt: number,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
): number {
  if (retryAfterMs !== undefined) {
    return Math.min(policy.maxRetryAfterMs, retryAfterMs);
  }
  const base = policy.initialDelayMs * 2 ** (attempt - 1);
  return Math.min(policy.maxDelayMs, base * (0.5 + random() / 2));
}
