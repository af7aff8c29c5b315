/**
 * Issue 15 item 7, through the real `run` command: one log line when
 * SIGTERM arrives, and one when leadership is lost (the process then exits
 * 1 so the Deployment restarts it as a standby).
 */
import "../../lib/preload.ts";
import { assertEquals, assertMatch } from "../assert.ts";
import {
  fetchText,
  logLines,
  SYSTEM_NS,
  waitFor,
  withWorld,
} from "./fixture.ts";

const LEASE =
  `/apis/coordination.k8s.io/v1/namespaces/${SYSTEM_NS}/leases/dr-syncer`;

Deno.test("run: SIGTERM is logged in one line and the process exits 0", async () => {
  await withWorld(async (w) => {
    const p = await w.spawn({ args: ["--leader-elect"] });
    await waitFor(
      "ready",
      async () => (await fetchText(`${p.healthUrl}/readyz`))?.status === 200,
    );
    assertEquals(await p.stop(), 0);
    const lines = (await logLines(p)).filter((l) => l.includes("SIGTERM"));
    assertEquals(lines.length, 1, lines.join("\n"));
    assertMatch(lines[0], /received SIGTERM/);
  });
});

Deno.test("run: lost leadership is logged in one line and the process exits 1", async () => {
  await withWorld(async (w) => {
    const p = await w.spawn({
      args: ["--leader-elect"],
      env: { POD_NAME: "me" },
    });
    const lease = await waitFor("leading", async () => {
      const l = await w.src.get(LEASE);
      return l?.spec?.holderIdentity === "me" ? l : undefined;
    });
    // Another holder takes the lease (say, after a long network partition).
    await w.src.request("PUT", LEASE, {
      ...lease,
      spec: {
        ...lease.spec,
        holderIdentity: "intruder",
        leaseDurationSeconds: 3600,
        renewTime: new Date().toISOString().replace("Z", "000Z"),
      },
    });
    const lost = await waitFor("leadership lost", async () => {
      const found = (await logLines(p)).filter((l) =>
        /leader(ship)? .*lost/i.test(l)
      );
      return found.length > 0 ? found : undefined;
    });
    assertEquals(await p.stop(), 1);
    const after = (await logLines(p)).filter((l) =>
      /leader(ship)? .*lost/i.test(l)
    );
    assertEquals(after.length, 1, after.join("\n"));
    assertEquals(lost.length, 1);
  });
});
