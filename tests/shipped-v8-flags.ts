/**
 * The `--v8-flags=...` argument of `deno task compile`, so processes that
 * stand in for the compiled binary (benchmarks, process-level tests) run with
 * the heap limits users get instead of a copy that drifts from them.
 */
import config from "../deno.json" with { type: "json" };

export function shippedV8Flags(): string {
  const flag = String(config.tasks.compile).split(/\s+/).find((t) =>
    t.startsWith("--v8-flags=")
  );
  if (!flag) throw new Error("deno.json: the compile task sets no V8 flags");
  return flag;
}
