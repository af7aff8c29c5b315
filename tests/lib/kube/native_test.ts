import "../../../lib/preload.ts";
import { RequestContext } from "@kubernetes/client-node";
import { classifyError } from "../../../lib/kube/errors.ts";
import {
  nativeClient,
  nativeLibrary,
  type TlsSettings,
} from "../../../lib/kube/native.ts";
import { retryableFailure } from "../../../lib/kube/retry.ts";
import { assert, assertEquals } from "../../assert.ts";

const CA = await Deno.readTextFile(
  new URL("../../sim/certs/ca.crt", import.meta.url),
);

const cases: {
  name: string;
  tls: TlsSettings;
  proxied?: boolean;
  native: boolean;
}[] = [
  // Deno adds caCerts to its default roots; only undici's `ca` trusts the
  // kubeconfig CA alone (tls-trust_test.ts shows the difference).
  { name: "a kubeconfig CA stays on undici", tls: { ca: CA }, native: false },
  {
    name: "a kubeconfig CA as bytes stays on undici",
    tls: { ca: new TextEncoder().encode(CA) as never },
    native: false,
  },
  { name: "system roots", tls: {}, native: true },
  {
    name: "insecure-skip-tls-verify stays on undici",
    tls: { ca: CA, rejectUnauthorized: false },
    native: false,
  },
  {
    name: "tls-server-name stays on undici",
    tls: { ca: CA, servername: "api.internal" },
    native: false,
  },
  { name: "PFX stays on undici", tls: { pfx: "x" }, native: false },
  {
    name: "a proxy stays on undici",
    tls: { ca: CA },
    proxied: true,
    native: false,
  },
];

for (const c of cases) {
  Deno.test(`nativeClient: ${c.name}`, () => {
    const client = nativeClient(c.tls, c.proxied ?? false);
    assertEquals(client !== undefined, c.native);
    client?.close();
  });
}

Deno.test("native transport: a refused connection classifies as ECONNREFUSED and is retried", async () => {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  const client = nativeClient({}, false)!;
  try {
    const req = new RequestContext(`https://127.0.0.1:${port}/version`, "GET");
    const err = await nativeLibrary(client).send(req).then(
      () => undefined,
      (e) => e,
    );
    assert(err !== undefined, "the request must fail");
    const k = classifyError(err);
    assertEquals(k.reason, "Unreachable");
    assert(k.message.startsWith("ECONNREFUSED:"), k.message);
    assert(retryableFailure("POST", k), "not sent, so safe to retry");
  } finally {
    client.close();
  }
});
