/**
 * Issue 15 item 6: a type installed while the controller runs. Discovery
 * used to be cached for 5 minutes and never invalidated, so a new CRD's
 * objects waited 5-15 minutes; the CRD watch makes them arrive within 30 s.
 */
import "../../../lib/preload.ts";
import type { ApiResource } from "../../../lib/sync/types.ts";
import { configMap } from "../../lib/engine/fixtures.ts";
import {
  put,
  sourceNamespace,
  standardSetup,
  synced,
  until,
  withController,
} from "../harness.ts";

const WIDGET_CRD = {
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: "gizmos.example.com" },
  spec: {
    group: "example.com",
    scope: "Namespaced",
    names: {
      plural: "gizmos",
      singular: "gizmo",
      kind: "Gizmo",
      listKind: "GizmoList",
    },
    versions: [{
      name: "v1",
      served: true,
      storage: true,
      schema: {
        openAPIV3Schema: {
          type: "object",
          "x-kubernetes-preserve-unknown-fields": true,
        },
      },
    }],
  },
};

const GIZMOS: ApiResource = {
  group: "example.com",
  version: "v1",
  resource: "gizmos",
  kind: "Gizmo",
  namespaced: true,
  verbs: ["list", "watch", "create", "update", "delete", "get"],
};

Deno.test("a CRD installed while running: its objects are copied within 30 s", async () => {
  await withController(async (e) => {
    await sourceNamespace(e, "shop");
    await put(e, "shop", [configMap("c", { v: "1" })]);
    await standardSetup(e);
    e.start();
    await synced(e);
    const crdType = e.type("customresourcedefinitions", "apiextensions.k8s.io");
    // The usual order: the DR cluster first, then the source.
    await e.drApi.create(crdType, WIDGET_CRD);
    await e.src.create(crdType, WIDGET_CRD);
    await until("the source serves gizmos", async () => {
      try {
        await e.src.list(GIZMOS, "shop");
        return true;
      } catch {
        return false;
      }
    });
    await e.src.create(GIZMOS, {
      apiVersion: "example.com/v1",
      kind: "Gizmo",
      metadata: { name: "g1", namespace: "shop" },
      spec: { size: 3 },
    } as never);
    await until(
      "the Gizmo copied",
      async () => (await e.drApi.get(GIZMOS, "shop-dr", "g1")) !== undefined,
      30_000,
    );
  });
});
