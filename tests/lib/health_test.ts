import "../../lib/preload.ts";
import { assertEquals, assertThrows } from "../assert.ts";
import { parseAddr, type Readiness, serveHealth } from "../../lib/health.ts";

Deno.test("health: /healthz ok by default, /readyz follows readiness", async () => {
  let state: Readiness = { ready: false, reasons: ["caches not synced"] };
  const server = serveHealth("127.0.0.1:0", () => state);
  const get = async (path: string) => {
    const res = await fetch(`http://127.0.0.1:${server.port}${path}`);
    return [res.status, (await res.text()).trim()];
  };
  try {
    assertEquals(await get("/healthz"), [200, "ok"]);
    assertEquals(await get("/readyz"), [503, "not ready: caches not synced"]);
    state = { ready: true, reasons: [] };
    assertEquals(await get("/readyz"), [200, "ok"]);
    assertEquals((await get("/nope"))[0], 404);
  } finally {
    await server.shutdown();
  }
});

Deno.test("health: address parsing", () => {
  assertEquals(parseAddr(":8081"), { hostname: "0.0.0.0", port: 8081 });
  assertEquals(parseAddr("127.0.0.1:0"), { hostname: "127.0.0.1", port: 0 });
  assertEquals(parseAddr("[::1]:9"), { hostname: "::1", port: 9 });
  assertThrows(() => parseAddr("localhost:http"), /invalid address/);
});

Deno.test("health: accepts a parsed address object", async () => {
  const server = serveHealth(
    { hostname: "127.0.0.1", port: 0 },
    () => ({ ready: true, reasons: [] }),
  );
  try {
    const res = await fetch(`http://127.0.0.1:${server.port}/readyz`);
    assertEquals([res.status, await res.text()], [200, "ok\n"]);
  } finally {
    await server.shutdown();
  }
});
