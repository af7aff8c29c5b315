/** A tiny fetch client over a world cluster's admin identity; the same bytes go to both worlds. */
import type { WorldCluster } from "../world/mod.ts";

export interface Answer {
  status: number;
  body: unknown;
}

export class Api {
  readonly #http: Deno.HttpClient;
  constructor(readonly cluster: WorldCluster) {
    this.#http = Deno.createHttpClient({ caCerts: [cluster.caPem] });
  }

  #fetch(
    method: string,
    path: string,
    body?: unknown,
    contentType?: string,
    accept = "application/json",
  ) {
    return fetch(`${this.cluster.url}${path}`, {
      method,
      client: this.#http,
      headers: {
        authorization: `Bearer ${this.cluster.adminToken}`,
        accept,
        ...(body === undefined
          ? {}
          : { "content-type": contentType ?? "application/json" }),
      },
      body: body === undefined
        ? undefined
        : typeof body === "string"
        ? body
        : JSON.stringify(body),
    });
  }

  async request(
    method: string,
    path: string,
    body?: unknown,
    contentType?: string,
    accept?: string,
  ): Promise<Answer> {
    const res = await this.#fetch(method, path, body, contentType, accept);
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch { /* not JSON: keep the text */ }
    return { status: res.status, body: parsed };
  }

  /** A watch: reads up to `count` events (or until the stream ends or `ms` pass), then cancels. */
  async watch(path: string, count: number, ms = 30_000): Promise<unknown[]> {
    const res = await this.#fetch("GET", path);
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    const events: unknown[] = [];
    let buffered = "";
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<"timeout">((r) => {
      timer = setTimeout(() => r("timeout"), ms);
    });
    try {
      while (events.length < count) {
        const next = await Promise.race([reader.read(), timeout]);
        if (next === "timeout" || next.done) break;
        buffered += next.value;
        let nl;
        while ((nl = buffered.indexOf("\n")) >= 0) {
          const line = buffered.slice(0, nl).trim();
          buffered = buffered.slice(nl + 1);
          if (line) events.push(JSON.parse(line));
        }
      }
    } finally {
      clearTimeout(timer);
      await reader.cancel().catch(() => {});
    }
    return events.slice(0, count);
  }

  close(): void {
    this.#http.close();
  }
}
