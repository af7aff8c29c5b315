/**
 * HTTPS transport: a node:https server (HTTP/1.1 only) adapting Node
 * requests to the fetch-style handler. Deno.serve always offers h2, and
 * client-node 2.x's undici negotiates h2 by default; Deno's node:http2
 * client then crashes the process (nghttp2 assertion, SIGSEGV) when the
 * server sends GOAWAY on shutdown. HTTP/1.1 avoids that in tests.
 */
import https from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";

/** A fetch-style handler. */
export type FetchHandler = (req: Request) => Promise<Response>;

const BODYLESS = new Set(["GET", "HEAD"]);

async function readBody(req: IncomingMessage): Promise<Uint8Array | undefined> {
  if (BODYLESS.has(req.method ?? "GET")) return undefined;
  const chunks: Uint8Array[] = [];
  for await (const c of req) chunks.push(c as Uint8Array);
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.length;
  }
  return out;
}

function toRequest(
  req: IncomingMessage,
  body: Uint8Array | undefined,
): Request {
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(", ") : v);
  }
  return new Request(`https://sim${req.url}`, {
    method: req.method,
    headers,
    body: body as BodyInit | undefined,
  });
}

async function send(res: ServerResponse, r: Response): Promise<void> {
  const headers: Record<string, string> = {};
  r.headers.forEach((v, k) => {
    if (k !== "transfer-encoding") headers[k] = v;
  });
  if (!r.body) {
    res.writeHead(r.status, headers);
    res.end();
    return;
  }
  const streaming = r.headers.get("transfer-encoding") === "chunked";
  if (!streaming) {
    const buf = new Uint8Array(await r.arrayBuffer());
    headers["content-length"] = String(buf.length);
    res.writeHead(r.status, headers);
    res.end(buf);
    return;
  }
  res.writeHead(r.status, headers);
  res.flushHeaders();
  const reader = r.body.getReader();
  res.on("close", () => void reader.cancel().catch(() => {}));
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      res.write(value);
    }
    res.end();
  } catch {
    res.destroy();
  }
}

/** A running HTTPS listener that can be closed with all its connections. */
export class HttpsListener implements Listener {
  #server: https.Server;
  #sockets = new Set<Socket>();
  port = 0;

  constructor(cert: string, key: string, handler: FetchHandler) {
    // Watches are long-lived responses: no server-side request or idle timeout.
    this.#server = https.createServer(
      { cert, key, requestTimeout: 0 },
      (req, res) => {
        void (async () => {
          try {
            await send(res, await handler(toRequest(req, await readBody(req))));
          } catch {
            res.destroy();
          }
        })();
      },
    );
    this.#server.on("secureConnection", (s: Socket) => {
      this.#sockets.add(s);
      s.on("close", () => this.#sockets.delete(s));
    });
  }

  /** Listens on 127.0.0.1:`port` (0 = any free port). */
  listen(port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.#server.once("error", reject);
      this.#server.listen(port, "127.0.0.1", () => {
        this.port = (this.#server.address() as { port: number }).port;
        resolve(this.port);
      });
    });
  }

  /** Stops listening and drops every open connection. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#server.close(() => resolve());
      for (const s of this.#sockets) s.destroy();
      this.#sockets.clear();
    });
  }
}

/** Either transport: listen on a port, close with every connection. */
export interface Listener {
  listen(port: number): Promise<number>;
  close(): Promise<void>;
}

/**
 * Deno.serve transport (offers h2 and HTTP/1.1, like a real apiserver). Only
 * for clients that survive GOAWAY: client-node 2.x on Deno 2.9 does not
 * unless h2 is stripped from its ALPN (see README, "HTTP/1.1 only").
 */
export class DenoServeListener implements Listener {
  #server?: Deno.HttpServer;
  port = 0;

  constructor(
    readonly cert: string,
    readonly key: string,
    readonly handler: FetchHandler,
  ) {}

  /** Listens on 127.0.0.1:`port` (0 = any free port). */
  listen(port: number): Promise<number> {
    return new Promise((resolve) => {
      this.#server = Deno.serve({
        hostname: "127.0.0.1",
        port,
        cert: this.cert,
        key: this.key,
        onListen: (addr) => {
          this.port = addr.port;
          resolve(this.port);
        },
      }, this.handler);
    });
  }

  /** Stops serving; open watch streams must have been ended before. */
  async close(): Promise<void> {
    await this.#server?.shutdown();
  }
}
