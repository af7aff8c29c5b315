/**
 * prom-client's process metrics read /proc/self, which Deno refuses unless
 * the process holds --allow-all; the compiled binary does not, so they read
 * 0. Here the resident set size comes from Deno itself (always real), and
 * the /proc-only series (open and max fds, virtual memory) are kept only
 * when /proc/self is readable: no series is better than a false 0.
 */
import { Gauge, type Registry } from "prom-client";

const PROC_ONLY = [
  "process_open_fds",
  "process_max_fds",
  "process_virtual_memory_bytes",
  "process_heap_bytes",
];

function procReadable(): boolean {
  try {
    Deno.readDirSync("/proc/self/fd");
    return true;
  } catch {
    return false;
  }
}

/** Replaces the default process series in `registry` by truthful ones. */
export function truthfulProcessMetrics(registry: Registry): void {
  // Readable (--allow-all, tests): prom-client's series are real already.
  if (procReadable()) return;
  registry.removeSingleMetric("process_resident_memory_bytes");
  new Gauge({
    name: "process_resident_memory_bytes",
    help: "Resident memory size in bytes.",
    registers: [registry],
    collect() {
      this.set(Deno.memoryUsage().rss);
    },
  });
  for (const name of PROC_ONLY) registry.removeSingleMetric(name);
}
