import "./lib/preload.ts";

if (import.meta.main) {
  console.error("dr-syncer: not yet implemented");
  Deno.exit(2);
}
