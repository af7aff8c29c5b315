// Shared by the real-world test files. Whether they run is decided by `go` on PATH: with Go, a
// build or start failure FAILS the test (a machine of this kind must run them); without Go, or
// with DRS_SKIP_KUBE=1, they are skipped with one printed line saying so.
import { kubeSkipReason } from "./build.ts";
import type { KubeCluster } from "./mod.ts";

const skipReason = await kubeSkipReason();
export const GO_PRESENT = skipReason === undefined;

if (skipReason) console.log(`real-world (kube) tests SKIPPED: ${skipReason}`);

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls until `probe` returns a value (not undefined); eventual consistency, not timing. */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 90_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`never happened: ${what}`);
    await sleep(250);
  }
}

/** Minimal JSON client over the admin identity (fetch; nothing to quiesce afterwards). */
export class AdminClient {
  readonly #http: Deno.HttpClient;
  constructor(readonly cluster: KubeCluster) {
    this.#http = Deno.createHttpClient({ caCerts: [cluster.caPem] });
  }

  async request(
    method: string,
    path: string,
    body?: unknown,
    contentType = "application/json",
  ): Promise<{ status: number; json: Record<string, unknown> }> {
    const res = await fetch(`${this.cluster.url}${path}`, {
      method,
      client: this.#http,
      headers: {
        authorization: `Bearer ${this.cluster.adminToken}`,
        ...(body === undefined ? {} : { "content-type": contentType }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(text);
    } catch { /* non-JSON body */ }
    return { status: res.status, json };
  }

  close(): void {
    this.#http.close();
  }
}

/** Runs kubectl with a kubeconfig; returns stdout, throws with stderr on failure. */
export async function kubectl(
  kubeconfigPath: string,
  ...args: string[]
): Promise<string> {
  const out = await new Deno.Command("kubectl", {
    args: ["--kubeconfig", kubeconfigPath, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(out.stdout);
  if (!out.success) {
    throw new Error(
      `kubectl ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`,
    );
  }
  return stdout;
}

/** Pids of live processes whose command line mentions `needle` (leak checks). */
export function processesMentioning(needle: string): number[] {
  const pids: number[] = [];
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const cmdline = Deno.readTextFileSync(`/proc/${entry.name}/cmdline`);
      const state = Deno.readTextFileSync(`/proc/${entry.name}/stat`).split(
        ") ",
      )[1]?.[0];
      if (state !== "Z" && cmdline.includes(needle)) {
        pids.push(Number(entry.name));
      }
    } catch { /* exited meanwhile */ }
  }
  return pids;
}
