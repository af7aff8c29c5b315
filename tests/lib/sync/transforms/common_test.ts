import "../../../../lib/preload.ts";
import { assert, assertEquals } from "../../../assert.ts";
import { cloneJson } from "../../../../lib/sync/transforms/common.ts";

Deno.test("cloneJson: equals structuredClone on JSON values and shares nothing", () => {
  const value = {
    s: "x",
    n: 1.5,
    b: false,
    nil: null,
    undef: undefined,
    list: [1, { a: [2, 3] }, [], "y"],
    nested: { deep: { deeper: { k: "v" } } },
    empty: {},
  };
  const copy = cloneJson(value);
  assertEquals(copy, structuredClone(value));
  assertEquals(Object.keys(copy), Object.keys(value));
  assert(copy !== value && copy.list !== value.list);
  assert(
    copy.list[1] !== value.list[1] && copy.nested.deep !== value.nested.deep,
  );
  (copy.nested.deep.deeper as Record<string, string>).k = "changed";
  assertEquals(value.nested.deep.deeper.k, "v");
});

Deno.test("cloneJson: frozen input gives a writable copy; non-JSON values go to structuredClone", () => {
  const when = new Date(0);
  const value = Object.freeze({ a: Object.freeze([1]), when });
  const copy = cloneJson(value) as { a: number[]; when: Date };
  copy.a.push(2);
  assertEquals(copy.a, [1, 2]);
  assert(copy.when instanceof Date && copy.when !== when);
  assertEquals(copy.when.getTime(), 0);
  const bare = Object.assign(Object.create(null), { k: "v" });
  assertEquals({ ...cloneJson(bare) }, { k: "v" });
});
