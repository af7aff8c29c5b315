/** GET /metrics on --metrics-addr; everything else is 404. */
import { type ListenAddress, parseAddr } from "../health.ts";

/** What the server reads (Metrics); structural, so it needs no import. */
export interface ScrapeSource {
  scrape(): Promise<string>;
  readonly contentType: string;
}

/** A running metrics server. */
export interface MetricsServer {
  port: number;
  close(): Promise<void>;
}

/** Serves `metrics` on `addr` (":8080" listens on 0.0.0.0) until `close()`. */
export function serveMetrics(
  addr: string | ListenAddress,
  metrics: ScrapeSource,
): MetricsServer {
  const { hostname, port } = typeof addr === "string" ? parseAddr(addr) : addr;
  const server = Deno.serve(
    { hostname, port, onListen: () => {} },
    async (req) => {
      const path = new URL(req.url).pathname;
      if (
        path !== "/metrics" || (req.method !== "GET" && req.method !== "HEAD")
      ) {
        return new Response("not found\n", { status: 404 });
      }
      const body = await metrics.scrape();
      return new Response(req.method === "HEAD" ? null : body, {
        headers: { "content-type": metrics.contentType },
      });
    },
  );
  return {
    port: (server.addr as Deno.NetAddr).port,
    close: () => server.shutdown(),
  };
}
