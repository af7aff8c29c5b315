import "../../../lib/preload.ts";
import { assertEquals } from "../../assert.ts";
import { OwnWrites } from "../../../controllers/namespace-replication/own-writes.ts";
import type { KubeObject } from "../../../lib/sync/types.ts";

function cm(name: string, rv: string): KubeObject {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name, namespace: "shop-dr", resourceVersion: rv },
  };
}

Deno.test("own writes: the echo of our write is recognised once", () => {
  const own = new OwnWrites();
  own.wrote(cm("a", "10"));
  assertEquals(own.isEcho({ type: "add", object: cm("a", "10") }), true);
  assertEquals(own.isEcho({ type: "add", object: cm("a", "10") }), false);
});

Deno.test("own writes: someone else's later change is not an echo", () => {
  const own = new OwnWrites();
  own.wrote(cm("a", "10"));
  assertEquals(
    own.isEcho({ type: "update", object: cm("a", "11"), old: cm("a", "10") }),
    false,
  );
  assertEquals(own.isEcho({ type: "add", object: cm("b", "10") }), false);
});

Deno.test("own writes: our deletes echo once; a failed delete does not", () => {
  const own = new OwnWrites();
  own.deleted("ConfigMap", "shop-dr", "a");
  assertEquals(own.isEcho({ type: "delete", object: cm("a", "12") }), true);
  assertEquals(own.isEcho({ type: "delete", object: cm("a", "12") }), false);
  own.deleted("ConfigMap", "shop-dr", "b");
  own.notDeleted("ConfigMap", "shop-dr", "b");
  assertEquals(own.isEcho({ type: "delete", object: cm("b", "3") }), false);
});

Deno.test("own writes: an event while our write is in flight is its echo", () => {
  const own = new OwnWrites();
  const done = own.sending(cm("a", ""));
  assertEquals(own.isEcho({ type: "add", object: cm("a", "20") }), true);
  done();
  assertEquals(
    own.isEcho({ type: "update", object: cm("a", "21"), old: cm("a", "20") }),
    false,
  );
});
