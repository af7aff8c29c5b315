/**
 * RemoteCluster safety end to end: plain http is refused even with
 * allowInsecureTLS (the bearer token would travel in clear text), and
 * credentials embedded in a server URL never reach status, Events or logs.
 */
import "../../lib/preload.ts";
import type { KubeObject } from "../../lib/sync/types.ts";
import { assert, assertEquals } from "../assert.ts";
import {
  conditionOf,
  type E2e,
  eventFor,
  eventsIn,
  NS,
  until,
  withController,
} from "./harness.ts";

async function secret(e: E2e, name: string, kubeconfig: string) {
  await e.src.create(e.type("secrets"), {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name, namespace: NS },
    stringData: { kubeconfig },
  } as KubeObject);
}

function withServer(kubeconfig: string, server: string): string {
  return kubeconfig.replace(/server: .*/, `server: ${server}`);
}

async function ready(e: E2e, name: string) {
  const o = await e.getOwn("RemoteCluster", name);
  return conditionOf((o?.status ?? {}) as Record<string, unknown>, "Ready");
}

Deno.test("controller: a plain http:// server is refused (PlainHTTPRefused) even with allowInsecureTLS, accepted only with allowPlainHTTP", async () => {
  await withController(async (e) => {
    const port = /server: https:\/\/[^:]+:(\d+)/.exec(e.dr.kubeconfig)![1];
    const plain = withServer(
      e.dr.kubeconfig.replace(
        /certificate-authority-data: .*/,
        "insecure-skip-tls-verify: true",
      ),
      `http://127.0.0.1:${port}`,
    );
    await secret(e, "plain-kubeconfig", plain);
    await e.apply("RemoteCluster", "plain", {
      kubeconfigSecretRef: { name: "plain-kubeconfig" },
      allowInsecureTLS: true,
    });
    e.start();
    await until(
      "PlainHTTPRefused",
      async () => (await ready(e, "plain"))?.reason === "PlainHTTPRefused",
    );
    assertEquals(
      (await eventFor(e, "plain", "PlainHTTPRefused")).type,
      "Warning",
    );
    await e.apply("RemoteCluster", "plain", {
      kubeconfigSecretRef: { name: "plain-kubeconfig" },
      allowInsecureTLS: true,
      allowPlainHTTP: true,
    });
    // Opted in: no longer refused by policy (the server speaks TLS, so it is
    // unreachable over plain http, which is fine here).
    await until(
      "not refused",
      async () => {
        const r = (await ready(e, "plain"))?.reason;
        return r !== undefined && r !== "PlainHTTPRefused";
      },
    );
  });
});

Deno.test("controller: credentials in a kubeconfig server URL never reach status, Events or logs", async () => {
  await withController(async (e) => {
    const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const closed = (l.addr as Deno.NetAddr).port;
    l.close();
    const leaky = withServer(
      e.dr.kubeconfig,
      `https://admin:hunter2-pass@127.0.0.1:${closed}`,
    );
    await secret(e, "leaky-kubeconfig", leaky);
    await e.apply("RemoteCluster", "leaky", {
      kubeconfigSecretRef: { name: "leaky-kubeconfig" },
    });
    e.start();
    await until("probed", async () => (await ready(e, "leaky")) !== undefined);
    const reason = (await ready(e, "leaky"))!.reason;
    await eventFor(e, "leaky", reason);
    const status = JSON.stringify(
      (await e.getOwn("RemoteCluster", "leaky"))?.status,
    );
    const events = JSON.stringify(await eventsIn(e));
    for (
      const [where, text] of [
        ["status", status],
        ["events", events],
        ["logs", e.logs.join("\n")],
      ]
    ) {
      assert(!text.includes("hunter2"), `${where} shows the password: ${text}`);
      assert(!text.includes("admin:"), `${where} shows the user: ${text}`);
    }
    assert(status.includes("127.0.0.1"), `status names the server: ${status}`);
  });
});
