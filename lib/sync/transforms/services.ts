/**
 * Services (contract §4): addresses allocated by the source cluster are
 * dropped so the DR cluster allocates its own; what the user chose is kept.
 *
 * Kept on purpose:
 * - `ipFamilies`/`ipFamilyPolicy`: user intent (the API server defaults
 *   them otherwise). A DR cluster that lacks a required family rejects the
 *   copy, which then shows up as a failure instead of a silent change.
 * - `loadBalancerIP`, `externalIPs`, `loadBalancerSourceRanges`,
 *   `loadBalancerClass`: chosen by the user, not allocated. A source-region
 *   static IP may leave the DR load balancer pending, but rewriting user
 *   addresses behind their back would be worse, and the cluster-internal
 *   part of the Service works regardless.
 * - `externalName` of ExternalName Services.
 */
import type { KubeObject } from "../types.ts";
import { isRecord, recordAt, type TransformContext } from "./common.ts";

/** clusterIP of a headless Service: no virtual IP at all. */
export const HEADLESS_CLUSTER_IP = "None";

function isHeadless(spec: Record<string, unknown>): boolean {
  if (spec.clusterIP === HEADLESS_CLUSTER_IP) return true;
  const ips = spec.clusterIPs;
  return Array.isArray(ips) && ips[0] === HEADLESS_CLUSTER_IP;
}

/** Drops allocated IPs and ports of a Service copy. */
export function sanitizeService(copy: KubeObject, ctx: TransformContext): void {
  const spec = recordAt(copy, "spec");
  if (!spec) return;
  if (isHeadless(spec)) {
    // Headless is a choice, not an allocation; both fields say "None".
    spec.clusterIP = HEADLESS_CLUSTER_IP;
    if (spec.clusterIPs !== undefined) spec.clusterIPs = [HEADLESS_CLUSTER_IP];
  } else {
    delete spec.clusterIP;
    delete spec.clusterIPs;
  }
  // Allocated from the source node port range; the DR cluster allocates one
  // when it needs it (LoadBalancer + externalTrafficPolicy: Local).
  delete spec.healthCheckNodePort;
  if (!ctx.opts.preserveNodePorts && Array.isArray(spec.ports)) {
    for (const port of spec.ports) {
      if (isRecord(port)) delete port.nodePort;
    }
  }
}
