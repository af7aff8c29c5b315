/**
 * /healthz and /readyz on --health-addr. Both verdicts come from the
 * manager: liveness fails only when the process itself is wedged (see
 * liveness.ts; it never depends on a cluster being reachable, or a DR outage
 * would restart the controller in a loop), readiness when caches are not
 * synced or the lease is unreachable.
 */

/** A readiness verdict with the reasons when not ready. */
export interface Readiness {
  ready: boolean;
  reasons: string[];
}

/** A liveness verdict: same shape, `ready` read as "alive". */
export type Liveness = Readiness;

const ALIVE: Liveness = { ready: true, reasons: [] };

/** A running health server. */
export interface HealthServer {
  port: number;
  shutdown(): Promise<void>;
}

/** A listen address as the command line parses it. */
export interface ListenAddress {
  hostname: string;
  port: number;
}

/** Parses ":8081", "0.0.0.0:8081", "127.0.0.1:0" into host and port. */
export function parseAddr(addr: string): ListenAddress {
  const i = addr.lastIndexOf(":");
  const host = i >= 0 ? addr.slice(0, i) : "";
  const port = Number(i >= 0 ? addr.slice(i + 1) : addr);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`invalid address "${addr}": expected [host]:port`);
  }
  return { hostname: host.replace(/^\[|\]$/g, "") || "0.0.0.0", port };
}

/** Serves the probes until `shutdown()`. */
export function serveHealth(
  addr: string | ListenAddress,
  readiness: () => Readiness,
  liveness: () => Liveness = () => ALIVE,
): HealthServer {
  const { hostname, port } = typeof addr === "string" ? parseAddr(addr) : addr;
  const server = Deno.serve(
    { hostname, port, onListen: () => {} },
    (req) => {
      const path = new URL(req.url).pathname;
      if (path === "/healthz") return verdict(liveness(), "not alive");
      if (path === "/readyz") return verdict(readiness(), "not ready");
      return new Response("not found\n", { status: 404 });
    },
  );
  return {
    port: (server.addr as Deno.NetAddr).port,
    shutdown: () => server.shutdown(),
  };
}

function verdict(r: Readiness, label: string): Response {
  return r.ready
    ? new Response("ok\n")
    : new Response(`${label}: ${r.reasons.join("; ")}\n`, { status: 503 });
}
