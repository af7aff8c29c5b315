/**
 * Scenario building blocks: labelled source namespaces full of the object
 * mix, a selector mapping plus a Continuous NamespaceReplication over them,
 * and a watch that times when a stamped change shows up.
 */
import {
  ANNOTATION_SYNC_NOW,
  LABEL_REPLICATION,
} from "../../lib/api/v1alpha1.ts";
import type { ClusterClient } from "../../lib/kube/client.ts";
import type { KubeObject } from "../../lib/sync/types.ts";
import { type BenchEnv, synced } from "./env.ts";
import { objectMix } from "./objects.ts";

/** Objects written by the benchmark client at once while preparing. */
export const PREPARE_CONCURRENCY = 32;
/** Label selecting the source namespaces of one scenario. */
export const BENCH_LABEL = "bench.drsyncer.io/set";
export const STAMP_KEY = "bench-stamp";

/** Creates `count` source namespaces `<prefix>-<i>` with `perNs` objects each. */
export async function fillSource(
  env: BenchEnv,
  set: string,
  prefix: string,
  range: { from: number; to: number },
  perNs: number,
): Promise<KubeObject[]> {
  const all: KubeObject[] = [];
  for (let i = range.from; i < range.to; i++) {
    const ns = `${prefix}-${i}`;
    await env.createNamespace(env.source, ns, { [BENCH_LABEL]: set });
    all.push(...objectMix(ns, perNs));
  }
  await env.writeAll(env.source, all, PREPARE_CONCURRENCY);
  return all;
}

/** Mapping + Continuous replication `name` over the namespaces labelled `set`. */
export async function replicate(
  env: BenchEnv,
  name: string,
  set: string,
): Promise<void> {
  await env.applyOwn("NamespaceMapping", name, {
    namespaceSelector: { matchLabels: { [BENCH_LABEL]: set } },
    destinationNameTemplate: "{name}-dr",
  });
  await env.applyOwn("NamespaceReplication", name, {
    remoteClusterRef: { name: "dr" },
    namespaceMappingRefs: [{ name }],
    mode: "Continuous",
  });
}

/** Waits until a pass has the replication in sync with at least `desired` objects. */
export async function waitSynced(
  env: BenchEnv,
  name: string,
  desired: number,
  timeoutMs: number,
): Promise<Record<string, unknown>> {
  return await env.waitStatus(name, (s, o) => {
    const c = s.counts as Record<string, number> | undefined;
    return synced(s, o) && (c?.desired ?? 0) >= desired;
  }, timeoutMs);
}

/**
 * Forces a full pass (drsyncer.io/sync-now) until one reports at least
 * `desired` objects, all in sync. Objects added while the replication runs
 * are synced one by one and never show in status counts; a forced pass
 * counts (and, if need be, writes) them all.
 */
export async function syncNow(
  env: BenchEnv,
  name: string,
  desired: number,
  timeoutMs: number,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0;; attempt++) {
    const token = `bench-${Date.now()}-${attempt}`;
    await env.patchOwn("NamespaceReplication", name, {
      metadata: { annotations: { [ANNOTATION_SYNC_NOW]: token } },
    });
    const status = await env.waitStatus(
      name,
      (s) => s.lastManualTrigger === token,
      Math.max(1, deadline - Date.now()),
    );
    const c = status.counts as Record<string, number> | undefined;
    if ((c?.desired ?? 0) >= desired && c?.failed === 0) return status;
  }
}

/** Waits until RemoteCluster "dr" reports Ready. */
export async function waitRemoteReady(
  env: BenchEnv,
  ms: number,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const rc = await env.getOwn("RemoteCluster", "dr");
    const conds = ((rc.status ?? {}) as { conditions?: KubeObject[] })
      .conditions as unknown as { type: string; status: string }[] | undefined;
    if (conds?.some((c) => c.type === "Ready" && c.status === "True")) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error("RemoteCluster dr never became Ready");
}

/** A watch on ConfigMaps reporting when each stamp arrives. */
export interface StampWatch {
  arrived: Map<string, number>;
  stop(): void;
}

/** Watches ConfigMaps under `path` and records when each stamp value is first seen. */
export async function watchStamps(
  client: ClusterClient,
  path: string,
  owned: boolean,
): Promise<StampWatch> {
  const arrived = new Map<string, number>();
  const w = client.watch(3_600_000);
  const query: Record<string, string> = owned
    ? { labelSelector: LABEL_REPLICATION }
    : {};
  const ctl = await w.watch(path, query, (_type, obj: KubeObject) => {
    const stamp = (obj.data as Record<string, string> | undefined)?.[
      STAMP_KEY
    ];
    if (stamp && !arrived.has(stamp)) arrived.set(stamp, performance.now());
  }, () => {});
  return { arrived, stop: () => ctl.abort() };
}
