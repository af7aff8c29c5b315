import type { ClusterWriter } from "../../../lib/engine/ports.ts";
import { fenceWrites } from "../../../lib/sharding/fenced-writer.ts";
import type { ShardFence } from "../../../lib/sharding/coordinator.ts";
import type { ApiResource, KubeObject } from "../../../lib/sync/types.ts";
import { assertEquals, assertRejects } from "../../assert.ts";

const CM: ApiResource = {
  group: "",
  version: "v1",
  resource: "configmaps",
  kind: "ConfigMap",
  namespaced: true,
  verbs: [],
};
const OBJ: KubeObject = {
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name: "c", namespace: "n" },
};

function recorder(calls: string[]): ClusterWriter {
  return {
    get: () => Promise.resolve(undefined).then(() => void calls.push("get")),
    create: (_t, o) => Promise.resolve(calls.push("create")).then(() => o),
    replace: (_t, o) => Promise.resolve(calls.push("replace")).then(() => o),
    remove: () => Promise.resolve(void calls.push("remove")),
  };
}

Deno.test("fenced writer: writes pass only while the replica owns the replication", async () => {
  const calls: string[] = [];
  let owned = true;
  const seen: string[] = [];
  const fence: ShardFence = {
    identity: "replica-a",
    owns: (r) => owned && r === "shop",
    onWrite: (r) => seen.push(r),
  };
  const w = fenceWrites(recorder(calls), fence, "shop");
  await w.create(CM, OBJ);
  owned = false;
  await assertRejects(
    () => w.replace(CM, OBJ),
    /does not own NamespaceReplication shop/,
  );
  await assertRejects(
    () => w.remove(CM, "n", "c"),
    /does not own NamespaceReplication shop/,
  );
  await w.get(CM, "n", "c"); // reads are never fenced
  assertEquals(calls, ["create", "get"]);
  assertEquals(seen, ["shop"]);
});

Deno.test("fenced writer: without sharding the writer is used as is", () => {
  const inner = recorder([]);
  assertEquals(fenceWrites(inner, undefined, "shop"), inner);
});
