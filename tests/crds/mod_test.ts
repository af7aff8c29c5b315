import "../../lib/preload.ts";
import { parseAllDocuments } from "yaml";
import { assert, assertEquals } from "../assert.ts";
import { CRD_YAML, CRDS, crdYamlStream } from "../../crds/mod.ts";

const FILES = [
  "remoteclusters.yaml",
  "namespacemappings.yaml",
  "namespacereplications.yaml",
];

Deno.test("embedded manifests are the files in crds/", () => {
  const onDisk = FILES.map((f) =>
    Deno.readTextFileSync(new URL(`../../crds/${f}`, import.meta.url))
  );
  assertEquals([...CRD_YAML], onDisk);
});

Deno.test("the stream holds the three CRDs as separate documents", () => {
  const docs = parseAllDocuments(crdYamlStream());
  for (const d of docs) assertEquals(d.errors, []);
  const objs = docs.map((d) => d.toJS());
  assertEquals(objs, [...CRDS]);
  assertEquals(objs.map((o) => o.metadata.name), [
    "remoteclusters.drsyncer.io",
    "namespacemappings.drsyncer.io",
    "namespacereplications.drsyncer.io",
  ]);
  assert(crdYamlStream().startsWith("---\n"), "starts with a separator");
});
