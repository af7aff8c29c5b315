import "../../../lib/preload.ts";
import * as k8s from "@kubernetes/client-node";
import https from "node:https";
import { assert, assertEquals, assertRejects } from "../../assert.ts";
import { ClusterClient, withSignal } from "../../../lib/kube/client.ts";
import { classifyError } from "../../../lib/kube/errors.ts";
import { withSim } from "../sim-helpers.ts";
import { quiesceUndici } from "../../sim/harness.ts";

const CERTS = new URL("../../sim/certs/", import.meta.url);
const noRetryWait = {
  maxAttempts: 4,
  initialDelayMs: 20,
  maxDelayMs: 50,
  maxRetryAfterMs: 5000,
};

/** A plain HTTPS API stub that counts TLS connections. */
async function aCountingServer() {
  let connections = 0;
  const server = https.createServer({
    cert: Deno.readTextFileSync(new URL("server.crt", CERTS)),
    key: Deno.readTextFileSync(new URL("server.key", CERTS)),
  }, (_req, res) => {
    res.setHeader("content-type", "application/json");
    res.end(
      '{"kind":"NamespaceList","apiVersion":"v1","metadata":{},"items":[]}',
    );
  });
  server.on("secureConnection", () => connections++);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as { port: number }).port;
  const kubeconfig = JSON.stringify({
    "current-context": "c",
    clusters: [{
      name: "c",
      cluster: {
        server: `https://127.0.0.1:${port}`,
        "certificate-authority-data": btoa(
          Deno.readTextFileSync(new URL("ca.crt", CERTS)),
        ),
      },
    }],
    users: [{ name: "u", user: { token: "t" } }],
    contexts: [{ name: "c", context: { cluster: "c", user: "u" } }],
  });
  return {
    kubeconfig,
    take: () => {
      const n = connections;
      connections = 0;
      return n;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await quiesceUndici();
    },
  };
}

/** 20 sequential, 10 parallel, 20 sequential calls. */
async function aWorkload(api: k8s.CoreV1Api): Promise<void> {
  for (let i = 0; i < 20; i++) await api.listNamespace();
  await Promise.all(Array.from({ length: 10 }, () => api.listNamespace()));
  for (let i = 0; i < 20; i++) await api.listNamespace();
}

Deno.test("client: one keep-alive pool per cluster instead of a TLS handshake per call", async () => {
  const server = await aCountingServer();
  const pooled = new ClusterClient(
    (kc) => kc.loadFromString(server.kubeconfig),
    { name: "x" },
  );
  try {
    const plain = new k8s.KubeConfig();
    plain.loadFromString(server.kubeconfig);
    await aWorkload(plain.makeApiClient(k8s.CoreV1Api));
    const before = server.take();
    await aWorkload(pooled.api(k8s.CoreV1Api));
    const after = server.take();
    console.log(
      `TLS connections for 50 calls: client-node ${before}, pooled ${after}`,
    );
    assert(before >= 40, `client-node opens one per call (${before})`);
    assert(after <= 11, `pooled: at most the 10 parallel + 1 (${after})`);
  } finally {
    await pooled.close();
    await server.close();
  }
});

Deno.test("client: rate limit holds against the API server", async () => {
  await withSim(async (c, clients) => {
    const client = clients.make({ rateLimit: { qps: 10, burst: 2 } });
    const api = client.api(k8s.CoreV1Api);
    c.counters.reset();
    const start = Date.now();
    await Promise.all(Array.from({ length: 22 }, () => api.listNamespace()));
    const seconds = (Date.now() - start) / 1000;
    console.log(
      `22 calls at qps 10/burst 2 took ${seconds.toFixed(2)} s (ideal 2.0)`,
    );
    assertEquals(c.counters.get("list", "namespaces"), 22);
    assert(seconds >= 1.6, `paced, not a burst (${seconds} s)`);
    assert(seconds < 8, `not stuck (${seconds} s)`);
  });
});

Deno.test("client: 429 with Retry-After is retried after the asked delay", async () => {
  await withSim(async (c, clients) => {
    const api = clients.make({ retry: noRetryWait }).api(k8s.CoreV1Api);
    c.counters.reset();
    c.faults.failNext(2, 429, 1);
    const start = Date.now();
    const list = await api.listNamespace();
    assert(list.items.length > 0);
    assertEquals(c.counters.get("list", "namespaces"), 3);
    assert(Date.now() - start >= 1800, "waited Retry-After twice");
  });
});

Deno.test("client: GET survives a burst of 500s; POST is not repeated", async () => {
  await withSim(async (c, clients) => {
    const api = clients.make({ retry: noRetryWait }).api(k8s.CoreV1Api);
    c.counters.reset();
    c.faults.failNext(3, 500);
    await api.listNamespace();
    assertEquals(c.counters.get("list", "namespaces"), 4);
    c.faults.failNext(1, 500);
    const e = await assertRejects(() =>
      api.createNamespace({ body: { metadata: { name: "x" } } })
    );
    assertEquals(classifyError(e).reason, "InternalError");
    assertEquals(c.counters.get("create", "namespaces"), 1);
  });
});

Deno.test("client: every request has a timeout", async () => {
  await withSim(async (c, clients) => {
    const client = clients.make({
      timeoutMs: 200,
      retry: { ...noRetryWait, maxAttempts: 1 },
    });
    c.faults.latency(1000);
    const start = Date.now();
    const e = await assertRejects(() =>
      client.api(k8s.CoreV1Api).listNamespace()
    );
    assertEquals(classifyError(e).reason, "Timeout");
    assert(Date.now() - start < 900, "gave up long before the answer");
    c.faults.latency(0);
    await new Promise((r) => setTimeout(r, 1000)); // let the slow answer drain
  });
});

Deno.test("client: 401 surfaces as Unauthorized", async () => {
  await withSim(async (c) => {
    const text = c.kubeconfigFor("not-a-valid-token");
    const client = new ClusterClient((kc) => kc.loadFromString(text), {
      name: "bad",
    });
    try {
      const e = await assertRejects(() =>
        client.api(k8s.CoreV1Api).listNamespace()
      );
      assertEquals(classifyError(e).reason, "Unauthorized");
      const raw = await assertRejects(() =>
        client.requestJson("/api/v1/namespaces")
      );
      assertEquals(classifyError(raw).code, 401);
    } finally {
      await client.close();
    }
  });
});

Deno.test("client: generic KubernetesObjectApi goes through the pool; a closed client refuses", async () => {
  await withSim(async (c, clients) => {
    const client = clients.make({ retry: noRetryWait });
    c.counters.reset();
    c.faults.failNext(1, 503);
    const list = await client.api(k8s.KubernetesObjectApi).list(
      "v1",
      "Namespace",
    );
    assert(list.items.length > 0);
    assertEquals(
      c.counters.get("list", "namespaces"),
      2,
      "503 retried by ClusterHttp",
    );
    await client.close();
    const e = await assertRejects(() =>
      client.requestJson("/api/v1/namespaces")
    );
    assertEquals(e.message, "cluster client is closed");
  });
});

Deno.test("client: withSignal stops a typed call the moment writers must stop", async () => {
  await withSim(async (c, clients) => {
    const api = clients.make().api(k8s.CoreV1Api);
    c.faults.latency(1000);
    const leading = new AbortController();
    const start = Date.now();
    const call = api.listNamespace({}, withSignal(leading.signal));
    setTimeout(() => leading.abort(new Error("leader election lost")), 100);
    const e = await assertRejects(() => call, /leader election lost/);
    assert(e instanceof Error);
    assert(Date.now() - start < 600, "aborted, not answered");
    c.faults.latency(0);
    await new Promise((r) => setTimeout(r, 1000)); // let the slow answer drain
  });
});
