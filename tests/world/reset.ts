/**
 * Returns a shared world's clusters to a clean state between tests, so one pair of real
 * control planes (seconds to start) serves a whole test file: every namespace the tests made
 * and every CustomResourceDefinition not kept is deleted, and the call returns once the API
 * server no longer lists them (the real namespace controller empties a namespace first).
 */
import type { WorldCluster } from "./mod.ts";

/** Namespaces the control plane makes and keeps. */
export const SYSTEM_NAMESPACES = new Set([
  "default",
  "kube-system",
  "kube-public",
  "kube-node-lease",
]);

const CRDS = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";

interface Named {
  metadata: { name: string };
}

interface Answer {
  items?: (Named & { metadata: { finalizers?: string[] } })[];
  message?: string;
  resources?: { name: string; namespaced: boolean; verbs: string[] }[];
  groups?: { preferredVersion: { groupVersion: string } }[];
}

async function admin(
  c: WorldCluster,
  http: Deno.HttpClient,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Answer }> {
  const res = await fetch(`${c.url}${path}`, {
    method,
    client: http,
    headers: {
      authorization: `Bearer ${c.adminToken}`,
      ...(body ? { "content-type": "application/merge-patch+json" } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  try {
    return { status: res.status, json: text ? JSON.parse(text) : {} };
  } catch {
    // A group whose CRD is being deleted: discovery still names it, its path is a plain 404.
    return { status: res.status, json: { message: text } };
  }
}

async function names(
  c: WorldCluster,
  http: Deno.HttpClient,
  path: string,
  keep: (name: string) => boolean,
): Promise<string[]> {
  const { status, json } = await admin(c, http, "GET", path);
  if (status !== 200) throw new Error(`GET ${path}: ${status} ${json.message}`);
  return (json.items ?? []).map((i) => i.metadata.name).filter((n) => !keep(n));
}

/** Collection paths (under a namespace) of every namespaced type that can be listed and patched. */
async function namespacedTypes(
  c: WorldCluster,
  http: Deno.HttpClient,
): Promise<string[]> {
  const { json: apis } = await admin(c, http, "GET", "/apis");
  const versions = [
    "/api/v1",
    ...(apis.groups ?? []).map((g) =>
      `/apis/${g.preferredVersion.groupVersion}`
    ),
  ];
  const out: string[] = [];
  for (const v of versions) {
    const { json } = await admin(c, http, "GET", v);
    for (const r of json.resources ?? []) {
      if (
        r.namespaced && !r.name.includes("/") && r.verbs.includes("list") &&
        r.verbs.includes("patch")
      ) out.push(`${v}/namespaces/NS/${r.name}`);
    }
  }
  return out;
}

/**
 * Removes the finalizers a test left on objects in terminating namespaces: nothing runs to
 * honour them, and the namespace would never go.
 */
async function releaseFinalizers(
  c: WorldCluster,
  http: Deno.HttpClient,
  namespaces: string[],
): Promise<void> {
  const types = await namespacedTypes(c, http);
  for (const ns of namespaces) {
    for (const t of types) {
      const path = t.replace("NS", ns);
      const { json } = await admin(c, http, "GET", path);
      for (const item of json.items ?? []) {
        if (!item.metadata.finalizers?.length) continue;
        await admin(c, http, "PATCH", `${path}/${item.metadata.name}`, {
          metadata: { finalizers: null },
        });
      }
    }
  }
}

/**
 * Deletes the tests' namespaces and CRDs (all but `keepCrds`) on one cluster and waits until
 * they are gone.
 */
export async function resetCluster(
  c: WorldCluster,
  keepCrds: ReadonlySet<string> = new Set(),
  // A CRD goes only after kube-apiserver has deleted its objects, and the
  // namespace controller is slow on a loaded two-core machine: 30 s ran out
  // once with a benchmark beside the test command.
  timeoutMs = 60_000,
): Promise<void> {
  const http = Deno.createHttpClient({ caCerts: [c.caPem] });
  try {
    const targets: [string, (n: string) => boolean][] = [
      ["/api/v1/namespaces", (n) => SYSTEM_NAMESPACES.has(n)],
      [CRDS, (n) => keepCrds.has(n)],
    ];
    for (const [path, keep] of targets) {
      for (const name of await names(c, http, path, keep)) {
        const { status, json } = await admin(
          c,
          http,
          "DELETE",
          `${path}/${name}`,
        );
        if (status >= 300 && status !== 404 && status !== 409) {
          throw new Error(`DELETE ${path}/${name}: ${status} ${json.message}`);
        }
      }
    }
    const deadline = Date.now() + timeoutMs;
    let released = false;
    for (;;) {
      const left = [
        ...await names(c, http, targets[0][0], targets[0][1]),
        ...await names(c, http, targets[1][0], targets[1][1]),
      ];
      if (left.length === 0) return;
      if (!released && Date.now() > deadline - timeoutMs + 2_000) {
        released = true;
        await releaseFinalizers(c, http, left);
      }
      if (Date.now() > deadline) {
        throw new Error(`${c.name}: still not deleted: ${left.join(", ")}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    http.close();
  }
}
