import "../../../lib/preload.ts";
import {
  type PromiseHttpLibrary,
  RequestContext,
  ResponseContext,
} from "@kubernetes/client-node";
import { Buffer } from "node:buffer";
import { assertEquals, assertRejects } from "../../assert.ts";
import { ClusterHttp } from "../../../lib/kube/http.ts";
import { TokenBucket } from "../../../lib/kube/rate-limit.ts";
import { FakeClock } from "../fake-clock.ts";

type Answer =
  | number
  | { status: number; retryAfter?: string }
  | "refused"
  | "stall";

/** A scripted transport: one answer per attempt, attempt times recorded. */
function aScriptedServer(clock: FakeClock, answers: Answer[]) {
  const times: number[] = [];
  const inner: PromiseHttpLibrary = {
    send(req) {
      times.push(clock.now());
      const a = answers.shift() ?? 200;
      if (a === "refused") {
        return Promise.reject(
          new TypeError("fetch failed", {
            cause: { code: "ECONNREFUSED", message: "connect ECONNREFUSED" },
          }),
        );
      }
      if (a === "stall") {
        return new Promise((_, reject) => {
          const s = req.getSignal()!;
          s.addEventListener("abort", () => reject(s.reason), { once: true });
        });
      }
      const { status, retryAfter } = typeof a === "number" ? { status: a } : a;
      const headers: Record<string, string> = retryAfter
        ? { "retry-after": retryAfter }
        : {};
      const text = `{"code":${status}}`;
      return Promise.resolve(
        new ResponseContext(status, headers, {
          text: () => Promise.resolve(text),
          binary: () => Promise.resolve(Buffer.from(text)),
          stream: () => null,
        }),
      );
    },
  };
  return { inner, times };
}

const retry = {
  maxAttempts: 4,
  initialDelayMs: 100,
  maxDelayMs: 1000,
  maxRetryAfterMs: 5000,
};

async function send(http: ClusterHttp, clock: FakeClock, method: string) {
  const req = new RequestContext(
    "https://x/api/v1/namespaces",
    method as "GET",
  );
  const pending = http.send(req).then(
    (r) => r.httpStatusCode,
    (e) => e as Error,
  );
  await clock.advance(60_000);
  return await pending;
}

const cases: Array<
  {
    name: string;
    method: string;
    answers: Answer[];
    status: number;
    attempts: number;
  }
> = [
  {
    name: "GET 503 then 200 is retried",
    method: "GET",
    answers: [503, 200],
    status: 200,
    attempts: 2,
  },
  {
    name: "POST 500 is not retried",
    method: "POST",
    answers: [500, 200],
    status: 500,
    attempts: 1,
  },
  {
    name: "POST 429 is retried",
    method: "POST",
    answers: [429, 201],
    status: 201,
    attempts: 2,
  },
  {
    name: "GET 500 gives up after maxAttempts",
    method: "GET",
    answers: [500, 500, 500, 500, 200],
    status: 500,
    attempts: 4,
  },
  {
    name: "409 is returned at once",
    method: "PUT",
    answers: [409],
    status: 409,
    attempts: 1,
  },
  {
    name: "refused POST is retried (never sent)",
    method: "POST",
    answers: ["refused", 201],
    status: 201,
    attempts: 2,
  },
];

for (const c of cases) {
  Deno.test(`cluster http: ${c.name}`, async () => {
    const clock = new FakeClock();
    const server = aScriptedServer(clock, [...c.answers]);
    const http = new ClusterHttp({
      timeoutMs: 1000,
      retry,
      clock,
      inner: server.inner,
    });
    assertEquals(await send(http, clock, c.method), c.status);
    assertEquals(server.times.length, c.attempts);
  });
}

Deno.test("cluster http: Retry-After is honoured", async () => {
  const clock = new FakeClock();
  const server = aScriptedServer(clock, [
    { status: 429, retryAfter: "2" },
    200,
  ]);
  const http = new ClusterHttp({
    timeoutMs: 1000,
    retry,
    clock,
    inner: server.inner,
  });
  assertEquals(await send(http, clock, "GET"), 200);
  assertEquals(server.times[1] - server.times[0], 2000);
});

Deno.test("cluster http: a stalled request times out, then is retried", async () => {
  const clock = new FakeClock();
  const server = aScriptedServer(clock, ["stall", 200]);
  const http = new ClusterHttp({
    timeoutMs: 1000,
    retry,
    clock,
    inner: server.inner,
  });
  assertEquals(await send(http, clock, "GET"), 200);
  const gap = server.times[1] - server.times[0];
  assertEquals(
    gap >= 1000 && gap <= 1100,
    true,
    `retried after timeout + backoff (${gap})`,
  );
});

Deno.test("cluster http: a stalled PATCH times out with TimeoutError", async () => {
  const clock = new FakeClock();
  const server = aScriptedServer(clock, ["stall"]);
  const http = new ClusterHttp({
    timeoutMs: 1000,
    retry,
    clock,
    inner: server.inner,
  });
  const err = await send(http, clock, "PATCH");
  assertEquals((err as Error).name, "TimeoutError");
  assertEquals(clock.pending, 0, "no timer left behind");
});

Deno.test("cluster http: every attempt takes a rate-limit token", async () => {
  const clock = new FakeClock();
  const server = aScriptedServer(clock, [200, 200, 200, 200]);
  const limiter = new TokenBucket({ qps: 2, burst: 1, clock });
  const http = new ClusterHttp({
    timeoutMs: 1000,
    retry,
    clock,
    inner: server.inner,
    limiter,
  });
  const all = Promise.all(
    [1, 2, 3, 4].map(() => http.send(new RequestContext("https://x/", "GET"))),
  );
  await clock.advance(10_000);
  await all;
  const start = server.times[0];
  assertEquals(server.times.map((t) => t - start), [0, 500, 1000, 1500]);
});

Deno.test("cluster http: caller abort stops retries", async () => {
  const clock = new FakeClock();
  const server = aScriptedServer(clock, [503, 503, 503]);
  const http = new ClusterHttp({
    timeoutMs: 1000,
    retry,
    clock,
    inner: server.inner,
  });
  const ctl = new AbortController();
  const req = new RequestContext("https://x/", "GET");
  req.setSignal(ctl.signal);
  const pending = http.send(req);
  await clock.advance(10);
  ctl.abort(new Error("leadership lost"));
  await assertRejects(() => pending, /leadership lost/);
  assertEquals(server.times.length, 1);
});
