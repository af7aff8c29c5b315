/**
 * Engine safety rules against two simulated clusters: a failed DR read is
 * not an empty namespace.
 */
import "../../../lib/preload.ts";
import { assert, assertEquals } from "../../assert.ts";
import type { ApiResource } from "../../../lib/sync/types.ts";
import {
  configMap,
  engineInput,
  pass,
  seed,
  withTwoClusters,
} from "./fixtures.ts";

const WRITES = {
  verbs: ["create", "update", "patch", "delete", "deletecollection"],
};

Deno.test("engine: a failed DR list stops the namespace's pass: nothing created over it, nothing pruned", async () => {
  await withTwoClusters(async (t) => {
    await seed(
      t.src,
      t,
      "shop",
      ["a", "b", "c", "d", "e", "f"].map((n) => configMap(n, { v: "1" })),
    );
    const input = engineInput(t, {});
    await pass(input);
    await t.src.remove(t.type("configmaps"), "shop", "a");
    await seed(t.src, t, "shop", [configMap("new", { v: "1" })]);
    const healthy = input.dr;
    input.dr = {
      getNamespace: (name) => healthy.getNamespace(name),
      list: (type: ApiResource, ns: string) =>
        type.resource === "configmaps"
          ? Promise.reject(new Error("connection reset by peer"))
          : healthy.list(type, ns),
    };
    const before = t.dr.counters.total(WRITES);
    const result = await pass(input);
    assertEquals(result.state, "DestinationUnavailable");
    assert(
      result.message?.includes(
        "cannot list configmaps in DR namespace shop-dr",
      ),
      result.message,
    );
    assertEquals(t.dr.counters.total(WRITES) - before, 0, "no DR writes");
    assert(await t.drApi.get(t.type("configmaps"), "shop-dr", "a"), "kept");

    input.dr = healthy;
    const again = await pass(input);
    assertEquals(again.state, "Synced");
    assertEquals(again.counts.deleted, 1);
  });
});
