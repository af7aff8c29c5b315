/**
 * `dr-syncer crds` applied to an API server with kubectl: accepted whole (every CEL rule and
 * printer column), the bad samples (tests/crds/bad) refused, with the rule's own message for
 * the CEL ones, good samples accepted, and `kubectl get` printing our columns. Runs against
 * kube-sim and, whenever Go is present, against a real kube-apiserver (its real CEL; kube-sim
 * has none, so the refusals are checked there only).
 */
import "../../lib/preload.ts";
import { assert, assertEquals } from "../assert.ts";
import { crdYamlStream } from "../../crds/mod.ts";
import { GO_PRESENT } from "../kube/harness.ts";
import { kubectl } from "../sim/kubectl.ts";
import { startWorld, type World, type WorldName } from "../world/mod.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const NS = "dr-syncer-system";

/** Messages of the CEL rules (x-kubernetes-validations) of our CRDs. */
function celMessages(): Set<string> {
  return new Set(
    [...crdYamlStream().matchAll(/^\s*message: (.+)$/gm)].map((m) =>
      m[1].trim()
    ),
  );
}

function files(dir: string): [string, string][] {
  return [...Deno.readDirSync(`${ROOT}${dir}`)]
    .filter((e) => e.name.endsWith(".yaml"))
    .map((e) => e.name).sort()
    .map((n) => [n, Deno.readTextFileSync(`${ROOT}${dir}/${n}`)]);
}

async function check(world: World): Promise<void> {
  const c = world.clusters.source;
  const applied = await kubectl(c, ["apply", "-f", "-"], crdYamlStream());
  assertEquals(applied.code, 0, applied.stderr);
  for (
    const plural of [
      "remoteclusters",
      "namespacemappings",
      "namespacereplications",
    ]
  ) {
    const ready = await kubectl(c, [
      "wait",
      "--for=condition=Established",
      "--timeout=60s",
      `crd/${plural}.drsyncer.io`,
    ]);
    assertEquals(ready.code, 0, ready.stderr);
  }
  const ns = await kubectl(c, ["create", "namespace", NS]);
  assertEquals(ns.code, 0, ns.stderr);

  // kube-sim has no CEL, patterns or formats (tests/sim/README.md, known differences): the
  // bad samples are checked against the real API server only (and by tests/crds/ offline).
  const cel = celMessages();
  const refused: string[] = [];
  for (
    const [name, text] of world.name === "real" ? files("tests/crds/bad") : []
  ) {
    // A create through the main resource drops status (status subresource):
    // the samples whose mistake is in status are checked offline by tests/crds/.
    if (/^status:/m.test(text)) continue;
    const expect = text.match(/^# expect: (.+)$/m)?.[1].trim() ?? "";
    const r = await kubectl(c, ["create", "-f", "-"], text);
    assert(r.code !== 0, `${name} was accepted`);
    if (cel.has(expect)) {
      assert(r.stderr.includes(expect), `${name}: ${r.stderr}`);
      refused.push(name);
    }
  }
  if (world.name === "real") {
    assert(refused.length >= 5, `CEL-refused samples: ${refused.join(", ")}`);
  }

  for (const [name, text] of files("crds/samples")) {
    const r = await kubectl(c, ["create", "-n", NS, "-f", "-"], text);
    assertEquals(r.code, 0, `${name}: ${r.stderr}`);
  }
  const table = await kubectl(c, ["get", "namespacereplications", "-n", NS]);
  assertEquals(table.code, 0, table.stderr);
  assertEquals(
    table.stdout.split("\n")[0].split(/\s{2,}/),
    ["NAME", "REMOTE", "MODE", "PHASE", "LAST SYNC", "AGE"],
  );
  const rcs = await kubectl(c, ["get", "remoteclusters", "-n", NS]);
  assertEquals(
    rcs.stdout.split("\n")[0].split(/\s{2,}/),
    ["NAME", "READY", "SERVER", "VERSION", "AGE"],
  );
}

for (const world of ["sim", "real"] as WorldName[]) {
  Deno.test({
    name:
      `crds (${world} world): dr-syncer crds applied; CEL rules refuse bad objects with their messages; printer columns`,
    ignore: world === "real" && !GO_PRESENT,
    async fn() {
      const w = await startWorld({ world, clusters: ["source"] });
      try {
        await check(w);
      } finally {
        await w.stop();
      }
    },
  });
}
