import "../../../lib/preload.ts";
import { assertEquals } from "../../assert.ts";
import {
  type KubeconfigPolicy,
  validateKubeconfig,
} from "../../../lib/kube/kubeconfig.ts";

interface Parts {
  server?: string;
  cluster?: Record<string, unknown>;
  user?: Record<string, unknown>;
  current?: string;
}

/** Builds kubeconfig text with one "dr" context and an optional "other". */
function aKubeconfig(p: Parts = {}): string {
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    "current-context": p.current ?? "dr",
    clusters: [
      {
        name: "dr",
        cluster: {
          server: p.server ?? "https://dr.example:6443",
          "certificate-authority-data": "Q0E=",
          ...p.cluster,
        },
      },
      { name: "other", cluster: { server: "https://other.example" } },
    ],
    users: [{ name: "dr", user: { token: "t", ...p.user } }],
    contexts: [
      { name: "dr", context: { cluster: "dr", user: "dr", namespace: "x" } },
      { name: "other", context: { cluster: "other", user: "dr" } },
    ],
  });
}

const cases: Array<{
  name: string;
  text: string;
  policy?: KubeconfigPolicy;
  reason?: string;
  server?: string;
}> = [
  {
    name: "accepts token + CA",
    text: aKubeconfig(),
    server: "https://dr.example:6443",
  },
  {
    name: "accepts YAML text",
    text:
      "current-context: dr\ncontexts: [{name: dr, context: {cluster: c, user: u}}]\nclusters: [{name: c, cluster: {server: 'https://c'}}]\nusers: [{name: u, user: {token: t}}]\n",
    server: "https://c",
  },
  {
    name: "picks the named context",
    text: aKubeconfig(),
    policy: { context: "other" },
    server: "https://other.example",
  },
  {
    name: "unknown context",
    text: aKubeconfig(),
    policy: { context: "nope" },
    reason: "KubeconfigInvalid",
  },
  {
    name: "no current-context",
    text: aKubeconfig({ current: "" }),
    reason: "KubeconfigInvalid",
  },
  {
    name: "not YAML",
    text: "clusters: [unclosed",
    reason: "KubeconfigInvalid",
  },
  { name: "not a mapping", text: "- a\n- b\n", reason: "KubeconfigInvalid" },
  { name: "empty text", text: "", reason: "KubeconfigInvalid" },
  {
    name: "server missing",
    text: aKubeconfig({ server: "" }),
    reason: "KubeconfigInvalid",
  },
  {
    name: "plain http refused",
    text: aKubeconfig({ server: "http://dr:80" }),
    reason: "PlainHTTPRefused",
  },
  {
    name: "plain http refused even with allowInsecureTLS",
    text: aKubeconfig({
      server: "http://dr:80",
      cluster: { "insecure-skip-tls-verify": true },
    }),
    policy: { allowInsecureTLS: true },
    reason: "PlainHTTPRefused",
  },
  {
    name: "plain http allowed with allowPlainHTTP",
    text: aKubeconfig({ server: "http://dr:80" }),
    policy: { allowPlainHTTP: true },
    server: "http://dr:80",
  },
  {
    name: "other schemes are invalid",
    text: aKubeconfig({ server: "ftp://dr:21" }),
    policy: { allowPlainHTTP: true },
    reason: "KubeconfigInvalid",
  },
  {
    name: "insecure TLS refused",
    text: aKubeconfig({ cluster: { "insecure-skip-tls-verify": true } }),
    reason: "InsecureTLSRefused",
  },
  {
    name: "insecure TLS allowed",
    text: aKubeconfig({ cluster: { "insecure-skip-tls-verify": true } }),
    policy: { allowInsecureTLS: true },
    server: "https://dr.example:6443",
  },
  {
    name: "exec refused",
    text: aKubeconfig({ user: { exec: { command: "aws" } } }),
    reason: "ExecAuthRefused",
  },
  {
    name: "auth-provider refused",
    text: aKubeconfig({ user: { "auth-provider": { name: "gcp" } } }),
    reason: "ExecAuthRefused",
  },
  {
    name: "exec allowed",
    text: aKubeconfig({ user: { exec: { command: "aws" } } }),
    policy: { allowExecAuth: true },
    server: "https://dr.example:6443",
  },
  {
    name: "token-file refused",
    text: aKubeconfig({
      user: {
        "token-file": "/var/run/secrets/kubernetes.io/serviceaccount/token",
      },
    }),
    reason: "KubeconfigInvalid",
  },
  {
    name: "CA file refused",
    text: aKubeconfig({ cluster: { "certificate-authority": "/etc/ca.crt" } }),
    reason: "KubeconfigInvalid",
  },
];

for (const c of cases) {
  Deno.test(`kubeconfig: ${c.name}`, () => {
    const r = validateKubeconfig(c.text, c.policy);
    if (c.reason) {
      assertEquals(r.ok ? "ok" : r.reason, c.reason);
      if (!r.ok) assertEquals(r.message.includes("\n"), false, "one line");
    } else {
      assertEquals(r.ok ? r.config.server : r.message, c.server);
    }
  });
}

Deno.test("kubeconfig: context namespace is kept", () => {
  const r = validateKubeconfig(aKubeconfig());
  assertEquals(r.ok && r.config.namespace, "x");
});
