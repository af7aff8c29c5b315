/**
 * Initial sync: N namespaces × M objects replicated by the controller,
 * against the raw limit: the same DR copies written to the DR simulator by
 * a tight client loop with the controller's write concurrency.
 */
import {
  copyOptionsFor,
  resolveSpec,
} from "../../../lib/sync/replication-spec.ts";
import { toDrCopy } from "../../../lib/sync/transform.ts";
import type { KubeObject } from "../../../lib/sync/types.ts";
import { cpuMs, treeCpuMs } from "../controller.ts";
import { BenchEnv, NS } from "../env.ts";
import {
  fillSource,
  replicate,
  waitRemoteReady,
  waitSynced,
} from "../setup.ts";
import type { Figure } from "../stats.ts";
import { bySize, type ScenarioOptions } from "./mod.ts";

/** Namespace pairs synced at once × writes per namespace (controllers/namespace-replication/pass.ts). */
export const CONTROLLER_WRITE_CONCURRENCY = 2 * 8;
const SYNC_TIMEOUT_MS = 600_000;

function rawCopies(objects: readonly KubeObject[]): KubeObject[] {
  const { spec } = resolveSpec({ remoteClusterRef: { name: "dr" } });
  return objects.map((o) =>
    toDrCopy(o, {
      ...copyOptionsFor(spec, {
        destinationNamespace: `raw-${o.metadata.namespace}`,
        ownerValue: `${NS}.raw`,
      }),
    }).object
  );
}

async function rawLimit(env: BenchEnv, objects: KubeObject[], nss: string[]) {
  const copies = rawCopies(objects);
  const t0 = performance.now();
  await Promise.all(nss.map((ns) => env.createNamespace(env.dr, `raw-${ns}`)));
  await env.writeAll(env.dr, copies, CONTROLLER_WRITE_CONCURRENCY);
  const ms = performance.now() - t0;
  return ((copies.length + nss.length) / ms) * 1000;
}

/** See the module comment. */
export async function initialSync(o: ScenarioOptions): Promise<Figure[]> {
  const [namespaces, perNs] = bySize(o, {
    smoke: [4, 20],
    quick: [10, 50],
    full: [50, 100],
  });
  const env = await BenchEnv.start();
  try {
    const c = env.startController();
    await c.ready();
    await waitRemoteReady(env, 10_000);
    const objects = await fillSource(env, "initial", "app", {
      from: 0,
      to: namespaces,
    }, perNs);
    const nss = [...new Set(objects.map((x) => x.metadata.namespace!))];
    const simCpu0 = await treeCpuMs(env.sim.pid);
    const raw = await rawLimit(env, objects, nss);
    const [simCpu1, ctlCpu1] = [
      await treeCpuMs(env.sim.pid),
      await cpuMs(c.child.pid),
    ];
    const t0 = performance.now();
    await replicate(env, "initial", "initial");
    const status = await waitSynced(
      env,
      "initial",
      objects.length,
      SYNC_TIMEOUT_MS,
    );
    const ms = performance.now() - t0;
    const simCpu2 = await treeCpuMs(env.sim.pid);
    const ctlCpu2 = await cpuMs(c.child.pid);
    o.log(
      `initial sync CPU ms: sim ${simCpu1 - simCpu0} (raw loop), sim ${
        simCpu2 - simCpu1
      } + controller ${ctlCpu2 - ctlCpu1} (controller)`,
    );
    const counts = status.counts as Record<string, number>;
    const rate = ((counts.desired + nss.length) / ms) * 1000;
    o.log(
      `initial sync: ${counts.desired} objects in ${
        ms.toFixed(0)
      } ms, pass ${status.lastSyncDuration}`,
    );
    return [{
      scenario: "initial-sync",
      name: `objects/s (${namespaces} ns × ${perNs})`,
      value: rate,
      unit: "obj/s",
      limit: raw,
      ratio: rate / raw,
      target: "≥ 0.80 of raw limit (issue 18)",
      met: rate / raw >= 0.8,
    }, {
      scenario: "initial-sync",
      name: "time to first full sync",
      value: ms / 1000,
      unit: "s",
      target: "",
    }];
  } finally {
    await env.stop();
  }
}
