/**
 * The controller's write fence reads the promoted mark from the DR namespace
 * informer only while its watch is open. Between a cut watch and the
 * informer's re-watch (a backoff of a second or more) the cache is stale:
 * the invariant checker (tests/invariants, seeds 1401 and 1402 at 30 steps)
 * saw the controller write into a namespace promoted 1–1.7 s earlier. Then
 * the fence must read the namespace fresh.
 */
import type { Informer } from "../../../lib/informer/informer.ts";
import type { KubeObject } from "../../../lib/sync/types.ts";
import { replicationFence } from "../../../controllers/namespace-replication/fence.ts";
import { assertEquals } from "../../assert.ts";

const STANDBY: KubeObject = {
  apiVersion: "v1",
  kind: "Namespace",
  metadata: { name: "shop-dr" },
};
const PROMOTED: KubeObject = {
  ...STANDBY,
  metadata: {
    name: "shop-dr",
    annotations: { "drsyncer.io/promoted": "2026-12-04T20:00:00Z" },
  },
};

function informer(live: boolean): Informer {
  return {
    hasSynced: true,
    live,
    get: () => STANDBY, // what the cache last saw
  } as unknown as Informer;
}

const dr = { get: () => Promise.resolve(PROMOTED) };

Deno.test("fence: a synced informer whose watch is down is not trusted; the namespace is read fresh", async () => {
  const fence = replicationFence(
    dr,
    "r",
    new AbortController().signal,
    informer(false),
  );
  const verdict = await fence.check("shop-dr");
  assertEquals(verdict.open, false);
});

Deno.test("fence: a live informer answers without a read", async () => {
  let reads = 0;
  const counting = {
    get: () => (reads++, Promise.resolve(PROMOTED)),
  };
  const fence = replicationFence(
    counting,
    "r",
    new AbortController().signal,
    informer(true),
  );
  assertEquals((await fence.check("shop-dr")).open, true);
  assertEquals(reads, 0);
});
