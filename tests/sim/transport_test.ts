import "../../lib/preload.ts";
import { assertEquals } from "../assert.ts";
import { startSim } from "./mod.ts";

Deno.test("http2 option: the sim serves h2 through Deno.serve (Deno's own fetch client)", async () => {
  const sim = await startSim({ clusters: ["h2"], http2: true });
  const c = sim.clusters.h2;
  const client = Deno.createHttpClient({
    caCerts: [c.caPem],
    http2: true,
    http1: false,
  });
  const headers = {
    authorization: `Bearer ${c.adminToken}`,
    "content-type": "application/json",
  };
  try {
    const created = await fetch(`${c.url}/api/v1/namespaces`, {
      method: "POST",
      headers,
      body: JSON.stringify({ metadata: { name: "h2" } }),
      client,
    });
    assertEquals(created.status, 201);
    await created.body?.cancel();
    const w = await fetch(
      `${c.url}/api/v1/namespaces?watch=true&fieldSelector=metadata.name%3Dh2`,
      { headers, client },
    );
    const reader = w.body!.pipeThrough(new TextDecoderStream()).getReader();
    const first = await reader.read();
    assertEquals(JSON.parse(first.value!).object.metadata.name, "h2");
    c.faults.cutWatches();
    assertEquals((await reader.read()).done, true);
  } finally {
    client.close();
    await sim.stop();
  }
});
