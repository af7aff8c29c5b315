/**
 * A TCP proxy in front of one simulated API server, so one controller
 * replica can be cut off (a network partition) while the others and the
 * test keep talking to the server. TLS passes through untouched.
 */

export interface TcpProxy {
  port: number;
  /** Breaks open connections and refuses new ones until `heal`. */
  cut(): void;
  heal(): void;
  close(): Promise<void>;
}

export function startProxy(targetPort: number): TcpProxy {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const open = new Set<Deno.Conn>();
  const pipes = new Set<Promise<unknown>>();
  let cut = false;
  const drop = (c: Deno.Conn) => {
    open.delete(c);
    try {
      c.close();
    } catch { /* closed */ }
  };
  const serve = async (client: Deno.Conn) => {
    let server: Deno.Conn | undefined;
    try {
      server = await Deno.connect({ hostname: "127.0.0.1", port: targetPort });
      open.add(server);
      await Promise.all([
        client.readable.pipeTo(server.writable),
        server.readable.pipeTo(client.writable),
      ]);
    } catch {
      /* either side broke */
    } finally {
      drop(client);
      if (server) drop(server);
    }
  };
  const accepting = (async () => {
    for await (const conn of listener) {
      if (cut) {
        conn.close();
        continue;
      }
      open.add(conn);
      const p = serve(conn);
      pipes.add(p);
      void p.finally(() => pipes.delete(p));
    }
  })().catch(() => {});
  return {
    port: (listener.addr as Deno.NetAddr).port,
    cut() {
      cut = true;
      for (const c of [...open]) drop(c);
    },
    heal() {
      cut = false;
    },
    async close() {
      listener.close();
      await accepting;
      for (const c of [...open]) drop(c);
      await Promise.all([...pipes]);
    },
  };
}
