/**
 * API efficiency, read from the simulators' request counters: a full pass
 * over unchanged namespaces (forced with drsyncer.io/sync-now) should write
 * nothing to DR and read from caches; a changed source object should cost
 * one DR write.
 */
import { ANNOTATION_SYNC_NOW } from "../../../lib/api/v1alpha1.ts";
import type { BenchEnv, Counts } from "../env.ts";
import { STAMP_KEY, watchStamps } from "../setup.ts";
import { type Figure, sleep } from "../stats.ts";
import type { ScenarioOptions } from "./mod.ts";

const WRITE_VERBS = ["create", "update", "patch", "delete", "deletecollection"];
/** The benchmark's own calls on the replication object (trigger and polling). */
const OWN_CALLS = /^(get|patch) drsyncer\.io\/namespacereplications$/;
const SETTLE_MS = 1_000;
const CHANGED_OBJECTS = 20;

function sum(c: Record<string, number>, writes: boolean | undefined): number {
  let n = 0;
  for (const [key, v] of Object.entries(c)) {
    if (OWN_CALLS.test(key)) continue;
    const isWrite = WRITE_VERBS.includes(key.split(" ")[0]);
    if (writes === undefined || writes === isWrite) n += v;
  }
  return n;
}

async function unchangedPass(env: BenchEnv, namespaces: number) {
  await env.resetCounters();
  const token = `bench-${Date.now()}`;
  await env.patchOwn("NamespaceReplication", "live", {
    metadata: { annotations: { [ANNOTATION_SYNC_NOW]: token } },
  });
  await env.waitStatus("live", (s) => s.lastManualTrigger === token, 30_000);
  await sleep(SETTLE_MS);
  const c = await env.counters();
  return { c, per: (x: number) => x / namespaces };
}

async function changedObjects(env: BenchEnv, nss: string[]): Promise<Counts> {
  const w = await watchStamps(env.dr, "/api/v1/configmaps", true);
  try {
    await sleep(SETTLE_MS);
    await env.resetCounters();
    for (let i = 0; i < CHANGED_OBJECTS; i++) {
      const ns = nss[i % nss.length];
      await env.source.requestJson(
        `/api/v1/namespaces/${ns}/configmaps/configmap-${10 + (i % 5)}`,
        {
          method: "PATCH",
          body: { data: { [STAMP_KEY]: `eff-${i}` } },
          contentType: "application/merge-patch+json",
        },
      );
    }
    const deadline = Date.now() + 10_000;
    while (w.arrived.size < CHANGED_OBJECTS && Date.now() < deadline) {
      await sleep(20);
    }
    await sleep(SETTLE_MS);
    return await env.counters();
  } finally {
    w.stop();
  }
}

/** See the module comment (runs on the propagation environment). */
export async function efficiency(
  env: BenchEnv,
  nss: string[],
  o: ScenarioOptions,
): Promise<Figure[]> {
  const u = await unchangedPass(env, nss.length);
  o.log(`unchanged pass counters: ${JSON.stringify(u.c)}`);
  const ch = await changedObjects(env, nss);
  o.log(`changed objects counters: ${JSON.stringify(ch)}`);
  const row = (name: string, value: number, target: string, met?: boolean) => ({
    scenario: "efficiency",
    name,
    value,
    unit: "requests",
    target,
    met,
  });
  // Source writes on a change are the benchmark's own patches.
  const srcOther = sum(ch.source, undefined) - CHANGED_OBJECTS;
  return [
    row(
      "DR writes / unchanged ns sync",
      u.per(sum(u.c.dr, true)),
      "0",
      sum(u.c.dr, true) === 0,
    ),
    row(
      "DR reads / unchanged ns sync",
      u.per(sum(u.c.dr, false)),
      "0 (caches)",
      sum(u.c.dr, false) === 0,
    ),
    row(
      "source reads / unchanged ns sync",
      u.per(sum(u.c.source, false)),
      "0 (caches)",
      sum(u.c.source, false) === 0,
    ),
    row("status writes / pass", sum(u.c.source, true), "≤ 1"),
    row(
      "DR writes / changed object",
      sum(ch.dr, true) / CHANGED_OBJECTS,
      "1",
      sum(ch.dr, true) === CHANGED_OBJECTS,
    ),
    row(
      "DR reads / changed object",
      sum(ch.dr, false) / CHANGED_OBJECTS,
      "0 (caches)",
    ),
    row(
      "other source requests / changed object",
      srcOther / CHANGED_OBJECTS,
      "0",
    ),
  ];
}
