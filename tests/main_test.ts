import "../lib/preload.ts";
import { parseAllDocuments } from "yaml";
import { assert, assertEquals, assertMatch } from "./assert.ts";
import { VERSION } from "../lib/version.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function dr(...args: string[]): Promise<Run> {
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

Deno.test("main: version prints ours and Deno's", async () => {
  const r = await dr("version");
  assertEquals(r, {
    code: 0,
    stdout: `dr-syncer ${VERSION}\ndeno ${Deno.version.deno}\n`,
    stderr: "",
  });
});

Deno.test("main: crds prints the three CRDs as one YAML stream", async () => {
  const r = await dr("crds");
  assertEquals([r.code, r.stderr], [0, ""]);
  const docs = parseAllDocuments(r.stdout);
  for (const d of docs) assertEquals(d.errors, []);
  const objs = docs.map((d) => d.toJS());
  assertEquals(
    objs.map((o) => [o.kind, o.spec.names.kind]),
    [
      ["CustomResourceDefinition", "RemoteCluster"],
      ["CustomResourceDefinition", "NamespaceMapping"],
      ["CustomResourceDefinition", "NamespaceReplication"],
    ],
  );
});

const usageCases = [
  { argv: [], line: "dr-syncer: missing command (see dr-syncer help)" },
  { argv: ["run", "--bogus"], line: "dr-syncer: run: unknown flag --bogus" },
  {
    argv: ["sync", "--from", "a"],
    line: "dr-syncer: sync: missing required flag --to",
  },
]; // deno-fmt-ignore

for (const c of usageCases) {
  Deno.test(`main: exit 2 with one line for ${c.argv.join(" ")}`, async () => {
    const r = await dr(...c.argv);
    assertEquals(r, { code: 2, stdout: "", stderr: `${c.line}\n` });
  });
}

Deno.test("main: help goes to stdout with exit 0", async () => {
  const r = await dr("run", "--help");
  assertEquals([r.code, r.stderr], [0, ""]);
  assertMatch(r.stdout, /^dr-syncer run: /);
  assert(r.stdout.includes("--leader-elect"), "lists run's flags");
});
