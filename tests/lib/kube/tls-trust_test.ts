/**
 * A kubeconfig that names a CA trusts only that CA, on every request path
 * (Deno's fetch and undici, requests and watches), as kubectl does. The
 * server here presents a certificate from a CA that the process's default
 * roots trust (added with DENO_CERT, standing in for any publicly trusted
 * CA) but the kubeconfig does not name: it must never see a request, let
 * alone the bearer token.
 */
import "../../../lib/preload.ts";
import { assert, assertEquals } from "../../assert.ts";

const HERE = new URL("./", import.meta.url);
const CERTS = new URL("./certs/", import.meta.url);
const ROGUE_CA = new URL("rogue-ca.crt", CERTS).pathname;
const KUBE_SIM_CA = new URL("../../sim/certs/ca.crt", import.meta.url).pathname;

async function withRogueServer(
  fn: (port: number, seen: string[]) => Promise<void>,
): Promise<void> {
  const seen: string[] = [];
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    cert: await Deno.readTextFile(new URL("rogue-server.crt", CERTS)),
    key: await Deno.readTextFile(new URL("rogue-server.key", CERTS)),
    onListen: () => {},
    onError: () => new Response("error", { status: 500 }),
  }, (req) => {
    seen.push(req.headers.get("authorization") ?? "(no credentials)");
    return Response.json({ gitVersion: "v1.31.0" });
  });
  try {
    await fn(server.addr.port, seen);
  } finally {
    await server.shutdown();
  }
}

async function probe(
  port: number,
  kubeconfigCa: string,
  env: Record<string, string>,
): Promise<string[]> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-all",
      new URL("tls-client.ts", HERE).pathname,
      String(port),
      kubeconfigCa,
    ],
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  assertEquals(out.code, 0, new TextDecoder().decode(out.stderr));
  return text.trim().split("\n");
}

for (const transport of ["default", "undici"]) {
  const env: Record<string, string> = { DENO_CERT: ROGUE_CA };
  if (transport === "undici") env.DRSYNCER_TRANSPORT = "undici";

  Deno.test(`kube TLS (${transport} transport): a server certified by a default-trusted CA that the kubeconfig does not name is refused`, async () => {
    await withRogueServer(async (port, seen) => {
      const lines = await probe(port, KUBE_SIM_CA, env);
      for (const line of lines) assert(line.includes("REFUSED"), line);
      assertEquals(seen, [], "the server received requests");
    });
  });
}

Deno.test("kube TLS: the same server is accepted when the kubeconfig names its CA (the probe works)", async () => {
  await withRogueServer(async (port, seen) => {
    const lines = await probe(port, ROGUE_CA, {});
    assert(lines[0].startsWith("request ACCEPTED"), lines.join("\n"));
    assert(seen.includes("Bearer the-bearer-token"), seen.join(","));
  });
});
