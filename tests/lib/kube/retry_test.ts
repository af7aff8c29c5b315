import "../../../lib/preload.ts";
import { assertEquals } from "../../assert.ts";
import {
  DEFAULT_RETRY,
  parseRetryAfter,
  retryableFailure,
  retryableStatus,
  retryDelay,
} from "../../../lib/kube/retry.ts";

const statusCases: Array<[string, number, boolean]> = [
  ["GET", 500, true],
  ["GET", 503, true],
  ["GET", 501, false],
  ["PUT", 504, true],
  ["DELETE", 502, true],
  ["POST", 500, false],
  ["PATCH", 503, false],
  ["POST", 429, true],
  ["PATCH", 429, true],
  ["GET", 404, false],
  ["GET", 409, false],
];
for (const [method, status, want] of statusCases) {
  Deno.test(`retryableStatus: ${method} ${status} → ${want}`, () => {
    assertEquals(retryableStatus(method, status), want);
  });
}

Deno.test("retryableFailure: refused connections retry for any method", () => {
  const refused = {
    reason: "Unreachable",
    message: "ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:1234",
    transient: true,
  };
  const reset = {
    reason: "Unreachable",
    message: "UND_ERR_SOCKET: other side closed",
    transient: true,
  };
  assertEquals(retryableFailure("POST", refused), true);
  assertEquals(retryableFailure("POST", reset), false, "may have applied");
  assertEquals(retryableFailure("GET", reset), true);
  const timeout = { reason: "Timeout", message: "t", transient: true };
  assertEquals(retryableFailure("GET", timeout), true);
  assertEquals(retryableFailure("PATCH", timeout), false);
  const aborted = { reason: "Aborted", message: "a", transient: false };
  assertEquals(retryableFailure("GET", aborted), false);
});

Deno.test("parseRetryAfter: seconds, HTTP date, garbage", () => {
  const now = Date.parse("2026-01-01T00:00:00Z");
  assertEquals(parseRetryAfter("3", now), 3000);
  assertEquals(parseRetryAfter("Thu, 01 Jan 2026 00:00:05 GMT", now), 5000);
  assertEquals(parseRetryAfter("soon", now), undefined);
  assertEquals(parseRetryAfter(undefined, now), undefined);
});

Deno.test("retryDelay: Retry-After wins but is capped; else jittered doubling", () => {
  assertEquals(retryDelay(DEFAULT_RETRY, 1, 2000), 2000);
  assertEquals(retryDelay(DEFAULT_RETRY, 1, 3_600_000), 30_000);
  const noJitter = () => 1;
  assertEquals(
    [1, 2, 3, 4, 5, 6].map((a) =>
      retryDelay(DEFAULT_RETRY, a, undefined, noJitter)
    ),
    [250, 500, 1000, 2000, 4000, 5000],
  );
  assertEquals(retryDelay(DEFAULT_RETRY, 1, undefined, () => 0), 125);
});
