import "../../lib/preload.ts";
import { assert, assertEquals } from "../assert.ts";
import { CRDS } from "../../crds/mod.ts";
import { GROUP, VERSION } from "../../lib/api/v1alpha1.ts";
import { compileCel } from "./cel.ts";
import {
  newAjv,
  rootSchema,
  type SchemaNode,
  toAjvSchema,
  walkSchema,
} from "./schema.ts";

/**
 * Short names and plurals served by a Kubernetes 1.32 API server plus the
 * ones kubectl expands by itself; a CRD short name equal to one of these
 * would shadow or be shadowed by the built-in type.
 */
const BUILTIN_SHORT_NAMES = (
  "cm cj crd crds cs csr deploy ds ep ev hpa ing ip limits netpol no ns pc " +
  "pdb po psp pv pvc quota rc rs sa sc sts svc vac"
).split(" ");

/** Paths whose node may be an untyped-beyond-object passthrough. */
const OPEN_NODES = new Set(["/metadata"]);

for (const crd of CRDS) {
  const kind = crd.spec.names.kind;
  const schema = rootSchema(crd);

  Deno.test(`${kind}: identity, scope, subresource, categories`, () => {
    assertEquals(crd.apiVersion, "apiextensions.k8s.io/v1");
    assertEquals(crd.metadata.name, `${crd.spec.names.plural}.${GROUP}`);
    assertEquals(crd.spec.group, GROUP);
    assertEquals(crd.spec.scope, "Namespaced");
    assertEquals(crd.spec.versions.length, 1);
    const v = crd.spec.versions[0];
    assertEquals([v.name, v.served, v.storage], [VERSION, true, true]);
    assertEquals(v.subresources, { status: {} });
    assertEquals(crd.spec.names.categories, ["drsyncer"]);
    assertEquals(crd.spec.names.singular, kind.toLowerCase());
  });

  Deno.test(`${kind}: short names do not clash with built-ins`, () => {
    const names = crd.spec.names.shortNames ?? [];
    assert(names.length > 0, "has a short name");
    for (const n of names) {
      assert(!BUILTIN_SHORT_NAMES.includes(n), `${n} is a built-in short name`);
      const others = CRDS.filter((c) => c !== crd)
        .flatMap((
          c,
        ) => [...(c.spec.names.shortNames ?? []), c.spec.names.plural]);
      assert(!others.includes(n), `${n} clashes with another drsyncer CRD`);
    }
  });

  Deno.test(`${kind}: structural schema, every node typed and described`, () => {
    const problems: string[] = [];
    walkSchema(schema, (node, path) => {
      const typed = node.type !== undefined ||
        node["x-kubernetes-int-or-string"] === true ||
        node["x-kubernetes-preserve-unknown-fields"] === true;
      if (!typed) problems.push(`${path}: no type`);
      // Scalar list items and map values are documented by their parent.
      const isField = path !== "/" && !path.endsWith("/*") &&
        !(path.endsWith("/items") && node.type !== "object");
      if (isField && !OPEN_NODES.has(path) && !node.description) {
        problems.push(`${path}: no description`);
      }
      if (node.type === "object" && !node.properties && !OPEN_NODES.has(path)) {
        if (!node.additionalProperties) problems.push(`${path}: open object`);
      }
    });
    assertEquals(problems, []);
  });

  Deno.test(`${kind}: every default validates against its own node`, () => {
    const ajv = newAjv();
    const problems: string[] = [];
    let count = 0;
    walkSchema(schema, (node, path) => {
      if (!("default" in node)) return;
      count++;
      const { default: value, ...rest } = node;
      const check = ajv.compile(toAjvSchema(rest));
      if (!check(structuredClone(value))) {
        problems.push(`${path}: ${ajv.errorsText(check.errors)}`);
      }
    });
    assertEquals(problems, []);
    assert(count > 0, "schema has defaults");
  });

  Deno.test(`${kind}: list maps are keyed by required fields`, () => {
    const problems: string[] = [];
    walkSchema(schema, (node, path) => {
      if (node["x-kubernetes-list-type"] !== "map") return;
      const keys = node["x-kubernetes-list-map-keys"] ?? [];
      if (keys.length === 0) problems.push(`${path}: map without keys`);
      for (const k of keys) {
        if (!node.items?.required?.includes(k)) {
          problems.push(`${path}: key ${k} not required`);
        }
      }
    });
    assertEquals(problems, []);
  });

  Deno.test(`${kind}: every CEL rule is in the evaluated subset`, () => {
    walkSchema(schema, (node) => {
      for (const v of node["x-kubernetes-validations"] ?? []) {
        compileCel(v.rule);
        assert(v.message, `rule ${v.rule} has a message`);
      }
    });
  });

  Deno.test(`${kind}: printer columns point at schema fields`, () => {
    for (const col of crd.spec.versions[0].additionalPrinterColumns ?? []) {
      const node = nodeAt(schema, col.jsonPath);
      assert(node, `${col.name}: ${col.jsonPath} not in schema`);
      if (col.type === "date" && !col.jsonPath.startsWith(".metadata.")) {
        assertEquals(node.format, "date-time", `${col.name} is a date`);
      }
    }
  });
}

/** Resolves `.a.b[?(@.type=="X")].c` to a schema node; metadata is opaque. */
function nodeAt(schema: SchemaNode, jsonPath: string): SchemaNode | undefined {
  const parts = jsonPath.replace(/\[\?\(@\.(\w+)==.*?\)\]/g, ".[$1]")
    .split(".").filter(Boolean);
  let node: SchemaNode | undefined = schema;
  for (const part of parts) {
    if (node?.type === "object" && !node.properties) return node;
    const filter = part.match(/^\[(\w+)\]$/);
    if (filter) {
      node = node?.items;
      if (!node?.properties?.[filter[1]]) return undefined;
    } else node = node?.properties?.[part];
  }
  return node;
}

Deno.test("printer columns are the contract's", () => {
  const columns = Object.fromEntries(
    CRDS.map((c) => [
      c.spec.names.kind,
      (c.spec.versions[0].additionalPrinterColumns ?? [])
        .map((col) => col.name.toUpperCase()),
    ]),
  );
  assertEquals(columns, {
    RemoteCluster: ["READY", "SERVER", "VERSION", "AGE"],
    NamespaceMapping: ["READY", "SOURCE", "AGE"],
    NamespaceReplication: ["REMOTE", "MODE", "PHASE", "LAST SYNC", "AGE"],
  });
});
