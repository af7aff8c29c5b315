import "../../../lib/preload.ts";
import { assertEquals, assertMatch } from "../../assert.ts";
import {
  describeIrreversible,
  reverseCopy,
  type ReversibleRules,
} from "../../../lib/sync/reverse.ts";
import type { KubeObject } from "../../../lib/sync/types.ts";
import {
  anIngress,
  anObject,
  aPvc,
  copy,
  deepFreeze,
  specOf,
} from "./transforms/builders.ts";

const RULES: ReversibleRules = {
  storageClassMappings: [{ from: "fast-ssd", to: "dr-ssd" }],
  accessModeMappings: [{ from: "ReadWriteOncePod", to: "ReadWriteOnce" }],
  ingressHostRewrites: [
    { from: "shop.example.com", to: "shop-dr.example.com" },
    { from: "example.com", to: "dr.example.com" },
  ],
  ingressClassMappings: [{ from: "nginx", to: "nginx-dr" }],
};

const back = (dr: KubeObject, twin?: KubeObject, rules = RULES) =>
  reverseCopy(
    deepFreeze(structuredClone(dr)),
    rules,
    twin && deepFreeze(structuredClone(twin)),
  );

function ingress(): KubeObject {
  return anIngress({
    ingressClassName: "nginx",
    rules: [
      { host: "shop.example.com" },
      { host: "api.shop.example.com" },
      { host: "*.example.com" },
      { host: "other.org" },
    ],
    tls: [{ hosts: ["shop.example.com", "www.example.com"] }],
  }, { "kubernetes.io/ingress.class": "nginx" });
}

function claim(): KubeObject {
  return aPvc({
    storageClassName: "fast-ssd",
    accessModes: ["ReadWriteOncePod"],
    resources: { requests: { storage: "1Gi" } },
  }, { "volume.beta.kubernetes.io/storage-class": "fast-ssd" });
}

function claimTemplates(): KubeObject {
  return anObject("apps/v1", "StatefulSet", {
    spec: {
      volumeClaimTemplates: [{
        metadata: { name: "data" },
        spec: {
          storageClassName: "fast-ssd",
          accessModes: ["ReadWriteOncePod"],
        },
      }],
    },
  });
}

const mapped = (o: KubeObject) => ({
  spec: o.spec,
  annotations: o.metadata.annotations,
});

for (
  const [what, source] of [
    ["Ingress", ingress()],
    ["PersistentVolumeClaim", claim()],
    ["StatefulSet claim templates", claimTemplates()],
  ] as const
) {
  Deno.test(`reverseCopy: ${what}: the copy of a source goes back to it, with or without the source at hand`, () => {
    const dr = copy(source, RULES).object;
    for (const twin of [source, undefined]) {
      const r = back(dr, twin);
      assertEquals(r.irreversible, []);
      const sourceShape = copy(source, {}).object;
      assertEquals(mapped(r.object).spec, mapped(sourceShape).spec);
      assertEquals(
        r.object.metadata.annotations?.["kubernetes.io/ingress.class"],
        sourceShape.metadata.annotations?.["kubernetes.io/ingress.class"],
      );
      assertEquals(
        r.object.metadata.annotations?.[
          "volume.beta.kubernetes.io/storage-class"
        ],
        sourceShape.metadata.annotations?.[
          "volume.beta.kubernetes.io/storage-class"
        ],
      );
    }
  });
}

Deno.test("reverseCopy: a many-to-one mapping keeps what the source had (no change of an immutable PVC spec)", () => {
  const rwo = aPvc({
    storageClassName: "dr-ssd",
    accessModes: ["ReadWriteOnce"],
  });
  const dr = copy(rwo, RULES).object;
  // The source really asked for RWO (and a class named like DR's).
  const r = back(dr, rwo);
  assertEquals(r.irreversible, []);
  assertEquals(specOf(r.object).accessModes, ["ReadWriteOnce"]);
  assertEquals(specOf(r.object).storageClassName, "dr-ssd");
  const both = aPvc({ accessModes: ["ReadWriteOncePod", "ReadWriteOnce"] });
  const merged = copy(both, RULES).object;
  assertEquals(specOf(merged).accessModes, ["ReadWriteOnce"]);
  assertEquals(specOf(back(merged, both).object).accessModes, [
    "ReadWriteOncePod",
    "ReadWriteOnce",
  ]);
});

Deno.test("reverseCopy: a DR-side change to an unmapped value goes back as it is", () => {
  const source = ingress();
  const dr = copy(source, RULES).object;
  specOf(dr).ingressClassName = "traefik";
  specOf(dr).rules[3].host = "new.org";
  const r = back(dr, source);
  assertEquals(r.irreversible, []);
  assertEquals(specOf(r.object).ingressClassName, "traefik");
  assertEquals(specOf(r.object).rules[3].host, "new.org");
  assertEquals(specOf(r.object).rules[0].host, "shop.example.com");
});

Deno.test("reverseCopy: values that no single source value stands behind are reported by field", () => {
  const rules: ReversibleRules = {
    ...RULES,
    storageClassMappings: [
      { from: "fast-ssd", to: "dr-ssd" },
      { from: "slow-hdd", to: "dr-ssd" },
    ],
  };
  const dr = copy(claim(), rules).object;
  const ambiguous = back(dr, undefined, rules);
  assertEquals(
    ambiguous.irreversible.map((p) => p.field),
    [
      "metadata.annotations[volume.beta.kubernetes.io/storage-class]",
      "spec.storageClassName",
    ],
  );
  assertMatch(ambiguous.irreversible[1].why, /"fast-ssd", "slow-hdd"/);
  // With the source at hand there is nothing to guess.
  assertEquals(back(dr, claim(), rules).irreversible, []);

  // A DR edit back to a source-side name: the copy of "nginx" is nginx-dr.
  const edited = copy(ingress(), RULES).object;
  specOf(edited).ingressClassName = "nginx";
  const r = back(edited, ingress());
  assertEquals(r.irreversible.map((p) => [p.field, p.value]), [[
    "spec.ingressClassName",
    "nginx",
  ]]);
  assertEquals(
    describeIrreversible(edited, r.irreversible),
    [
      'Ingress shop-dr/web spec.ingressClassName: "nginx" cannot be reversed: ' +
      'no source value becomes it under spec.ingress.classMappings ("nginx" becomes "nginx-dr")',
    ],
  );
});

Deno.test("reverseCopy: other kinds and fields pass untouched", () => {
  const cm = anObject("v1", "ConfigMap");
  cm.data = { host: "shop-dr.example.com" };
  assertEquals(back(cm).object, cm);
});
