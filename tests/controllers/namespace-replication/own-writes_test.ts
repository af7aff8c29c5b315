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

Deno.test("own writes: a write whose echo came while in flight is not remembered", () => {
  // Regression: the answer was remembered after its echo had been consumed,
  // so every such write stayed in memory (the 30-minute soak's growth).
  const own = new OwnWrites();
  const done = own.sending(cm("a", ""));
  assertEquals(own.isEcho({ type: "add", object: cm("a", "20") }), true);
  own.wrote(cm("a", "20"));
  done();
  assertEquals(own.remembered, 0);
  // A later foreign change is not taken for an echo.
  assertEquals(
    own.isEcho({ type: "update", object: cm("a", "21"), old: cm("a", "20") }),
    false,
  );
});

Deno.test("own writes: an answer that differs from the in-flight echo is still awaited", () => {
  const own = new OwnWrites();
  const done = own.sending(cm("a", ""));
  assertEquals(own.isEcho({ type: "add", object: cm("a", "20") }), true);
  own.wrote(cm("a", "22"));
  done();
  assertEquals(own.remembered, 1);
  assertEquals(
    own.isEcho({
      type: "update",
      object: cm("a", "22"),
      old: cm("a", "20"),
    }),
    true,
  );
  assertEquals(own.remembered, 0);
});

Deno.test("own writes: a deleted object's remembered write is forgotten", () => {
  const own = new OwnWrites();
  own.wrote(cm("a", "30"));
  assertEquals(own.isEcho({ type: "delete", object: cm("a", "31") }), false);
  assertEquals(own.remembered, 0);
});
