/**
 * Issue 15 item 8: under the compiled binary's permissions (no
 * --allow-all) Deno refuses /proc/self, and prom-client's process series
 * read 0. Through the real `run` command with those permissions: the RSS
 * is real, and the /proc-only series are absent rather than a false 0.
 * The listeners take a bind address (127.0.0.1:PORT here).
 */
import "../../lib/preload.ts";
import { assert, assertEquals } from "../assert.ts";
import { samples } from "../lib/metrics/exposition.ts";
import { fetchText, waitFor, withWorld } from "./fixture.ts";

const MB = 1024 * 1024;

Deno.test("run: process_resident_memory_bytes is the real RSS; no false zeros", async () => {
  await withWorld(async (w) => {
    const p = await w.spawn();
    const page = await waitFor("metrics", async () => {
      const r = await fetchText(p.metricsUrl);
      return r?.status === 200 ? r.text : undefined;
    });
    const rss = samples(page, "process_resident_memory_bytes")[0]?.value ?? 0;
    assert(rss > 10 * MB, `RSS ${rss}`);
    for (const name of ["process_open_fds", "process_max_fds"]) {
      const found = samples(page, name);
      // Absent (Deno refuses /proc/self) or real, never a made-up 0.
      assert(found.every((s) => s.value > 0), `${name} ${found[0]?.value}`);
    }
    assertEquals(new URL(p.metricsUrl).hostname, "127.0.0.1");
  });
});
