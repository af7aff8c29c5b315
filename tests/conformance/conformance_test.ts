/**
 * Differential conformance: the same requests go to kube-sim and to a real kube-apiserver
 * (tests/kube), the answers are normalised (normalise.ts) and compared. A case whose answers
 * differ on purpose is listed in KNOWN_DIFFERENCES (mirrored in tests/sim/README.md, "Known
 * differences") and PINNED: the test asserts the difference, so fixing the simulator makes it
 * fail and the list gets updated. Runs whenever Go is present (tests/kube/harness.ts); a real
 * cluster that cannot start fails the test.
 */
import { assertEquals, assertNotEquals } from "../assert.ts";
import { GO_PRESENT } from "../kube/harness.ts";
import { startWorld, type World } from "../world/mod.ts";
import { CASES } from "./cases.ts";
import { Api } from "./client.ts";
import { normalise } from "./normalise.ts";
import { KNOWN_DIFFERENCES } from "./known.ts";

Deno.test({
  name:
    "conformance: kube-sim answers the same requests as a real kube-apiserver",
  ignore: !GO_PRESENT,
  async fn(t) {
    const started = await Promise.allSettled([
      startWorld({ clusters: ["conf"], world: "sim" }),
      startWorld({ clusters: ["conf"], world: "real" }),
    ]);
    const worlds = started.flatMap((s) =>
      s.status === "fulfilled" ? [s.value] : []
    );
    const stopAll = () => Promise.all(worlds.map((w: World) => w.stop()));
    const failed = started.find((s) => s.status === "rejected");
    if (failed) {
      await stopAll();
      throw (failed as PromiseRejectedResult).reason;
    }
    const [sim, real] = worlds;
    const apis = [new Api(sim.clusters.conf), new Api(real.clusters.conf)];
    try {
      let n = 0;
      for (const c of CASES) {
        const ns = `conf-${n++}`;
        await t.step(c.name, async () => {
          const [s, r] = await Promise.all(apis.map(async (api) => {
            const made = await api.request("POST", "/api/v1/namespaces", {
              apiVersion: "v1",
              kind: "Namespace",
              metadata: { name: ns },
            });
            assertEquals(made.status, 201, JSON.stringify(made.body));
            return normalise(await c.run(api, ns));
          }));
          const known = KNOWN_DIFFERENCES[c.name];
          if (known) {
            assertNotEquals(
              s,
              r,
              `no longer differs (update known.ts and tests/sim/README.md): ${known.why}`,
            );
            known.pin(s, r);
          } else {
            assertEquals(s, r, `kube-sim (actual) vs real (expected)`);
          }
        });
      }
    } finally {
      for (const api of apis) api.close();
      await stopAll();
    }
  },
});
