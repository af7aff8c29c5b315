import "../../../lib/preload.ts";
import * as k8s from "@kubernetes/client-node";
import { assert, assertEquals, assertRejects } from "../../assert.ts";
import { KubeConfig } from "../../../lib/kube/config.ts";
import type { TlsSettings } from "../../../lib/kube/native.ts";
import type https from "node:https";

const CERTS = new URL("../../sim/certs/", import.meta.url);
const pem = (name: string) => Deno.readTextFileSync(new URL(name, CERTS));

/** A kubeconfig with one context "c" and the given cluster and user. */
function kubeconfig(
  cluster: Record<string, unknown>,
  user: Record<string, unknown>,
): string {
  return JSON.stringify({
    "current-context": "c",
    clusters: [{
      name: "k",
      cluster: { server: "https://k.test", ...cluster },
    }],
    users: [{ name: "u", user }],
    contexts: [{ name: "c", context: { cluster: "k", user: "u" } }],
  });
}

interface Loadable {
  applySecurityAuthentication(ctx: k8s.RequestContext): Promise<void>;
}

async function headers(kc: Loadable): Promise<Record<string, string>> {
  const ctx = new k8s.RequestContext("https://k.test/api", k8s.HttpMethod.GET);
  await kc.applySecurityAuthentication(ctx);
  return ctx.getHeaders();
}

/** client-node's TLS settings, as pool.ts used to read them. */
async function clientNodeTls(kc: k8s.KubeConfig): Promise<TlsSettings> {
  const o: https.RequestOptions = {};
  await kc.applyToHTTPSOptions(o);
  const { ca, cert, key, pfx, passphrase, rejectUnauthorized, servername } = o;
  return { ca, cert, key, pfx, passphrase, rejectUnauthorized, servername };
}

/** Loads `text` into ours and client-node's; both from a file when `dir`. */
async function both(text: string, dir?: string) {
  const ours = new KubeConfig();
  const theirs = new k8s.KubeConfig();
  if (dir) {
    const file = `${dir}/config`;
    await Deno.writeTextFile(file, text);
    ours.loadFromFile(file);
    theirs.loadFromFile(file);
  } else {
    ours.loadFromString(text);
    theirs.loadFromString(text);
  }
  return { ours, theirs };
}

async function assertSame(text: string, dir?: string) {
  const { ours, theirs } = await both(text, dir);
  assert(!ours.usesClientNode(), "handled without client-node");
  assertEquals(ours.getCurrentCluster(), theirs.getCurrentCluster());
  assertEquals(await headers(ours), await headers(theirs));
  assertEquals(await ours.tlsOptions(), await clientNodeTls(theirs));
}

const cases: [string, string][] = [
  [
    "token and CA data",
    kubeconfig({ "certificate-authority-data": btoa(pem("ca.crt")) }, {
      token: "t0k",
    }),
  ],
  ["basic auth", kubeconfig({}, { username: "ann", password: "pw" })],
  [
    "basic auth and a token: the token wins",
    kubeconfig({}, { username: "ann", password: "pw", token: "t" }),
  ],
  ["impersonation", kubeconfig({}, { token: "t", as: "system:admin" })],
  [
    "client certificate and key as data",
    kubeconfig({ "certificate-authority-data": btoa(pem("ca.crt")) }, {
      "client-certificate-data": btoa(pem("server.crt")),
      "client-key-data": btoa(pem("server.key")),
    }),
  ],
  [
    "insecure-skip-tls-verify and tls-server-name",
    kubeconfig({ "insecure-skip-tls-verify": true, "tls-server-name": "n" }, {
      token: "t",
    }),
  ],
  [
    "plain http with insecure-skip-tls-verify",
    kubeconfig({ server: "http://k.test/", "insecure-skip-tls-verify": true }, {
      token: "t",
    }),
  ],
  ["no user entry", kubeconfig({}, {}).replace('"name":"u"', '"name":"x"')],
];

for (const [name, text] of cases) {
  Deno.test(`kubeconfig loading: same as client-node: ${name}`, async () => {
    await assertSame(text);
  });
}

Deno.test("kubeconfig loading: files relative to the kubeconfig, token-file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/ca.crt`, pem("ca.crt"));
    await Deno.writeTextFile(`${dir}/c.crt`, pem("server.crt"));
    await Deno.writeTextFile(`${dir}/c.key`, pem("server.key"));
    await Deno.writeTextFile(`${dir}/token`, "from-file\n");
    await assertSame(
      kubeconfig({ "certificate-authority": "ca.crt" }, {
        "client-certificate": "c.crt",
        "client-key": "c.key",
        "token-file": `${dir}/token`,
      }),
      dir,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("kubeconfig loading: in-cluster token file provider", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/token`, "sa-token\n");
    const options = {
      clusters: [{
        name: "in-cluster",
        server: "https://10.0.0.1:443",
        caFile: new URL("ca.crt", CERTS).pathname,
        skipTLSVerify: false,
      }],
      users: [{
        name: "in-cluster",
        authProvider: {
          name: "tokenFile",
          config: { tokenFile: `${dir}/token` },
        },
      }],
      contexts: [{ name: "i", cluster: "in-cluster", user: "in-cluster" }],
      currentContext: "i",
    };
    const ours = new KubeConfig();
    ours.loadFromOptions(structuredClone(options));
    const theirs = new k8s.KubeConfig();
    theirs.loadFromOptions(structuredClone(options));
    assert(!ours.usesClientNode());
    assertEquals(await headers(ours), await headers(theirs));
    assertEquals(await ours.tlsOptions(), await clientNodeTls(theirs));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("kubeconfig loading: plain http without insecure-skip-tls-verify fails as in client-node", async () => {
  const { ours, theirs } = await both(
    kubeconfig({ server: "http://k.test" }, { token: "t" }),
  );
  const expected = await assertRejects(() => headers(theirs));
  const got = await assertRejects(() => headers(ours));
  assertEquals((got as Error).message, (expected as Error).message);
});

Deno.test("kubeconfig loading: an exec plugin goes to client-node's KubeConfig", async () => {
  const credential = JSON.stringify({
    apiVersion: "client.authentication.k8s.io/v1",
    kind: "ExecCredential",
    status: { token: "from-exec" },
  });
  const { ours } = await both(kubeconfig({}, {
    exec: {
      apiVersion: "client.authentication.k8s.io/v1",
      command: "sh",
      args: ["-c", `echo '${credential}'`],
      interactiveMode: "Never",
    },
  }));
  assert(ours.usesClientNode());
  assertEquals((await headers(ours)).Authorization, "Bearer from-exec");
});

Deno.test("kubeconfig loading: a proxy goes to client-node's KubeConfig", async () => {
  const { ours } = await both(
    kubeconfig({ "proxy-url": "http://proxy.test:3128" }, { token: "t" }),
  );
  assert(ours.usesClientNode());
  const opts = await ours.dispatcherOptions(await ours.tlsOptions());
  assertEquals(opts.type, "proxy");
});

Deno.test("the controller's code never imports client-node's package index", async () => {
  // The index (and its KubeConfig) loads the whole generated API, ~60 MB of
  // RSS; only type imports and config.ts's lazy import may name it.
  const offenders: string[] = [];
  const root = new URL("../../../", import.meta.url);
  const walk = async (dir: URL) => {
    for await (const e of Deno.readDir(dir)) {
      const url = new URL(e.name + (e.isDirectory ? "/" : ""), dir);
      if (e.isDirectory) await walk(url);
      else if (e.name.endsWith(".ts")) {
        const text = await Deno.readTextFile(url);
        const re =
          /^import\s+(?!type\b)[^;]*?from\s+"@kubernetes\/client-node"/gm;
        if (re.test(text)) offenders.push(url.pathname);
      }
    }
  };
  for (const d of ["lib/", "controllers/"]) await walk(new URL(d, root));
  const main = await Deno.readTextFile(new URL("main.ts", root));
  if (/from\s+"@kubernetes\/client-node"/.test(main)) offenders.push("main.ts");
  assertEquals(offenders, []);
});
