import "../../lib/preload.ts";
import { assertEquals, assertMatch } from "../assert.ts";

const MAIN = new URL("./main.ts", import.meta.url).pathname;
const READY = "kube-sim ready";

/** Reads stdout until the ready line (or the stream ends). */
async function readUntilReady(
  stream: ReadableStream<Uint8Array>,
): Promise<string> {
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  let out = "";
  while (!out.includes(`${READY}\n`)) {
    const { value, done } = await reader.read();
    if (done) break;
    out += value;
  }
  await reader.cancel();
  return out;
}

Deno.test("deno task sim: prints ready, writes kubeconfigs that kubectl can use, stops on SIGTERM", async () => {
  const dir = await Deno.makeTempDir({ prefix: "kube-sim-main-" });
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, "--dir", dir, "--clusters", "source,dr"],
    stdout: "piped",
    stderr: "null",
  }).spawn();
  try {
    const out = await readUntilReady(child.stdout);
    assertEquals(out, `${READY}\n`, "stdout is exactly the ready line");
    for (const name of ["source", "dr"]) {
      const cfg = await Deno.readTextFile(`${dir}/${name}.kubeconfig`);
      assertMatch(cfg, /server: https:\/\/127\.0\.0\.1:\d+/);
      const r = await new Deno.Command("kubectl", {
        args: [
          "--kubeconfig",
          `${dir}/${name}.kubeconfig`,
          "--cache-dir",
          `${dir}/cache-${name}`,
          "get",
          "ns",
          "default",
          "-o",
          "name",
        ],
        stdout: "piped",
        stderr: "piped",
      }).output();
      assertEquals(
        new TextDecoder().decode(r.stdout).trim(),
        "namespace/default",
        new TextDecoder().decode(r.stderr),
      );
    }
  } finally {
    child.kill("SIGTERM");
    const status = await child.status;
    await Deno.remove(dir, { recursive: true });
    assertEquals(status.code, 0, "clean exit on SIGTERM");
  }
});
