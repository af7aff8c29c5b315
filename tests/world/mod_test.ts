// startWorld gives the same cluster interface in the sim world (always) and the real world
// (when Go is present; see tests/kube/harness.ts).
import { assert, assertEquals, assertThrows } from "../assert.ts";
import { GO_PRESENT } from "../kube/harness.ts";
import { startWorld, type World, worldFromEnv } from "./mod.ts";

/** The user a token authenticates as, read from RBAC's refusal to list Secrets (both worlds). */
async function refusedUser(world: World, token: string): Promise<string> {
  const c = world.clusters.source;
  const http = Deno.createHttpClient({ caCerts: [c.caPem] });
  try {
    const res = await fetch(`${c.url}/api/v1/namespaces/default/secrets`, {
      client: http,
      headers: { authorization: `Bearer ${token}` },
    });
    const body = await res.json();
    assertEquals(res.status, 403, JSON.stringify(body));
    return body.message.match(/User "([^"]+)"/)[1];
  } finally {
    http.close();
  }
}

async function checkWorld(world: World): Promise<void> {
  try {
    assertEquals(Object.keys(world.clusters).sort(), ["dr", "source"]);
    const token = await world.clusters.source.createServiceAccountToken(
      "default",
      "default",
    );
    assertEquals(
      await refusedUser(world, token),
      "system:serviceaccount:default:default",
    );
    assert(world.clusters.source.kubeconfigFor(token).includes(token));
    assert(
      (await Deno.readTextFile(world.clusters.dr.kubeconfigPath)).includes(
        world.clusters.dr.url,
      ),
    );
  } finally {
    await world.stop();
  }
}

Deno.test("world: DRS_WORLD picks the world and rejects unknown names", () => {
  const before = Deno.env.get("DRS_WORLD");
  try {
    Deno.env.delete("DRS_WORLD");
    assertEquals(worldFromEnv(), "sim");
    Deno.env.set("DRS_WORLD", "real");
    assertEquals(worldFromEnv(), "real");
    Deno.env.set("DRS_WORLD", "kind");
    assertThrows(() => worldFromEnv(), /DRS_WORLD/);
  } finally {
    if (before === undefined) Deno.env.delete("DRS_WORLD");
    else Deno.env.set("DRS_WORLD", before);
  }
});

Deno.test("world: the sim world serves ServiceAccount tokens through the shared interface", async () => {
  const world = await startWorld({ world: "sim" });
  assert(world.sim !== undefined, "sim-only features exposed");
  await checkWorld(world);
});

Deno.test({
  name:
    "world: the real world serves ServiceAccount tokens through the shared interface",
  ignore: !GO_PRESENT,
  async fn() {
    const world = await startWorld({ world: "real" });
    assertEquals(world.sim, undefined);
    await checkWorld(world);
  },
});
