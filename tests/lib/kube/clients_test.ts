import "../../../lib/preload.ts";
import { CoreV1Api } from "@kubernetes/client-node";
import { assert, assertEquals } from "../../assert.ts";
import {
  RemoteClients,
  sourceClient,
  sourceLoader,
} from "../../../lib/kube/clients.ts";
import { withSim } from "../sim-helpers.ts";

Deno.test("source: --kubeconfig wins, then $KUBECONFIG, then ~/.kube/config", async () => {
  const home = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${home}/.kube`);
    await Deno.writeTextFile(`${home}/.kube/config`, "x");
    const pick = (cfg: Parameters<typeof sourceLoader>[0]) => {
      const l = sourceLoader(cfg);
      return typeof l === "string" ? "none" : l.describe;
    };
    assertEquals(
      pick({
        kubeconfigPath: "/flag",
        env: { KUBECONFIG: "/env", HOME: home },
      }),
      "/flag",
    );
    assertEquals(
      pick({ env: { KUBECONFIG: "/env:/other", HOME: home } }),
      "/env",
    );
    assertEquals(pick({ env: { HOME: home } }), `${home}/.kube/config`);
    assertEquals(pick({ env: { HOME: "/nonexistent" } }), "none");
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("source: a bad kubeconfig is one clear line", () => {
  const missing = sourceClient({
    kubeconfigPath: "/nonexistent/kubeconfig",
    env: {},
  });
  assert(!missing.ok);
  assert(
    missing.message.startsWith(
      "cannot load kubeconfig /nonexistent/kubeconfig",
    ),
  );
  assert(!missing.message.includes("\n"));
  const none = sourceClient({ env: { HOME: "/nonexistent" } });
  assert(!none.ok && /pass --kubeconfig/.test(none.message));
});

Deno.test("source: in-cluster service account", async () => {
  await withSim(async (c) => {
    const root = await Deno.makeTempDir();
    const dir = `${root}/var/run/secrets/kubernetes.io/serviceaccount`;
    try {
      await Deno.mkdir(dir, { recursive: true });
      await Deno.writeTextFile(`${dir}/token`, c.adminToken + "\n");
      await Deno.writeTextFile(`${dir}/ca.crt`, c.caPem);
      await Deno.writeTextFile(`${dir}/namespace`, "dr-syncer-system");
      const port = new URL(c.url).port;
      const r = sourceClient({
        env: {
          KUBERNETES_SERVICE_HOST: "127.0.0.1",
          KUBERNETES_SERVICE_PORT: port,
          HOME: "/nonexistent",
        },
        inClusterRoot: root,
      });
      assert(r.ok, r.ok ? "" : r.message);
      try {
        const list = await r.client.api(CoreV1Api).listNamespace();
        assert(list.items.some((n) => n.metadata?.name === "default"));
      } finally {
        await r.client.close();
      }
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  });
});

Deno.test("remote clients: cached while the text is unchanged, rebuilt when it changes", async () => {
  await withSim(async (c) => {
    const remotes = new RemoteClients();
    try {
      const first = await remotes.get("dr", c.kubeconfig, {});
      const again = await remotes.get("dr", c.kubeconfig, {});
      assert(first.ok && again.ok && first.client === again.client, "cached");
      const rotated = await remotes.get(
        "dr",
        c.kubeconfigFor(c.createToken({ name: "rot", rules: [] })),
        {},
      );
      assert(
        rotated.ok && rotated.client !== first.client,
        "rebuilt on new credentials",
      );
      const insecure = c.kubeconfig.replace(
        /certificate-authority-data: .*/,
        "insecure-skip-tls-verify: true",
      );
      const refused = await remotes.get("dr", insecure, {});
      assertEquals(refused.ok ? "ok" : refused.reason, "InsecureTLSRefused");
      const allowed = await remotes.get("dr", insecure, {
        allowInsecureTLS: true,
      });
      assert(allowed.ok);
      const ns = await allowed.client.api(CoreV1Api).listNamespace();
      assert(ns.items.length > 0, "insecure mode works when allowed");
    } finally {
      await remotes.close();
    }
  });
});

Deno.test("remote clients: concurrent callers share one client; the replaced one is closed", async () => {
  await withSim(async (c) => {
    const remotes = new RemoteClients();
    try {
      const [x, y] = await Promise.all([
        remotes.get("dr", c.kubeconfig, {}),
        remotes.get("dr", c.kubeconfig, {}),
      ]);
      assert(x.ok && y.ok && x.client === y.client);
      await x.client.api(CoreV1Api).listNamespace();
      const next = await remotes.get("dr", c.kubeconfig, {}, {
        qps: 5,
        burst: 5,
      });
      assert(next.ok && next.client !== x.client, "new rate limit: new client");
      let closedError = "";
      await x.client.requestJson("/api").catch((e) => closedError = e.message);
      assertEquals(closedError, "cluster client is closed");
    } finally {
      await remotes.close();
    }
  });
});
