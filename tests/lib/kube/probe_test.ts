import "../../../lib/preload.ts";
import { assertEquals, assertMatch } from "../../assert.ts";
import { ClusterClient } from "../../../lib/kube/client.ts";
import { probeCluster } from "../../../lib/kube/probe.ts";
import { withSim } from "../sim-helpers.ts";

const oneAttempt = {
  maxAttempts: 1,
  initialDelayMs: 1,
  maxDelayMs: 1,
  maxRetryAfterMs: 1,
};

Deno.test("probe: Connected with the server version, Unauthorized, Unreachable", async () => {
  await withSim(async (c, clients) => {
    const ok = await probeCluster(clients.make());
    assertEquals(ok.reason, "Connected");
    assertMatch(ok.serverVersion ?? "", /^v1\.\d+/);

    const text = c.kubeconfigFor("wrong-token");
    const bad = new ClusterClient((kc) => kc.loadFromString(text), {
      name: "bad",
      retry: oneAttempt,
    });
    try {
      const denied = await probeCluster(bad);
      assertEquals(denied.reason, "Unauthorized");
    } finally {
      await bad.close();
    }

    const flaky = clients.make({ retry: oneAttempt });
    await c.faults.down();
    const down = await probeCluster(flaky);
    assertEquals(down.reason, "Unreachable");
    assertMatch(down.message, /ECONNREFUSED/);
    await c.faults.up();
    assertEquals(
      (await probeCluster(flaky)).reason,
      "Connected",
      "back after the outage",
    );
  });
});
