/**
 * RemoteCluster: load the kubeconfig Secret, validate it, probe the DR API
 * server, record the connection in the remote registry (the only writer:
 * the replications watch it) and in status.
 * Re-probes every probeInterval; a Secret change (rotated credentials) or a
 * spec change is handled at once, without a restart.
 */
import {
  REMOTE_CLUSTER_DEFAULTS,
  type RemoteClusterSpec,
  type RemoteClusterStatus,
} from "../lib/api/v1alpha1.ts";
import { setCondition } from "../lib/conditions.ts";
import type { Controller, WatchSource } from "../lib/controller.ts";
import type { WorkResult } from "../lib/workqueue.ts";
import { probeCluster } from "../lib/kube/probe.ts";
import { parseDuration } from "../lib/sync/duration.ts";
import type { KubeObject } from "../lib/sync/types.ts";
import {
  type ControllerContext,
  ownKindSpec,
  sameStatus,
  SECRETS,
  subjectOf,
  writeStatus,
} from "./context.ts";
import type { RemoteRegistry, RemoteState } from "./remote-states.ts";

/** lastProbeTime is refreshed at least this often even when nothing changed. */
const PROBE_TIME_REFRESH_MS = 10 * 60_000;
const DEFAULT_PROBE_MS = 60_000;

function specOf(rc: KubeObject): RemoteClusterSpec {
  return (rc.spec ?? {}) as RemoteClusterSpec;
}

function decodeBase64(text: string): string | undefined {
  try {
    return new TextDecoder().decode(
      Uint8Array.from(atob(text), (c) => c.charCodeAt(0)),
    );
  } catch {
    return undefined;
  }
}

/** Reads the kubeconfig text; a reason + message when it cannot. */
function kubeconfigText(
  ctx: ControllerContext,
  rc: KubeObject,
): { text: string } | Omit<RemoteState, "ready"> {
  const ref = specOf(rc).kubeconfigSecretRef ?? { name: "" };
  const key = ref.key || REMOTE_CLUSTER_DEFAULTS.kubeconfigSecretRef.key;
  const secret = ctx.caches.secrets.get(ref.name, ctx.namespace);
  if (!secret) {
    return {
      reason: "SecretNotFound",
      message: `Secret ${ctx.namespace}/${ref.name} not found`,
    };
  }
  const data = (secret.data ?? {}) as Record<string, string>;
  const encoded = data[key];
  const text = encoded === undefined ? undefined : decodeBase64(encoded);
  if (text === undefined || text.trim() === "") {
    return {
      reason: "KeyNotFound",
      message: `Secret ${ref.name} has no key "${key}"`,
    };
  }
  return { text };
}

async function evaluate(
  ctx: ControllerContext,
  rc: KubeObject,
): Promise<RemoteState & { serverVersion?: string; server?: string }> {
  const loaded = kubeconfigText(ctx, rc);
  if (!("text" in loaded)) return { ready: false, ...loaded };
  const spec = specOf(rc);
  const built = await ctx.remotes.get(rc.metadata.name, loaded.text, {
    allowInsecureTLS: spec.allowInsecureTLS ?? false,
    allowExecAuth: spec.allowExecAuth ?? false,
    allowPlainHTTP: spec.allowPlainHTTP ?? false,
    context: spec.context || undefined,
  }, {
    qps: spec.rateLimit?.qps ?? REMOTE_CLUSTER_DEFAULTS.rateLimit.qps,
    burst: spec.rateLimit?.burst ?? REMOTE_CLUSTER_DEFAULTS.rateLimit.burst,
  });
  if (!built.ok) {
    return { ready: false, reason: built.reason, message: built.message };
  }
  const probe = await probeCluster(built.client);
  return {
    ready: probe.reason === "Connected",
    reason: probe.reason,
    message: probe.message,
    client: built.client,
    serverVersion: probe.serverVersion,
    server: built.client.server,
  };
}

function probeIntervalMs(rc: KubeObject): number {
  const parsed = parseDuration(
    specOf(rc).probeInterval ?? REMOTE_CLUSTER_DEFAULTS.probeInterval,
  );
  return parsed.ok && parsed.ms > 0 ? parsed.ms : DEFAULT_PROBE_MS;
}

function nextStatus(
  rc: KubeObject,
  state: RemoteState & { serverVersion?: string; server?: string },
  now: Date,
): RemoteClusterStatus {
  const previous = (rc.status ?? {}) as RemoteClusterStatus;
  const generation = rc.metadata.generation;
  const conditions = setCondition(
    previous.conditions,
    {
      type: "Ready",
      status: state.ready ? "True" : "False",
      reason: state.reason,
      message: state.message,
    },
    now,
    generation,
  );
  const status: RemoteClusterStatus = {
    observedGeneration: generation,
    conditions,
    server: state.server ?? previous.server,
    serverVersion: state.serverVersion ?? previous.serverVersion,
    lastProbeTime: previous.lastProbeTime,
  };
  const last = previous.lastProbeTime ? Date.parse(previous.lastProbeTime) : 0;
  const stale = now.getTime() - last >= PROBE_TIME_REFRESH_MS;
  if (stale || !sameStatus(status, previous)) {
    status.lastProbeTime = now.toISOString().replace(/\.\d{3}Z$/, "Z");
  }
  return status;
}

async function reconcile(
  ctx: ControllerContext,
  registry: RemoteRegistry,
  name: string,
  signal: AbortSignal,
): Promise<WorkResult | void> {
  const rc = ctx.caches.remoteClusters.get(name, ctx.namespace);
  if (!rc) {
    registry.delete(name);
    await ctx.remotes.remove(name);
    ctx.metrics.forgetRemoteCluster(name);
    return;
  }
  const state = await evaluate(ctx, rc);
  const before = registry.get(name);
  registry.set(name, state);
  ctx.metrics.setRemoteClusterReady(name, state.ready);
  if (before?.ready !== state.ready) {
    const props = {
      remoteCluster: name,
      reason: state.reason,
      message: state.message,
    };
    if (state.ready) ctx.log.info("remote cluster ready", props);
    else ctx.log.warn("remote cluster not ready", props);
  }
  if (before?.ready !== state.ready || before?.client !== state.client) {
    if (!state.ready) {
      ctx.events.record(subjectOf(rc), "Warning", state.reason, state.message);
    } else if (before) {
      ctx.events.record(subjectOf(rc), "Normal", "Connected", state.message);
    }
  }
  const status = nextStatus(rc, state, new Date(ctx.clock.now()));
  if (!sameStatus(status, rc.status ?? {})) {
    await writeStatus(ctx, "RemoteCluster", rc, status, signal);
  }
  return { requeueAfterMs: probeIntervalMs(rc) };
}

/** The RemoteCluster controller, the one writer of `registry`. */
export function remoteClusterController(
  ctx: ControllerContext,
  registry: RemoteRegistry,
): Controller {
  const byName: WatchSource = {
    spec: ownKindSpec("RemoteCluster", ctx.namespace),
    keys: (e) => [e.object.metadata.name],
  };
  // A Secret change wakes every RemoteCluster that reads it.
  const bySecret: WatchSource = {
    spec: { type: SECRETS, namespace: ctx.namespace },
    keys: (e) =>
      ctx.caches.remoteClusters.list()
        .filter((rc) =>
          specOf(rc).kubeconfigSecretRef?.name === e.object.metadata.name
        )
        .map((rc) => rc.metadata.name),
  };
  return {
    reconciler: {
      name: "remotecluster",
      reconcile: (key, signal) => reconcile(ctx, registry, key, signal),
    },
    watches: [byName, bySecret],
    concurrency: 2,
  };
}
