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
    "Connected" | "Unauthorized" | "Unreachable"
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
    const k = classifyError(e);
    const denied = k.code === 401 || k.code === 403;
    return {
      reason: denied ? "Unauthorized" : "Unreachable",
      message: `${client.server}: ${k.reason}: ${k.message}`,
    };
  }
}
