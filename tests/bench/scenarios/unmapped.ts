/**
 * Unmapped namespaces cost nothing: the controller's RSS with a replicated
 * set synced, once in a cluster without other data and once (fresh
 * clusters, fresh controller) with an unmapped namespace holding many large
 * Secrets (Helm release Secrets are the common case). Source watches are
 * per mapped namespace, so the two should match within noise.
 */
import type { KubeObject } from "../../../lib/sync/types.ts";
import { BenchEnv } from "../env.ts";
import {
  fillSource,
  PREPARE_CONCURRENCY,
  replicate,
  waitRemoteReady,
  waitSynced,
} from "../setup.ts";
import { type Figure, sleep } from "../stats.ts";
import { bySize, type ScenarioOptions } from "./mod.ts";

const PER_NS = 100;
const SECRET_BYTES = 31_458; // 800 of them: 24 MiB
const SETTLE_MS = 3_000;
const SYNC_TIMEOUT_MS = 300_000;
const MB = 1024 * 1024;
/** RSS difference still counted as "equal" (run-to-run noise). */
const NOISE_MB = 10;

function bigSecrets(namespace: string, count: number): KubeObject[] {
  const value = "x".repeat(SECRET_BYTES);
  return Array.from({ length: count }, (_, i) => ({
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: `sh.helm.release.v1.app-${i}.v1`, namespace },
    type: "helm.sh/release.v1",
    stringData: { release: value },
  } as KubeObject));
}

/** RSS (bytes) once `namespaces` mapped namespaces are synced. */
async function rssWith(
  namespaces: number,
  unmappedSecrets: number,
  o: ScenarioOptions,
): Promise<number> {
  const env = await BenchEnv.start();
  try {
    if (unmappedSecrets > 0) {
      await env.createNamespace(env.source, "helm-apps");
      await env.writeAll(
        env.source,
        bigSecrets("helm-apps", unmappedSecrets),
        PREPARE_CONCURRENCY,
      );
    }
    await fillSource(env, "un", "un", { from: 0, to: namespaces }, PER_NS);
    const c = env.startController();
    await c.ready();
    await waitRemoteReady(env, 10_000);
    await replicate(env, "un", "un");
    await waitSynced(env, "un", namespaces * PER_NS, SYNC_TIMEOUT_MS);
    await sleep(SETTLE_MS);
    const rss = (await c.memory()).rss;
    o.log(`unmapped: ${unmappedSecrets} Secrets → RSS ${rss / MB} MB`);
    return rss;
  } finally {
    await env.stop();
  }
}

/** See the module comment. */
export async function unmapped(o: ScenarioOptions): Promise<Figure[]> {
  const [namespaces, secrets] = bySize(o, {
    smoke: [2, 100],
    quick: [5, 400],
    full: [10, 800],
  });
  const without = await rssWith(namespaces, 0, o);
  const withSecrets = await rssWith(namespaces, secrets, o);
  const unmappedMb = (secrets * SECRET_BYTES) / MB;
  const diffMb = (withSecrets - without) / MB;
  const row = (
    name: string,
    value: number,
    target = "",
    met?: boolean,
  ): Figure => ({ scenario: "unmapped", name, value, unit: "MB", target, met });
  return [
    row(`RSS, ${namespaces * PER_NS} objects replicated`, without / MB),
    row(
      `RSS, same plus ${unmappedMb.toFixed(0)} MB of unmapped Secrets`,
      withSecrets / MB,
    ),
    row(
      "RSS difference (unmapped Secrets cost)",
      diffMb,
      `≤ ${NOISE_MB} MB (noise)`,
      Math.abs(diffMb) <= NOISE_MB,
    ),
  ];
}
