import "../../../../lib/preload.ts";
import { assertEquals } from "../../../assert.ts";
import { anObject, copy } from "./builders.ts";

function aServiceAccount(secrets?: unknown): ReturnType<typeof anObject> {
  const sa = anObject("v1", "ServiceAccount", { name: "builder" });
  if (secrets !== undefined) sa.secrets = secrets;
  sa.imagePullSecrets = [{ name: "builder-token-pull" }];
  return sa;
}

const cases: { name: string; secrets: unknown; expected: unknown }[] = [
  {
    name: "serviceaccount: generated token secrets dropped, others kept",
    secrets: [
      { name: "builder-token-x7k2p" },
      { name: "registry-creds" },
      { name: "other-token-abcde" },
    ],
    expected: [{ name: "registry-creds" }, { name: "other-token-abcde" }],
  },
  {
    name: "serviceaccount: only token secrets leaves no secrets field",
    secrets: [{ name: "builder-token-x7k2p" }],
    expected: undefined,
  },
  {
    name: "serviceaccount: without secrets stays without",
    secrets: undefined,
    expected: undefined,
  },
  {
    name: "serviceaccount: malformed entries kept as they are",
    secrets: [null, { name: 3 }],
    expected: [null, { name: 3 }],
  },
];

for (const c of cases) {
  Deno.test(c.name, () => {
    const { object } = copy(aServiceAccount(c.secrets));
    assertEquals(object.secrets, c.expected);
    // imagePullSecrets are user intent even when named like a token.
    assertEquals(object.imagePullSecrets, [{ name: "builder-token-pull" }]);
  });
}

Deno.test("secret: service-account uid annotation dropped, data kept", () => {
  const src = anObject("v1", "Secret", {
    name: "api-key",
    annotations: {
      "kubernetes.io/service-account.uid": "9a9a",
      "kubernetes.io/service-account.name": "builder",
    },
  });
  src.type = "Opaque";
  src.data = { key: "c2VjcmV0" };
  const { object } = copy(src);
  assertEquals(object.metadata.annotations, {
    "kubernetes.io/service-account.name": "builder",
    "drsyncer.io/source": "shop-prod/api-key",
  });
  assertEquals(object.data, { key: "c2VjcmV0" });
  assertEquals(object.type, "Opaque");
});
