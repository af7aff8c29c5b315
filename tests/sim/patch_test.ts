import "../../lib/preload.ts";
import { PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import { assertEquals, assertThrows } from "../assert.ts";
import { expectStatus, simTest } from "./harness.ts";
import { jsonPatch, mergePatch, strategicMerge } from "./patch.ts";

const MERGE_CASES = [
  {
    name: "adds and replaces",
    doc: { a: 1, b: { c: 2 } },
    patch: { b: { d: 3 }, e: 4 },
    want: { a: 1, b: { c: 2, d: 3 }, e: 4 },
  },
  {
    name: "null deletes",
    doc: { a: 1, b: 2 },
    patch: { a: null },
    want: { b: 2 },
  },
  {
    name: "arrays replace whole",
    doc: { l: [1, 2] },
    patch: { l: [3] },
    want: { l: [3] },
  },
  { name: "non-object patch replaces", doc: { a: 1 }, patch: "x", want: "x" },
];

for (const c of MERGE_CASES) {
  Deno.test(`merge patch (RFC 7386): ${c.name}`, () =>
    assertEquals(mergePatch(c.doc, c.patch), c.want));
}

const JSON_CASES = [
  {
    name: "add to object",
    doc: { a: {} },
    ops: [{ op: "add", path: "/a/b", value: 1 }],
    want: { a: { b: 1 } },
  },
  {
    name: "append with -",
    doc: { l: [1] },
    ops: [{ op: "add", path: "/l/-", value: 2 }],
    want: { l: [1, 2] },
  },
  {
    name: "insert at index",
    doc: { l: [1, 3] },
    ops: [{ op: "add", path: "/l/1", value: 2 }],
    want: { l: [1, 2, 3] },
  },
  {
    name: "remove",
    doc: { a: 1, b: 2 },
    ops: [{ op: "remove", path: "/a" }],
    want: { b: 2 },
  },
  {
    name: "replace",
    doc: { a: 1 },
    ops: [{ op: "replace", path: "/a", value: 2 }],
    want: { a: 2 },
  },
  {
    name: "move",
    doc: { a: 1 },
    ops: [{ op: "move", from: "/a", path: "/b" }],
    want: { b: 1 },
  },
  {
    name: "copy",
    doc: { a: { x: 1 } },
    ops: [{ op: "copy", from: "/a", path: "/b" }],
    want: { a: { x: 1 }, b: { x: 1 } },
  },
  {
    name: "test passes",
    doc: { a: 1 },
    ops: [{ op: "test", path: "/a", value: 1 }],
    want: { a: 1 },
  },
  {
    name: "escaped pointer",
    doc: { m: { "a/b": 1, "c~d": 2 } },
    ops: [{ op: "remove", path: "/m/a~1b" }, {
      op: "replace",
      path: "/m/c~0d",
      value: 3,
    }],
    want: { m: { "c~d": 3 } },
  },
];

for (const c of JSON_CASES) {
  Deno.test(`json patch (RFC 6902): ${c.name}`, () =>
    assertEquals(jsonPatch(c.doc, c.ops), c.want));
}

Deno.test("json patch: failed test and missing path are errors, the document is untouched", () => {
  const doc = { a: 1 };
  assertThrows(
    () => jsonPatch(doc, [{ op: "test", path: "/a", value: 2 }]),
    /test failed/,
  );
  assertThrows(
    () => jsonPatch(doc, [{ op: "replace", path: "/x/y", value: 2 }]),
    /missing/,
  );
  assertEquals(doc, { a: 1 });
});

Deno.test("strategic merge: containers and env merge by name, $patch: delete removes", () => {
  const doc = {
    containers: [
      {
        name: "a",
        image: "a:1",
        env: [{ name: "X", value: "1" }, { name: "Y", value: "2" }],
      },
      { name: "b", image: "b:1" },
    ],
  };
  const patch = {
    containers: [
      { name: "a", image: "a:2", env: [{ name: "Y", value: "3" }] },
      { name: "b", $patch: "delete" },
      { name: "c", image: "c:1" },
    ],
    $setElementOrder: {},
  };
  assertEquals(strategicMerge(doc, patch), {
    containers: [
      {
        name: "a",
        image: "a:2",
        env: [{ name: "X", value: "1" }, { name: "Y", value: "3" }],
      },
      { name: "c", image: "c:1" },
    ],
  });
});

Deno.test("strategic merge: service ports merge by port, container ports by containerPort", () => {
  assertEquals(
    strategicMerge({ ports: [{ port: 80, name: "http" }, { port: 443 }] }, {
      ports: [{ port: 80, targetPort: 8080 }],
    }),
    { ports: [{ port: 80, name: "http", targetPort: 8080 }, { port: 443 }] },
  );
  assertEquals(
    strategicMerge({ ports: [{ containerPort: 80 }] }, {
      ports: [{ containerPort: 81 }],
    }),
    { ports: [{ containerPort: 80 }, { containerPort: 81 }] },
  );
});

const NS = "p";

simTest(
  "patch content types through client-node: merge, json, strategic",
  async ({ core, apps }) => {
    await core.createNamespace({ body: { metadata: { name: NS } } });
    await core.createNamespacedConfigMap({
      namespace: NS,
      body: { metadata: { name: "c", labels: { a: "1" } }, data: { k: "v" } },
    });
    const merged = await core.patchNamespacedConfigMap(
      {
        namespace: NS,
        name: "c",
        body: { metadata: { labels: { b: "2" } }, data: { k: null, n: "1" } },
      },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
    assertEquals([merged.metadata!.labels, merged.data], [{ a: "1", b: "2" }, {
      n: "1",
    }]);
    const jp = await core.patchNamespacedConfigMap({
      namespace: NS,
      name: "c",
      body: [{ op: "replace", path: "/data/n", value: "2" }],
    });
    assertEquals(jp.data, { n: "2" });
    await apps.createNamespacedDeployment({
      namespace: NS,
      body: {
        metadata: { name: "d" },
        spec: {
          selector: { matchLabels: { a: "b" } },
          template: {
            metadata: { labels: { a: "b" } },
            spec: {
              containers: [{ name: "app", image: "x:1" }, {
                name: "side",
                image: "y:1",
              }],
            },
          },
        },
      },
    });
    const smp = await apps.patchNamespacedDeployment(
      {
        namespace: NS,
        name: "d",
        body: {
          spec: {
            template: { spec: { containers: [{ name: "app", image: "x:2" }] } },
          },
        },
      },
      setHeaderOptions("Content-Type", PatchStrategy.StrategicMergePatch),
    );
    assertEquals(
      smp.spec!.template.spec!.containers.map((c) => `${c.name}=${c.image}`),
      ["app=x:2", "side=y:1"],
    );
  },
);

simTest(
  "a failing json patch is 422; server-side apply is 415 UnsupportedMediaType",
  async ({ core }) => {
    await core.createNamespace({ body: { metadata: { name: NS } } });
    await core.createNamespacedConfigMap({
      namespace: NS,
      body: { metadata: { name: "c" } },
    });
    const bad = await expectStatus(() =>
      core.patchNamespacedConfigMap({
        namespace: NS,
        name: "c",
        body: [{ op: "test", path: "/metadata/name", value: "z" }],
      })
    );
    assertEquals([bad.code, bad.reason], [422, "Invalid"]);
    const apply = await expectStatus(() =>
      core.patchNamespacedConfigMap(
        {
          namespace: NS,
          name: "c",
          body: {
            apiVersion: "v1",
            kind: "ConfigMap",
            metadata: { name: "c" },
          },
          fieldManager: "t",
        },
        setHeaderOptions("Content-Type", PatchStrategy.ServerSideApply),
      )
    );
    assertEquals([apply.code, apply.reason], [415, "UnsupportedMediaType"]);
  },
);

simTest("patch of a missing object is 404", async ({ core }) => {
  await core.createNamespace({ body: { metadata: { name: NS } } });
  const s = await expectStatus(() =>
    core.patchNamespacedConfigMap({
      namespace: NS,
      name: "nope",
      body: { data: {} },
    }, setHeaderOptions("Content-Type", PatchStrategy.MergePatch))
  );
  assertEquals(s.code, 404);
});
