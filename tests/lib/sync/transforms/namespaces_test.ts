import "../../../../lib/preload.ts";
import { assertEquals } from "../../../assert.ts";
import { anObject, copy, DST_NS, OWNER, SRC_NS } from "./builders.ts";

Deno.test("namespace: renamed to the destination, cluster-scoped", () => {
  const src = anObject("v1", "Namespace", {
    name: SRC_NS,
    labels: {
      "kubernetes.io/metadata.name": SRC_NS,
      "pod-security.kubernetes.io/enforce": "restricted",
    },
    annotations: { "team.example.com/owner": "payments" },
    spec: { finalizers: ["kubernetes"] },
  });
  delete src.metadata.namespace;
  const { object, warnings } = copy(src);
  assertEquals(object, {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: {
      name: DST_NS,
      labels: {
        "pod-security.kubernetes.io/enforce": "restricted",
        "drsyncer.io/replication": OWNER,
      },
      annotations: {
        "team.example.com/owner": "payments",
        "drsyncer.io/source": SRC_NS,
      },
    },
  });
  assertEquals(warnings, []);
});

Deno.test("namespace: copy of the copy is the same", () => {
  const src = anObject("v1", "Namespace", { name: SRC_NS });
  const once = copy(src, { destinationNamespace: SRC_NS }).object;
  assertEquals(copy(once, { destinationNamespace: SRC_NS }).object, once);
});
