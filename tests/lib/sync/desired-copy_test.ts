import "../../../lib/preload.ts";
import { assertEquals } from "../../assert.ts";
import { desiredCopy } from "../../../lib/sync/desired-copy.ts";
import { resolveSpec } from "../../../lib/sync/replication-spec.ts";
import type { KubeObject } from "../../../lib/sync/types.ts";
import { aDeployment, anObject, OWNER } from "./transforms/builders.ts";

const settings = {
  ownerValue: OWNER,
  spec: resolveSpec({}).spec,
  copyContext: {
    copiedGroupKinds: new Set(["/ConfigMap", "apps/Deployment"]),
    ownerValue: OWNER,
  },
};
const namespace = (annotations: Record<string, string> = {}): KubeObject => ({
  apiVersion: "v1",
  kind: "Namespace",
  metadata: { name: "shop", annotations },
});
const target = { sourceNamespace: namespace(), destination: "shop-dr" };

Deno.test("desiredCopy: a plain object is copied into the destination", () => {
  const want = desiredCopy(anObject("v1", "ConfigMap"), settings, target);
  assertEquals(want.kind, "copy");
  if (want.kind !== "copy") return;
  assertEquals(want.object.metadata.namespace, "shop-dr");
  assertEquals(
    want.object.metadata.labels?.["drsyncer.io/replication"],
    OWNER,
  );
  assertEquals(want.key, "/ConfigMap/shop-dr/web");
  assertEquals(want.warnings, []);
});

Deno.test("desiredCopy: transform warnings name the object", () => {
  const dep = aDeployment(3, { "drsyncer.io/scale-override": "lots" });
  const want = desiredCopy(dep, settings, target);
  assertEquals(want.kind, "copy");
  if (want.kind !== "copy") return;
  assertEquals(want.warnings.length, 1);
  assertEquals(
    want.warnings[0].startsWith(`Deployment ${dep.metadata.name}: `),
    true,
    want.warnings[0],
  );
});

Deno.test("desiredCopy: an object being deleted keeps its existing copy", () => {
  const going = anObject("v1", "ConfigMap");
  going.metadata.deletionTimestamp = "2026-01-01T00:00:00Z";
  assertEquals(desiredCopy(going, settings, target), {
    kind: "keep",
    key: "/ConfigMap/shop-dr/web",
    reason: "BeingDeleted",
  });
});

Deno.test("desiredCopy: an ignored object is dropped", () => {
  const ignored = anObject("v1", "ConfigMap");
  ignored.metadata.labels = { "drsyncer.io/ignore": "true" };
  assertEquals(desiredCopy(ignored, settings, target), {
    kind: "drop",
    reason: "IgnoredObject",
  });
});
