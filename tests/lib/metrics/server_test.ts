import "../../../lib/preload.ts";
import { assert, assertEquals, assertThrows } from "../../assert.ts";
import { Metrics, serveMetrics } from "../../../lib/metrics/mod.ts";
import { sampleValue } from "./exposition.ts";

const cases = [
  {
    name: "GET /metrics serves the exposition",
    method: "GET",
    path: "/metrics",
    status: 200,
  },
  { name: "other paths are 404", method: "GET", path: "/healthz", status: 404 },
  { name: "the root is 404", method: "GET", path: "/", status: 404 },
  {
    name: "POST /metrics is 404",
    method: "POST",
    path: "/metrics",
    status: 404,
  },
];

for (const c of cases) {
  Deno.test(`metrics server: ${c.name}`, async () => {
    const metrics = new Metrics({ defaultMetrics: false });
    metrics.setRemoteClusterReady("dr-east", true);
    const server = serveMetrics("127.0.0.1:0", metrics);
    try {
      const res = await fetch(`http://127.0.0.1:${server.port}${c.path}`, {
        method: c.method,
      });
      const body = await res.text();
      assertEquals(res.status, c.status);
      if (c.status !== 200) return;
      assertEquals(
        res.headers.get("content-type"),
        "text/plain; version=0.0.4; charset=utf-8",
      );
      const labels = { remote_cluster: "dr-east" };
      assertEquals(
        sampleValue(body, "drsyncer_remote_cluster_ready", labels),
        1,
      );
    } finally {
      await server.close();
    }
  });
}

Deno.test("metrics server: the default registry serves process metrics", async () => {
  const server = serveMetrics("127.0.0.1:0", new Metrics());
  try {
    const res = await fetch(`http://127.0.0.1:${server.port}/metrics`);
    const body = await res.text();
    assert(body.includes("process_resident_memory_bytes"), body);
    assert(body.includes("drsyncer_leader 0"), body);
  } finally {
    await server.close();
  }
});

Deno.test("metrics server: a bad address is refused", () => {
  const metrics = new Metrics({ defaultMetrics: false });
  assertThrows(() => serveMetrics(":http", metrics), /invalid address/);
});
