import "../../lib/preload.ts";
import { assert, assertEquals } from "../assert.ts";
import { LEASE_NAME, runController } from "../../lib/run-controller.ts";
import type { Manager } from "../../lib/manager.ts";
import { eventually, simWriter, withSim } from "./sim-helpers.ts";
import { quiesceUndici } from "../sim/harness.ts";

/** Captures console.error lines while `fn` runs. */
async function capturingStderr<T>(
  fn: () => Promise<T>,
): Promise<[T, string[]]> {
  const lines: string[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => lines.push(args.join(" "));
  try {
    return [await fn(), lines];
  } finally {
    console.error = original;
  }
}

const badKubeconfigs: Array<{ name: string; content?: string }> = [
  { name: "missing file" },
  { name: "not YAML", content: "clusters: [unclosed" },
  {
    name: "no current context",
    content: "apiVersion: v1\nkind: Config\nclusters: []\n",
  },
];

for (const c of badKubeconfigs) {
  Deno.test(`run: bad kubeconfig (${c.name}) exits 1 with one clear line`, async () => {
    const dir = await Deno.makeTempDir();
    const path = `${dir}/kubeconfig`;
    if (c.content !== undefined) await Deno.writeTextFile(path, c.content);
    try {
      const [code, lines] = await capturingStderr(() =>
        runController({
          kubeconfig: path,
          namespace: "x",
          leaderElect: true,
          env: {},
        }, () => [])
      );
      assertEquals(code, 1);
      assertEquals(lines.length, 1, lines.join("|"));
      assert(
        lines[0].startsWith(`dr-syncer: cannot load kubeconfig ${path}`),
        lines[0],
      );
      assert(
        !lines[0].includes("\n") && !lines[0].includes("    at "),
        "no stack",
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}

Deno.test("run: unreachable cluster at start exits 1 with one line", async () => {
  const dir = await Deno.makeTempDir();
  // A port that was just free: nothing listens there.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const path = `${dir}/kubeconfig`;
  await Deno.writeTextFile(
    path,
    `apiVersion: v1\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:${port}", insecure-skip-tls-verify: true}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: c, context: {cluster: c, user: u}}]\ncurrent-context: c\n`,
  );
  try {
    const [code, lines] = await capturingStderr(() =>
      runController({
        kubeconfig: path,
        namespace: "x",
        leaderElect: false,
        env: {},
      }, () => [])
    );
    assertEquals(code, 1);
    assertEquals(lines.length, 1);
    assert(/cannot reach .*Unreachable: ECONNREFUSED/.test(lines[0]), lines[0]);
  } finally {
    await Deno.remove(dir, { recursive: true });
    await quiesceUndici();
  }
});

Deno.test("run: leads, reconciles, and on stop releases the lease and exits 0", async () => {
  await withSim(async (c) => {
    simWriter(c, "dr-syncer-system").namespace();
    const seen: string[] = [];
    const managers: Manager[] = [];
    const stop = new AbortController();
    const done = runController({
      kubeconfig: c.kubeconfigPath,
      namespace: "dr-syncer-system",
      leaderElect: true,
      identity: "me",
      leaseDurationMs: 2000,
      renewDeadlineMs: 1500,
      retryPeriodMs: 250,
      signal: stop.signal,
      env: {},
      onManager: (m) => managers.push(m),
    }, () => [{
      reconciler: {
        name: "ns",
        reconcile: (key) => {
          seen.push(key);
          return Promise.resolve();
        },
      },
      watches: [{
        spec: { type: { group: "", version: "v1", resource: "namespaces" } },
        keys: (e) => [e.object.metadata.name],
      }],
    }]);
    await eventually(
      () => seen.includes("dr-syncer-system"),
      5000,
      "reconciled",
    );
    const lease = c.engine.mustGet(
      c.registry.find("coordination.k8s.io", "v1", "leases")!,
      "dr-syncer-system",
      LEASE_NAME,
    );
    assertEquals(
      (lease.obj as { spec?: { holderIdentity?: string } }).spec
        ?.holderIdentity,
      "me",
    );
    stop.abort();
    assertEquals(await done, 0);
    const released = c.engine.mustGet(
      c.registry.find("coordination.k8s.io", "v1", "leases")!,
      "dr-syncer-system",
      LEASE_NAME,
    );
    assertEquals(
      (released.obj as { spec?: { holderIdentity?: string } }).spec
        ?.holderIdentity,
      "",
    );
  });
});
