import "../../lib/preload.ts";
import { assert, assertEquals } from "../assert.ts";
import { findOne, loadManifests, ROOT } from "./manifests.ts";

/** The only permissions the binary holds; each unscoped on purpose:
 * net: API servers come from kubeconfig Secrets at run time;
 * read: --kubeconfig paths are chosen at run time;
 * env: client-node's `debug` enumerates all env vars at load;
 * sys: node:tls asks for sys "ca", which cannot be scoped. */
const PERMISSIONS = [
  "--allow-env",
  "--allow-net",
  "--allow-read",
  "--allow-sys",
];
const OUTPUT = "dist/dr-syncer";
const MEBI = 1024 * 1024;
/** Non-heap memory of the idle process (RSS 128 MB minus heap 42 MB, §8.6). */
const NATIVE_HEADROOM_BYTES = 128 * MEBI;

function compileTokens(): string[] {
  const config = JSON.parse(Deno.readTextFileSync(`${ROOT}deno.json`));
  return String(config.tasks.compile).trim().split(/\s+/);
}

function flagValue(tokens: string[], flag: string): string | undefined {
  const i = tokens.indexOf(flag);
  if (i >= 0) return tokens[i + 1];
  return tokens.find((t) => t.startsWith(`${flag}=`))?.slice(flag.length + 1);
}

Deno.test("compile builds main.ts into dist/dr-syncer", () => {
  const tokens = compileTokens();
  assertEquals(tokens.slice(0, 2), ["deno", "compile"]);
  assertEquals(
    tokens.at(-1),
    "main.ts",
    "arguments after main.ts get baked in",
  );
  assertEquals(flagValue(tokens, "--output"), OUTPUT);
  const containerfile = Deno.readTextFileSync(`${ROOT}Containerfile`);
  assert(
    containerfile.includes(`/src/${OUTPUT} /dr-syncer`),
    "image copies it",
  );
});

Deno.test("the binary gets exactly net, read, env and sys, unscoped", () => {
  const tokens = compileTokens();
  const permissions = tokens.filter((t) => /^--(allow|deny)-/.test(t)).sort();
  assertEquals(permissions, PERMISSIONS);
  for (const t of tokens) {
    assert(!/^-[A-Za-z]/.test(t), `short flag ${t} may hide a permission`);
  }
  for (const banned of ["--allow-all", "--allow-write", "--allow-run"]) {
    assert(!tokens.some((t) => t.startsWith(banned)), `${banned} granted`);
  }
});

Deno.test("the V8 heap caps fit the pod's memory limit", () => {
  const v8 = flagValue(compileTokens(), "--v8-flags") ?? "";
  const old = /--max-old-space-size=(\d+)/.exec(v8);
  assert(old, "no heap cap: V8 would size its heap from the node, not the pod");
  // The young generation (two semi-spaces and the new large-object space,
  // three semi-spaces in all) comes on top of the old space: at V8's default
  // it pushed 100,000 objects over two replicas to 474-513 MB at 512Mi.
  const semi = /--max-semi-space-size=(\d+)/.exec(v8);
  assert(semi, "no young-generation cap: the old-space cap is not the heap's");
  const heap = (Number(old[1]) + 3 * Number(semi[1])) * MEBI;
  const limit = findOne(loadManifests(), "Deployment", "dr-syncer").doc.spec
    .template.spec.containers[0].resources.limits.memory;
  assertEquals(limit, "512Mi");
  assert(heap + NATIVE_HEADROOM_BYTES <= 512 * MEBI, "heap caps above limit");
});

// deno compile 2.9.6 parses extensionless package files as JavaScript and
// overflows its stack on bintrees' test/perf/100k (100k lines of numbers read
// as one `a - b - ...` expression). The test data is excluded by a path that
// carries the locked version, since --exclude takes no globs.
Deno.test("each excluded node_modules path names a locked package", () => {
  const tokens = compileTokens();
  const excludes = tokens.filter((_, i) => tokens[i - 1] === "--exclude");
  assert(excludes.length > 0, "bintrees test data would crash deno compile");
  const lock = JSON.parse(Deno.readTextFileSync(`${ROOT}deno.lock`));
  for (const path of excludes) {
    const m = /^node_modules\/\.deno\/([^/]+)\//.exec(path);
    assert(m, `${path} is not a node_modules package path`);
    const pkg = m[1].replace(/\+/g, "/");
    assert(pkg in lock.npm, `${pkg} is not in deno.lock: stale --exclude`);
  }
});

/** .containerignore patterns as predicates on root-relative paths. */
function ignoredBy(patterns: string[]): (path: string) => boolean {
  const tests = patterns.map((p) => {
    const dir = p.replace(/\/$/, "");
    if (p.includes("*")) {
      const re = new RegExp(
        `^${dir.replace(/\./g, "\\.").replace(/\*/g, "[^/]*")}$`,
      );
      return (path: string) => re.test(path);
    }
    return (path: string) => path === dir || path.startsWith(`${dir}/`);
  });
  return (path) => tests.some((t) => t(path));
}

Deno.test("every local module of main.ts is in the image build context", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", "main.ts"],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert(out.success, new TextDecoder().decode(out.stderr));
  const graph = JSON.parse(new TextDecoder().decode(out.stdout));
  const local = (graph.modules as { specifier: string }[])
    .map((m) => m.specifier)
    .filter((s) => s.startsWith(`file://${ROOT}`))
    .map((s) => s.slice(`file://${ROOT}`.length));
  assert(local.includes("main.ts"), "graph without main.ts");
  const patterns = Deno.readTextFileSync(`${ROOT}.containerignore`).split("\n")
    .map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
  const ignored = ignoredBy(patterns);
  assertEquals(local.filter(ignored), [], "the image build would miss these");
  assert(ignored("tests/assert.ts") && ignored("README.md"), "matcher broken");
});
