import "../../lib/preload.ts";
import { parse } from "yaml";
import { assert, assertEquals } from "../assert.ts";
import {
  DATA_REPLICATION_DEFAULTS,
  NAMESPACE_MAPPING_DEFAULTS,
  NAMESPACE_REPLICATION_DEFAULTS,
  REMOTE_CLUSTER_DEFAULTS,
} from "../../lib/api/v1alpha1.ts";
import { crdFor, rootSchema, validatorFor } from "./schema.ts";

const SAMPLES_DIR = new URL("../../crds/samples/", import.meta.url);
const BAD_DIR = new URL("./bad/", import.meta.url);
const EXPECT = /^# expect: (.+)$/m;

interface Sample {
  file: string;
  text: string;
  obj: { kind: string; spec?: Record<string, unknown> };
}

function readSamples(dir: URL): Sample[] {
  return [...Deno.readDirSync(dir)]
    .filter((e) => e.name.endsWith(".yaml"))
    .map((e) => e.name)
    .sort()
    .map((file) => {
      const text = Deno.readTextFileSync(new URL(file, dir));
      return { file, text, obj: parse(text) };
    });
}

const good = readSamples(SAMPLES_DIR);
const bad = readSamples(BAD_DIR);

Deno.test("there are good samples for every kind and mode", () => {
  const kinds = new Set(good.map((s) => s.obj.kind));
  assertEquals([...kinds].sort(), [
    "NamespaceMapping",
    "NamespaceReplication",
    "RemoteCluster",
  ]);
  const modes = good.map((s) => s.obj.spec?.mode).filter(Boolean).sort();
  assertEquals(modes, ["Continuous", "Manual", "Scheduled"]);
  assert(good.some((s) => s.obj.spec?.namespaceSelector), "selector sample");
  assert(bad.length >= 20, "bad samples cover the rules");
});

for (const s of good) {
  Deno.test(`good sample ${s.file} is accepted`, () => {
    const { errors } = validatorFor(crdFor(s.obj.kind))(s.obj);
    assertEquals(errors, []);
  });
}

for (const s of bad) {
  Deno.test(`bad sample ${s.file} is refused for its one reason`, () => {
    const expected = s.text.match(EXPECT)?.[1];
    assert(expected, `${s.file} has an "# expect:" line`);
    const { errors } = validatorFor(crdFor(s.obj.kind))(s.obj);
    assertEquals(errors.length, 1, `errors: ${errors.join("; ")}`);
    assert(errors[0].includes(expected), `${errors[0]} ≠ ${expected}`);
  });
}

/**
 * Defaults a minimal spec and compares with the TS defaults. Keys listed in
 * `conditional` are defaulted by the controller, not the schema, because the
 * default applies only in one branch of a CEL rule; their description must
 * state it instead.
 */
const defaultCases: {
  kind: string;
  minimal: Record<string, unknown>;
  defaults: object;
  conditional: string[];
}[] = [
  {
    kind: "RemoteCluster",
    minimal: { kubeconfigSecretRef: { name: "s" } },
    defaults: REMOTE_CLUSTER_DEFAULTS,
    conditional: [],
  },
  {
    kind: "NamespaceMapping",
    minimal: { sourceNamespace: "shop" },
    defaults: NAMESPACE_MAPPING_DEFAULTS,
    conditional: ["destinationNameTemplate"],
  },
  {
    kind: "NamespaceReplication",
    minimal: {
      remoteClusterRef: { name: "r" },
      namespaceMappingRefs: [{ name: "m" }],
    },
    defaults: NAMESPACE_REPLICATION_DEFAULTS,
    conditional: [],
  },
];

for (const c of defaultCases) {
  Deno.test(`${c.kind}: schema defaults equal the TS defaults`, () => {
    const crd = crdFor(c.kind);
    const { value } = validatorFor(crd)({ kind: c.kind, spec: c.minimal });
    const expected: Record<string, unknown> = structuredClone(c.minimal);
    for (const [k, v] of Object.entries(c.defaults)) {
      if (c.conditional.includes(k)) continue;
      expected[k] = merge(expected[k], v);
    }
    assertEquals(value.spec, expected);
    const props = rootSchema(crd).properties?.spec.properties ?? {};
    for (const k of c.conditional) {
      const v = (c.defaults as Record<string, unknown>)[k];
      assert(!("default" in props[k]), `${k} has no schema default`);
      assert(props[k].description?.includes(`Default "${v}"`), `${k} doc`);
    }
  });
}

function merge(base: unknown, defaults: unknown): unknown {
  if (base === undefined) return structuredClone(defaults);
  if (typeof defaults !== "object" || Array.isArray(defaults)) return base;
  const out = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(defaults as object)) {
    out[k] = merge(out[k], v);
  }
  return out;
}

Deno.test("NamespaceReplication: dataReplication defaults equal the TS defaults", () => {
  const { value } = validatorFor(crdFor("NamespaceReplication"))({
    kind: "NamespaceReplication",
    spec: {
      remoteClusterRef: { name: "r" },
      namespaceMappingRefs: [{ name: "m" }],
      dataReplication: {},
    },
  });
  const spec = value.spec as Record<string, unknown>;
  assertEquals(spec.dataReplication, { ...DATA_REPLICATION_DEFAULTS });
});
