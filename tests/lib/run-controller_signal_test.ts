import "../../lib/preload.ts";
import { assert, assertEquals } from "../assert.ts";
import { LEASE_NAME } from "../../lib/run-controller.ts";
import { withSim } from "./sim-helpers.ts";

const FIXTURE = new URL("./fixtures/run-controller.ts", import.meta.url);

/** Reads lines from a child's stdout until `want` is seen. */
async function readUntil(
  reader: ReadableStreamDefaultReader<string>,
  want: string,
  seen: string[],
): Promise<void> {
  let buffer = "";
  while (!seen.includes(want)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`child ended before "${want}": ${seen}`);
    buffer += value;
    const lines = buffer.split("\n");
    buffer = lines.pop() ?? "";
    seen.push(...lines);
  }
}

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  Deno.test(`run: ${signal} finishes in-flight work, releases the lease, exits 0`, async () => {
    await withSim(async (c) => {
      const ns = c.registry.find("", "v1", "namespaces")!;
      c.engine.create(ns, "", { metadata: { name: "dr-syncer-system" } });
      const child = new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", FIXTURE.pathname, c.kubeconfigPath],
        stdout: "piped",
        stderr: "inherit",
      }).spawn();
      const reader = child.stdout.pipeThrough(new TextDecoderStream())
        .getReader();
      const seen: string[] = [];
      try {
        await readUntil(reader, "reconciled dr-syncer-system", seen);
        c.engine.create(ns, "", { metadata: { name: "slow" } });
        await readUntil(reader, "started slow", seen);
        child.kill(signal);
        await readUntil(reader, "reconciled slow", seen);
      } finally {
        await reader.cancel();
      }
      const status = await child.status;
      assertEquals(status.code, 0);
      const leases = c.registry.find("coordination.k8s.io", "v1", "leases")!;
      const lease = c.engine.mustGet(leases, "dr-syncer-system", LEASE_NAME)
        .obj as {
          spec?: { holderIdentity?: string };
        };
      assertEquals(lease.spec?.holderIdentity, "", "released for a standby");
      assert(seen.includes("reconciled slow"), "in-flight work finished");
    });
  });
}
