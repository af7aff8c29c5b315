/**
 * The workflow commands through main.ts as a subprocess: dispatch, exit
 * codes (0 success, 1 failure, 2 usage) and one clear line on stderr.
 */
import "../../../lib/preload.ts";
import { assertEquals, assertMatch } from "../../assert.ts";
import {
  deployment,
  seed,
  type TwoClusters,
  withTwoClusters,
} from "./fixtures.ts";

const MAIN = new URL("../../../main.ts", import.meta.url).pathname;

async function dr(...args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, ...args],
    stdin: "null",
    env: { NO_COLOR: "1" },
  }).output();
  const text = new TextDecoder();
  return {
    code: out.code,
    stdout: text.decode(out.stdout),
    stderr: text.decode(out.stderr),
  };
}

/** Writes kubeconfig `text` next to the sim's own files; returns its path. */
async function variant(
  t: TwoClusters,
  name: string,
  text: string,
): Promise<string> {
  const path = t.dr.kubeconfigPath.replace(/[^/]+$/, `${name}.kubeconfig`);
  await Deno.writeTextFile(path, text);
  return path;
}

function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

Deno.test("main: sync and promote run end to end with exit 0", async () => {
  await withTwoClusters(async (t) => {
    await seed(t.src, t, "shop", [deployment("api", 2)]);
    const from = t.source.kubeconfigPath;
    const to = t.dr.kubeconfigPath;
    const s = await dr(
      "sync",
      "--from",
      from,
      "--to",
      to,
      "--namespace",
      "shop",
    );
    assertEquals([s.code, s.stderr], [0, ""]);
    assertMatch(
      s.stdout,
      /shop → shop \(owner cli\.shop\): 1 created, 0 updated/,
    );
    const p = await dr("promote", "--kubeconfig", to, "--namespace", "shop");
    assertEquals([p.code, p.stderr], [0, ""]);
    assertMatch(p.stdout, /Deployment\s+api\s+replicas 0\s+replicas 2\s+done/);
  });
});

const failures: {
  name: string;
  argv: (t: TwoClusters) => Promise<string[]>;
  code: number;
  line: RegExp;
}[] = [
  {
    name: "an unreachable cluster",
    argv: async (t) => {
      const url = `https://127.0.0.1:${closedPort()}`;
      const to = await variant(
        t,
        "closed",
        t.dr.kubeconfig.replace(t.dr.url, url),
      );
      return [
        "sync",
        "--from",
        t.source.kubeconfigPath,
        "--to",
        to,
        "--namespace",
        "shop",
      ];
    },
    code: 1,
    line:
      /^dr-syncer: sync: DR cluster is unreachable \(https:\/\/127\.0\.0\.1:\d+: Unreachable: ECONNREFUSED/,
  },
  {
    name: "refused credentials",
    argv: async (t) => {
      const to = await variant(
        t,
        "badtoken",
        t.dr.kubeconfigFor("not-a-token"),
      );
      return ["promote", "--kubeconfig", to, "--namespace", "shop"];
    },
    code: 1,
    line:
      /^dr-syncer: promote: DR cluster refused our credentials \(.*Unauthorized/,
  },
  {
    name: "a kubeconfig file that does not exist",
    argv: () =>
      Promise.resolve([
        "demote",
        "--kubeconfig",
        "/nonexistent/k",
        "--namespace",
        "shop",
      ]),
    code: 2,
    line:
      /^dr-syncer: demote: cannot load the DR kubeconfig \/nonexistent\/k: ENOENT/,
  },
  {
    name: "a missing namespace",
    argv: (t) =>
      Promise.resolve([
        "failback",
        "--from",
        t.source.kubeconfigPath,
        "--to",
        t.dr.kubeconfigPath,
        "--namespace",
        "gone",
      ]),
    code: 1,
    line: /^dr-syncer: failback: source namespace gone does not exist/,
  },
]; // deno-fmt-ignore

for (const c of failures) {
  Deno.test(`main: one line and exit ${c.code} for ${c.name}`, async () => {
    await withTwoClusters(async (t) => {
      const r = await dr(...await c.argv(t));
      assertEquals([r.code, r.stdout, r.stderr.trimEnd().split("\n").length], [
        c.code,
        "",
        1,
      ]);
      assertMatch(r.stderr, c.line);
    });
  });
}
