/**
 * A tiny JSON client for the demo and its test: plain fetch with the sim's
 * CA and a bearer token. The demo only needs a handful of calls, and keeping
 * client-node out of the demo process keeps its output and timers its own.
 */

/** Object as the API returns it. */
// deno-lint-ignore no-explicit-any
export type Obj = Record<string, any>;

/** What the client needs to reach one cluster. */
export interface Endpoint {
  url: string;
  token: string;
  caPem: string;
}

/** See the module comment. */
export class Api {
  readonly #e: Endpoint;
  readonly #http: Deno.HttpClient;

  constructor(e: Endpoint) {
    this.#e = e;
    this.#http = Deno.createHttpClient({ caCerts: [e.caPem] });
  }

  /** One request; rejects with the Status message on a non-2xx answer. */
  async request(
    method: string,
    path: string,
    body?: unknown,
    contentType = "application/json",
  ): Promise<Obj> {
    const res = await fetch(`${this.#e.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.#e.token}`,
        "content-type": contentType,
        accept: "application/json",
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      client: this.#http,
    });
    const text = await res.text();
    const json = text ? JSON.parse(text) : {};
    if (!res.ok) {
      throw new Error(`${method} ${path}: ${res.status} ${json.message ?? ""}`);
    }
    return json;
  }

  /** GET, or undefined on any failure (the view tolerates gaps). */
  get(path: string): Promise<Obj | undefined> {
    return this.request("GET", path).catch(() => undefined);
  }

  /** Items of a list, [] when it cannot be read. */
  async list(path: string): Promise<Obj[]> {
    return ((await this.get(path))?.items as Obj[] | undefined) ?? [];
  }

  /** Creates an object in a collection. */
  create(collection: string, body: unknown): Promise<Obj> {
    return this.request("POST", collection, body);
  }

  /** JSON merge patch. */
  patch(path: string, body: unknown): Promise<Obj> {
    return this.request("PATCH", path, body, "application/merge-patch+json");
  }

  /** Releases the connection pool. */
  close(): void {
    this.#http.close();
  }
}
