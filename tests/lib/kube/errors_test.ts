import "../../../lib/preload.ts";
import { ApiException } from "@kubernetes/client-node";
import { assertEquals } from "../../assert.ts";
import {
  classifyError,
  isConflict,
  isGone,
  isNotFound,
  type KubeError,
} from "../../../lib/kube/errors.ts";

function anApiException(code: number, status?: Record<string, unknown>) {
  const body = status === undefined ? undefined : JSON.stringify({
    kind: "Status",
    apiVersion: "v1",
    status: "Failure",
    code,
    ...status,
  });
  return new ApiException<string | undefined>(
    code,
    `HTTP-Code: ${code}\nMessage: Unknown API Status Code!\nBody: ${body}`,
    body,
    {},
  );
}

function aFetchFailure(code: string, message: string): TypeError {
  return new TypeError("fetch failed", { cause: { code, message } });
}

function aWatchError(statusCode: number, text: string): Error {
  return Object.assign(new Error(text), { statusCode });
}

const cases: Array<{ name: string; error: unknown; want: KubeError }> = [
  {
    name: "409 AlreadyExists keeps the API reason and message",
    error: anApiException(409, {
      reason: "AlreadyExists",
      message: 'configmaps "a" already exists',
    }),
    want: {
      code: 409,
      reason: "AlreadyExists",
      message: 'configmaps "a" already exists',
      transient: false,
    },
  },
  {
    name: "422 Invalid carries the causes",
    error: anApiException(422, {
      reason: "Invalid",
      message: "bad",
      details: { causes: [{ field: "spec.x", reason: "FieldValueInvalid" }] },
    }),
    want: {
      code: 422,
      reason: "Invalid",
      message: "bad",
      causes: [{ field: "spec.x", reason: "FieldValueInvalid" }],
      transient: false,
    },
  },
  {
    name: "401 has no body",
    error: anApiException(401),
    want: {
      code: 401,
      reason: "Unauthorized",
      message: "Unauthorized (HTTP 401)",
      transient: false,
    },
  },
  {
    name: "500 with a non-JSON body is transient",
    error: new ApiException(500, "x", "<html>oops</html>", {}),
    want: {
      code: 500,
      reason: "InternalError",
      message: "InternalError (HTTP 500)",
      transient: true,
    },
  },
  {
    name: "429 is transient",
    error: anApiException(429, { reason: "TooManyRequests", message: "slow" }),
    want: {
      code: 429,
      reason: "TooManyRequests",
      message: "slow",
      transient: true,
    },
  },
  {
    name: "watch 410 (Error + statusCode)",
    error: aWatchError(410, "Gone"),
    want: {
      code: 410,
      reason: "Expired",
      message: "Expired (HTTP 410)",
      transient: false,
    },
  },
  {
    name: "connection refused",
    error: aFetchFailure("ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:9"),
    want: {
      reason: "Unreachable",
      message: "ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9",
      transient: true,
    },
  },
  {
    name: "timeout",
    error: new DOMException("timed out", "TimeoutError"),
    want: { reason: "Timeout", message: "timed out", transient: true },
  },
  {
    name: "abort",
    error: new DOMException("aborted", "AbortError"),
    want: { reason: "Aborted", message: "aborted", transient: false },
  },
  {
    name: "unknown error is one line",
    error: new Error("line one\nline two"),
    want: { reason: "Unknown", message: "line one", transient: false },
  },
];

for (const c of cases) {
  Deno.test(`classifyError: ${c.name}`, () => {
    assertEquals(classifyError(c.error), c.want);
  });
}

Deno.test("error predicates", () => {
  assertEquals(isNotFound(anApiException(404, { reason: "NotFound" })), true);
  assertEquals(isConflict(anApiException(409, { reason: "Conflict" })), true);
  assertEquals(isGone(aWatchError(410, "Gone")), true);
  assertEquals(isNotFound(aFetchFailure("ENOTFOUND", "dns")), false);
});
