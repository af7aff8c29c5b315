/**
 * Reachability and credentials check of a cluster, for the RemoteCluster
 * Ready condition: /version gives the server version (often readable
 * without credentials), then /api proves the credentials are accepted.
 */
import type { RemoteClusterReason } from "../api/v1alpha1.ts";
import type { ClusterClient } from "./client.ts";
import { classifyError } from "./errors.ts";

/** Outcome of {@link probeCluster}. */
export interface ProbeResult {
  reason: Extract<
    RemoteClusterReason,
    "Connected" | "Unauthorized" | "Unreachable" | "ExecAuthRefused"
  >;
  message: string;
  serverVersion?: string;
}

/** Default bound on the whole probe. */
export const PROBE_TIMEOUT_MS = 10_000;

/** Probes `client`'s cluster; never throws. */
export async function probeCluster(
  client: ClusterClient,
  signal: AbortSignal = AbortSignal.timeout(PROBE_TIMEOUT_MS),
): Promise<ProbeResult> {
  try {
    const v = await client.requestJson<{ gitVersion?: string }>("/version", {
      signal,
    });
    await client.requestJson("/api", { signal });
    return {
      reason: "Connected",
      message: `connected to ${client.server}`,
      serverVersion: v?.gitVersion,
    };
  } catch (e) {
    const plugin = pluginNotRunnable(e);
    if (plugin !== undefined) {
      return {
        reason: "ExecAuthRefused",
        message:
          `the kubeconfig's user gets its credentials from a plugin (${plugin}), but dr-syncer may not start programs, so it cannot use it; ` +
          "put a kubeconfig with a token or client certificate in the Secret instead (for example a ServiceAccount token on the DR cluster)",
      };
    }
    const k = classifyError(e);
    const denied = k.code === 401 || k.code === 403;
    return {
      reason: denied ? "Unauthorized" : "Unreachable",
      message: `${client.server}: ${k.reason}: ${k.message}`,
    };
  }
}

const RUN_REFUSED = /Requires run access to "([^"]*)"/;

/**
 * The command of an exec credential plugin Deno refused to start (the
 * binary holds no run permission), or undefined for any other error.
 */
function pluginNotRunnable(e: unknown): string | undefined {
  for (let cause = e; cause instanceof Error; cause = cause.cause) {
    const m = RUN_REFUSED.exec(cause.message);
    if (m) return m[1];
  }
  return undefined;
}
