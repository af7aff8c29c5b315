/**
 * `deno task demo` runs to completion in CI (exit 0, every step shown), and
 * the controller's whole log from that run is JSON lines that carry no token
 * of either cluster and no Secret value.
 */
import "../../lib/preload.ts";
import { assert, assertEquals, assertMatch } from "../assert.ts";
import { SECRET_VALUE } from "./sample.ts";

const MAIN = new URL("./main.ts", import.meta.url).pathname;

async function runDemo(dir: string) {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      MAIN,
      "--fast",
      "--plain",
      "--dir",
      dir,
      "--log-level",
      "debug",
    ],
    stdin: "null",
  }).output();
  const text = new TextDecoder();
  return { code, out: text.decode(stdout), err: text.decode(stderr) };
}

/** Bearer tokens in the admin kubeconfigs kube-sim wrote. */
async function adminTokens(dir: string): Promise<string[]> {
  const tokens = [];
  for (const name of ["source", "dr"]) {
    const kc = await Deno.readTextFile(`${dir}/${name}.kubeconfig`);
    tokens.push(...[...kc.matchAll(/token: (\S+)/g)].map((m) => m[1]));
  }
  return tokens;
}

Deno.test("demo: runs to completion and logs no credential or Secret value", async () => {
  const dir = await Deno.makeTempDir({ prefix: "demo-test-" });
  try {
    const started = Date.now();
    const r = await runDemo(dir);
    assertEquals(r.code, 0, `${r.out}\n${r.err}`);
    for (
      const line of [
        /kubectl --kubeconfig \S+source\.kubeconfig/,
        /== first sync: copies arrive parked/,
        /Deployment\/web {2}replicas 0 \(parked, was 3\)/,
        /Ingress\/web {2}shop-dr\.example\.com \(nginx-dr\)/,
        /PVC\/uploads {2}class dr-ssd/,
        /== change arrives on DR/,
        /greeting="hello from v2"\s+ConfigMap\/web-config {2}greeting="hello from v2"/,
        /RPO \(drsyncer_seconds_since_last_successful_sync\): \d+\.\ds/,
        /replication: phase Synced, last sync \S+, desired \d+, in sync \d+, created [1-9]\d*/,
        /promoted shop-dr: 1 workload changed/,
        /replication: phase Degraded \(Ready: DestinationPromoted/,
        /Deployment\/web {2}replicas 5\s+Deployment\/web {2}replicas 5\n/,
        /controller stopped \(exit 0\)/,
        /demo finished/,
      ]
    ) assertMatch(r.out, line);
    assert(!r.out.includes("\x1b["), "plain output has no escape codes");
    console.log(`demo took ${Date.now() - started} ms`);

    const log = await Deno.readTextFile(`${dir}/controller.log`);
    const lines = log.trimEnd().split("\n");
    const records = lines.map((l) => JSON.parse(l));
    for (const rec of records) {
      assertEquals(Object.keys(rec).slice(0, 4), [
        "timestamp",
        "level",
        "component",
        "message",
      ]);
    }
    assert(
      records.some((r) =>
        r.message === "sync finished" && r.replication === "shop-to-dr"
      ),
      "sync results are logged with their replication",
    );
    const never = [
      ...await adminTokens(dir),
      SECRET_VALUE,
      btoa(SECRET_VALUE),
    ];
    assertEquals(never.length, 4);
    for (const value of never) {
      assert(!log.includes(value), `log carries ${value.slice(0, 12)}…`);
      assert(!r.out.includes(value), "demo output carries a credential");
    }
    // The controller's own ServiceAccount tokens (kube-sim names them so).
    assertEquals(log.match(/system-serviceaccount-[\w-]+/g), null);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
