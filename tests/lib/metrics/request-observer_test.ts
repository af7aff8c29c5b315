import "../../../lib/preload.ts";
import {
  type PromiseHttpLibrary,
  RequestContext,
  ResponseContext,
} from "@kubernetes/client-node";
import { Buffer } from "node:buffer";
import { assertEquals } from "../../assert.ts";
import { ClusterHttp } from "../../../lib/kube/http.ts";
import { Metrics } from "../../../lib/metrics/mod.ts";
import { samples } from "./exposition.ts";

/** Answers with `statuses` in turn, a refused connection for "refused". */
function aTransport(answers: Array<number | "refused">): PromiseHttpLibrary {
  return {
    send() {
      const a = answers.shift() ?? 200;
      if (a === "refused") {
        return Promise.reject(
          new TypeError("fetch failed", {
            cause: { code: "ECONNREFUSED", message: "connect ECONNREFUSED" },
          }),
        );
      }
      return Promise.resolve(
        new ResponseContext(a, {}, {
          text: () => Promise.resolve("{}"),
          binary: () => Promise.resolve(Buffer.from("{}")),
          stream: () => null,
        }),
      );
    },
  };
}

const noWait = {
  maxAttempts: 4,
  initialDelayMs: 0,
  maxDelayMs: 0,
  maxRetryAfterMs: 0,
};

Deno.test("ClusterHttp onRequest counts every attempt, retries included", async () => {
  const metrics = new Metrics({ defaultMetrics: false });
  const http = new ClusterHttp({
    timeoutMs: 1_000,
    retry: noWait,
    inner: aTransport([503, "refused", 200, 404]),
    onRequest: metrics.requestObserver("dr-east"),
  });
  const url = "https://x/api/v1/namespaces";
  assertEquals(
    (await http.send(new RequestContext(url, "GET" as never))).httpStatusCode,
    200,
  );
  assertEquals(
    (await http.send(new RequestContext(url, "DELETE" as never)))
      .httpStatusCode,
    404,
  );
  const got = samples(await metrics.scrape(), "drsyncer_api_requests_total")
    .map((s) =>
      `${s.labels.cluster} ${s.labels.verb} ${s.labels.code} ${s.value}`
    )
    .sort();
  assertEquals(got, [
    "dr-east delete 404 1",
    "dr-east get 200 1",
    "dr-east get 503 1",
    "dr-east get error 1",
  ]);
});
