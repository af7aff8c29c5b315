/**
 * Shard rounds stepped by hand on a fake clock against kube-sim's Lease
 * API: the Lease of a deleted NamespaceReplication is removed.
 */
import "../../../lib/preload.ts";
import { assert, assertEquals } from "../../assert.ts";
import { ShardCoordinator } from "../../../lib/sharding/coordinator.ts";
import { LABEL_SHARD, ShardLeaseApi } from "../../../lib/sharding/leases.ts";
import type { ClusterClient } from "../../../lib/kube/client.ts";
import { FakeClock } from "../fake-clock.ts";
import { withSim } from "../sim-helpers.ts";

const NS = "dr-syncer-system";
const LEASES = `/apis/coordination.k8s.io/v1/namespaces/${NS}/leases`;
const T = {
  leaseDurationMs: 15_000,
  renewDeadlineMs: 10_000,
  retryPeriodMs: 2_000,
};

/** Replication name → holder of its Lease, as the API has them. */
async function replicationLeases(
  client: ClusterClient,
): Promise<Record<string, string>> {
  const r = await client.requestJson<{
    items: {
      metadata: {
        labels?: Record<string, string>;
        annotations?: Record<string, string>;
      };
      spec?: { holderIdentity?: string };
    }[];
  }>(`${LEASES}?labelSelector=${encodeURIComponent(LABEL_SHARD)}`);
  const out: Record<string, string> = {};
  for (const l of r.items) {
    if (l.metadata.labels?.[LABEL_SHARD] !== "replication") continue;
    out[l.metadata.annotations!["drsyncer.io/replication"]] =
      l.spec?.holderIdentity ?? "";
  }
  return out;
}

function replica(
  client: ClusterClient,
  identity: string,
  clock: FakeClock,
  names: string[],
): ShardCoordinator {
  const c = new ShardCoordinator({
    client,
    namespace: NS,
    identity,
    clock,
    ...T,
  });
  c.attach({ replications: () => [...names], changed: () => {} });
  return c;
}

Deno.test("sharding: the Lease of a deleted replication is deleted by its holder after the release gap, the others stay", async () => {
  await withSim(async (cluster, clients) => {
    cluster.engine.create(cluster.registry.find("", "v1", "namespaces")!, "", {
      metadata: { name: NS },
    });
    const client = clients.make();
    const clock = new FakeClock();
    const names = ["x", "y"];
    const a = replica(client, "a", clock, names);
    const signal = new AbortController().signal;
    await a.round(signal);
    await a.round(signal);
    assertEquals(await replicationLeases(client), { x: "a", y: "a" });

    names.splice(names.indexOf("x"), 1);
    await a.round(signal);
    // Not before the gap: a pass for x may still have writes in flight.
    assertEquals(Object.keys(await replicationLeases(client)).sort(), [
      "x",
      "y",
    ]);
    await clock.advance(T.leaseDurationMs - T.renewDeadlineMs);
    await a.round(signal);
    assertEquals(await replicationLeases(client), { y: "a" });
    assertEquals(a.owns("y"), true);
  });
});

Deno.test("sharding: a freed Lease of a deleted replication is deleted by the first live member", async () => {
  await withSim(async (cluster, clients) => {
    cluster.engine.create(cluster.registry.find("", "v1", "namespaces")!, "", {
      metadata: { name: NS },
    });
    const client = clients.make();
    const clock = new FakeClock();
    const names = ["x", "y"];
    const a = replica(client, "a", clock, names);
    const b = replica(client, "b", clock, names);
    const signal = new AbortController().signal;
    await b.round(signal);
    await b.round(signal);
    // b leaves: its Leases are freed (holder ""), not deleted.
    await b.stop();
    assertEquals(await replicationLeases(client), { x: "", y: "" });
    names.length = 0;
    names.push("y");
    await a.round(signal);
    assertEquals(await replicationLeases(client), { y: "a" });
  });
});

Deno.test("sharding: a replication Lease changed since it was listed is not deleted", async () => {
  await withSim(async (cluster, clients) => {
    cluster.engine.create(cluster.registry.find("", "v1", "namespaces")!, "", {
      metadata: { name: NS },
    });
    const client = clients.make();
    const api = new ShardLeaseApi(client, NS, "a", 15);
    const signal = new AbortController().signal;
    await api.writeReplication("x", "a", undefined, 0, signal);
    const [listed] = await api.list(signal);
    // Taken again meanwhile (a replication re-created under that name).
    await api.writeReplication("x", "b", listed, 1, signal);
    let refused = false;
    await api.deleteReplication(listed, signal).catch(() => refused = true);
    assert(refused, "a delete with a stale resourceVersion must be refused");
    assertEquals(await replicationLeases(client), { x: "b" });
  });
});
