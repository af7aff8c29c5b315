/**
 * `demote` refuses to throw away DR-side changes made while promoted
 * (contract §5) unless --discard-dr-changes; an untouched namespace demotes.
 */
import "../../../lib/preload.ts";
import { assert, assertEquals } from "../../assert.ts";
import {
  demoteNamespace,
  promoteNamespace,
} from "../../../lib/workflows/standby.ts";
import {
  configMap,
  deployment,
  engineInput,
  pass,
  seed,
  withTwoClusters,
} from "../engine/fixtures.ts";

Deno.test("demote: refuses after a DR-side change since promote, unless told to discard it", async () => {
  await withTwoClusters(async (t) => {
    const cm = t.type("configmaps");
    await seed(t.src, t, "shop", [
      deployment("web", 2),
      configMap("c", { v: "1" }),
    ]);
    await pass(engineInput(t, {}));
    const promoted = await promoteNamespace(t.drApi, "shop-dr", {
      dryRun: false,
      now: new Date(),
    });
    assert(promoted.ok);

    // Changed on DR while it was in charge.
    const live = await t.drApi.get(cm, "shop-dr", "c");
    await t.drApi.replace(cm, { ...live!, data: { v: "edited on DR" } });
    const refused = await demoteNamespace(t.drApi, "shop-dr", {
      dryRun: false,
    });
    assert(!refused.ok, "demote went ahead");
    assert(/changed since promote/.test(refused.message), refused.message);
    assert(/--discard-dr-changes/.test(refused.message), refused.message);
    const ns = await t.drApi.getNamespace("shop-dr");
    assert(
      ns?.metadata.annotations?.["drsyncer.io/promoted"],
      "still promoted",
    );

    const forced = await demoteNamespace(t.drApi, "shop-dr", {
      dryRun: false,
      discardDrChanges: true,
    });
    assert(forced.ok);
    const after = await t.drApi.getNamespace("shop-dr");
    assertEquals(
      after?.metadata.annotations?.["drsyncer.io/promoted"],
      undefined,
    );
    assertEquals(
      after?.metadata.annotations?.["drsyncer.io/promoted-snapshot"],
      undefined,
    );
  });
});

Deno.test("demote: an untouched promoted namespace demotes", async () => {
  await withTwoClusters(async (t) => {
    await seed(t.src, t, "shop", [
      deployment("web", 2),
      configMap("c", { v: "1" }),
    ]);
    await pass(engineInput(t, {}));
    const p = await promoteNamespace(t.drApi, "shop-dr", {
      dryRun: false,
      now: new Date(),
    });
    assert(p.ok);
    const d = await demoteNamespace(t.drApi, "shop-dr", { dryRun: false });
    assert(d.ok, d.ok ? "" : d.message);
  });
});
