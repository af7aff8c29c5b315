import "../../../lib/preload.ts";
import { assert, assertEquals, assertMatch } from "../../assert.ts";
import {
  type NamespacePlanInput,
  planNamespace,
  writeRank,
} from "../../../lib/sync/plan.ts";
import { sortForDelete, sortForWrite } from "../../../lib/sync/order.ts";
import { type KubeObject, objectKey } from "../../../lib/sync/types.ts";
import {
  aConfigMap,
  aDeployment,
  anObject,
  aService,
  asStored,
  edited,
  NS,
  owned,
  OWNER,
  spec,
} from "./dr_objects.ts";

function input(
  desired: KubeObject[],
  current: KubeObject[],
  over: Partial<NamespacePlanInput> = {},
): NamespacePlanInput {
  return {
    destinationNamespace: NS,
    ownerValue: OWNER,
    desired,
    current,
    conflictPolicy: "Abort",
    immutableFieldPolicy: "Recreate",
    destinationPromoted: false,
    ...over,
  };
}

function only(i: NamespacePlanInput) {
  const plan = planNamespace(i);
  assertEquals(plan.actions.length, 1);
  return plan.actions[0];
}

const api = owned(aService("api"));
/** The DR copy of `api` as the DR API server holds it. */
const apiLive = edited(asStored(api, "55"), (c) => {
  Object.assign(spec(c), { clusterIP: "10.96.0.7", clusterIPs: ["10.96.0.7"] });
  spec(c).sessionAffinity = "None";
});

Deno.test("plan: a missing copy is created with the desired body as is", () => {
  const a = only(input([api], []));
  assertEquals(a.action, "create");
  assertEquals(a.object, api);
  assertEquals([a.key, a.kind, a.name], [objectKey(api), "Service", "api"]);
});

Deno.test("plan: an owned copy with only DR allocations is unchanged", () => {
  const a = only(input([api], [apiLive]));
  assertEquals(a, {
    action: "unchanged",
    key: objectKey(api),
    kind: "Service",
    name: "api",
  });
});

Deno.test("plan: drift becomes an update that keeps DR allocations", () => {
  const drifted = edited(apiLive, (c) => {
    spec(c).selector = { app: "other" };
  });
  const a = only(input([api], [drifted]));
  assertEquals(a.action, "update");
  assertEquals(a.reason, "Drifted");
  assertEquals(a.diff, ["spec.selector.app"]);
  assertEquals(a.object?.metadata.resourceVersion, "55");
  assertEquals(spec(a.object).clusterIP, "10.96.0.7");
  assertEquals(spec(a.object).selector, { app: "api" });
});

const headlessNow = owned(aService("api", { clusterIP: "None" }));

Deno.test("plan: an immutable change is a recreate with a fresh body", () => {
  const a = only(input([headlessNow], [apiLive]));
  assertEquals(a.action, "recreate");
  assertEquals(a.reason, "ImmutableFieldChanged");
  assertEquals(a.diff, ["spec.clusterIP"]);
  assertEquals(a.object, headlessNow, "no resourceVersion, no old IP");
  assertMatch(a.message ?? "", /spec\.clusterIP/);
});

Deno.test("plan: a copy still headless is recreated though desired names no IP", () => {
  const stillHeadless = edited(apiLive, (c) => {
    spec(c).clusterIP = "None";
    spec(c).clusterIPs = ["None"];
  });
  const a = only(input([api], [stillHeadless]));
  assertEquals([a.action, a.diff], ["recreate", ["spec.clusterIP"]]);
});

Deno.test("plan: an update message names the paths and how many more", () => {
  const many = Object.fromEntries(
    Array.from({ length: 12 }, (_, i) => [`k${i}`, "v"]),
  );
  const cm = owned(aConfigMap("c", many));
  const a = only(input([cm], [asStored(owned(aConfigMap("c")))]));
  assertEquals(a.action, "update");
  assertMatch(a.message ?? "", /^differs at data\.k0, .* and 2 more$/);
});

Deno.test("plan: an immutable change under policy Skip is skipped", () => {
  const a = only(input([headlessNow], [apiLive], {
    immutableFieldPolicy: "Skip",
  }));
  assertEquals([a.action, a.reason], ["skip", "ImmutableFieldChanged"]);
  assertEquals(a.object, undefined);
});

const foreign = edited(apiLive, (c) => {
  delete c.metadata.labels;
});

Deno.test("plan: a same-named object we did not create is a conflict under Abort", () => {
  const a = only(input([api], [foreign]));
  assertEquals([a.action, a.reason], ["conflict", "NotOwned"]);
  assertEquals(a.object, undefined);
});

Deno.test("plan: Adopt updates it, takes ownership and marks it adopted", () => {
  const a = only(input([api], [foreign], { conflictPolicy: "Adopt" }));
  assertEquals([a.action, a.reason], ["update", "Adopted"]);
  assertEquals(a.object?.metadata.labels, {
    ...api.metadata.labels,
    "drsyncer.io/adopted": "true",
  });
  assertEquals(spec(a.object).clusterIP, "10.96.0.7");
});

Deno.test("plan: an adopted object with immutable changes is skipped, never recreated", () => {
  const a = only(input([headlessNow], [foreign], { conflictPolicy: "Adopt" }));
  assertEquals([a.action, a.reason], ["skip", "ImmutableFieldChanged"]);
  assertMatch(a.message ?? "", /never recreated/);
  const adoptedEarlier = edited(apiLive, (c) => {
    c.metadata.labels = { ...c.metadata.labels, "drsyncer.io/adopted": "true" };
  });
  const again = only(input([headlessNow], [adoptedEarlier]));
  assertEquals(again.action, "skip", "already ours, still never recreated");
});

Deno.test("plan: an adopted copy keeps its mark on later updates", () => {
  const adoptedEarlier = edited(apiLive, (c) => {
    c.metadata.labels = { ...c.metadata.labels, "drsyncer.io/adopted": "true" };
    spec(c).ports = [];
  });
  const a = only(input([api], [adoptedEarlier]));
  assertEquals(a.action, "update");
  assertEquals(a.object?.metadata.labels?.["drsyncer.io/adopted"], "true");
});

Deno.test("plan: a copy from another source cluster is never touched", () => {
  const theirs = edited(apiLive, (c) => {
    c.metadata.labels = {
      ...c.metadata.labels,
      "drsyncer.io/source-cluster": "other-uid",
    };
    spec(c).ports = [];
  });
  const a = only(input([api], [theirs], { sourceCluster: "our-uid" }));
  assertEquals([a.action, a.reason], ["conflict", "OwnedByOtherSourceCluster"]);
  const ours = edited(theirs, (c) => {
    c.metadata.labels!["drsyncer.io/source-cluster"] = "our-uid";
  });
  assertEquals(
    only(input([api], [ours], { sourceCluster: "our-uid" })).action,
    "update",
  );
});

for (const conflictPolicy of ["Abort", "Adopt"] as const) {
  Deno.test(`plan: another replication's copy is a conflict under ${conflictPolicy}`, () => {
    const theirs = owned(apiLive, "dr-syncer-system.other");
    const a = only(input([api], [theirs], { conflictPolicy }));
    assertEquals([a.action, a.reason], ["conflict", "OwnedByOtherReplication"]);
    assertMatch(a.message ?? "", /dr-syncer-system\.other/);
  });
}

Deno.test("plan: a promoted destination gets nothing but skips", () => {
  const desired = [api, owned(aConfigMap("c")), headlessNow];
  const plan = planNamespace(input(desired, [apiLive, foreign], {
    destinationPromoted: true,
  }));
  assertEquals(plan.actions.length, 3);
  for (const a of plan.actions) {
    assertEquals([a.action, a.reason, a.object], [
      "skip",
      "DestinationPromoted",
      undefined,
    ]);
  }
  assertEquals(plan.summary.skip, 3);
});

Deno.test("plan: DR objects without a desired copy are left to pruning", () => {
  const plan = planNamespace(input([], [apiLive, foreign]));
  assertEquals(plan.actions, []);
});

Deno.test("plan: objects are matched by group too, not only kind and name", () => {
  const other = owned(anObject("x.io/v1", "Deployment", "web"));
  const a = only(input([owned(aDeployment("web"))], [other]));
  assertEquals(a.action, "create");
});

Deno.test("plan: inputs are not modified", () => {
  const i = input([api, headlessNow], [apiLive]);
  const before = structuredClone(i);
  planNamespace(i);
  assertEquals(i, before);
});

const mixed = [
  owned(anObject("networking.k8s.io/v1", "Ingress", "web")),
  owned(anObject("rbac.authorization.k8s.io/v1", "Role", "r")),
  owned(aDeployment("web")),
  owned(anObject("batch/v1", "CronJob", "nightly")),
  owned(aService("web")),
  owned(anObject("v1", "PersistentVolumeClaim", "data")),
  owned(aConfigMap("b")),
  owned(aConfigMap("a")),
  owned(anObject("v1", "Secret", "tls")),
  owned(anObject("v1", "ServiceAccount", "app")),
  owned({ ...anObject("v1", "Namespace", NS), metadata: { name: NS } }),
];

Deno.test("plan: actions come in write order, then kind, then name", () => {
  const plan = planNamespace(input(mixed, []));
  assertEquals(plan.actions.map((a) => `${a.kind}/${a.name}`), [
    `Namespace/${NS}`,
    "ConfigMap/a",
    "ConfigMap/b",
    "Secret/tls",
    "ServiceAccount/app",
    "PersistentVolumeClaim/data",
    "Service/web",
    "CronJob/nightly",
    "Deployment/web",
    "Ingress/web",
    "Role/r",
  ]);
});

Deno.test("plan: summary counts every action type", () => {
  const drifted = edited(apiLive, (c) => {
    c.metadata.labels!.extra = "x";
  });
  const cm = owned(aConfigMap("c"));
  const plan = planNamespace(input(
    [api, cm, owned(aConfigMap("new")), owned(aDeployment("web"))],
    [drifted, asStored(cm), asStored(aDeployment("web"))], // web: not ours
  ));
  assertEquals(plan.summary, {
    create: 1,
    update: 1,
    unchanged: 1,
    recreate: 0,
    conflict: 1,
    skip: 0,
  });
  assertEquals(plan.destinationNamespace, NS);
});

Deno.test("writeRank follows contract §4 and puts unknown kinds last", () => {
  const ranks = [
    "Namespace",
    "ServiceAccount",
    "PersistentVolumeClaim",
    "Service",
    "StatefulSet",
    "Ingress",
    "Widget",
  ].map(writeRank);
  assertEquals(ranks, [...ranks].sort((a, b) => a - b));
  assertEquals(new Set(ranks).size, ranks.length);
  assertEquals(writeRank("Secret"), writeRank("ConfigMap"));
  assertEquals(writeRank("Job"), writeRank("DaemonSet"));
});

Deno.test("sortForDelete is exactly the reverse of sortForWrite", () => {
  const items = mixed.map((o) => ({
    key: objectKey(o),
    kind: o.kind,
    name: o.metadata.name,
  }));
  assertEquals(sortForDelete(items), sortForWrite(items).reverse());
  assert(sortForDelete(items)[0].kind === "Role");
});

for (const conflictPolicy of ["Abort", "Adopt"] as const) {
  Deno.test(`plan: the cluster's default ServiceAccount only gets imagePullSecrets merged, never our label (${conflictPolicy})`, () => {
    const wanted = owned(anObject("v1", "ServiceAccount", "default"));
    wanted.imagePullSecrets = [{ name: "registry" }, { name: "shared" }];
    const clusterMade = edited(
      asStored(anObject("v1", "ServiceAccount", "default"), "9"),
      (c) => {
        c.imagePullSecrets = [{ name: "shared" }, { name: "dr-only" }];
        c.secrets = [{ name: "default-token-x" }];
      },
    );
    const a = only(input([wanted], [clusterMade], { conflictPolicy }));
    assertEquals([a.action, a.reason], ["update", "ImagePullSecretsMerged"]);
    assertEquals(a.object?.imagePullSecrets, [
      { name: "shared" },
      { name: "dr-only" },
      { name: "registry" },
    ]);
    assertEquals(a.object?.secrets, [{ name: "default-token-x" }]);
    assertEquals(a.object?.metadata.labels, {});
    assertEquals(a.object?.metadata.resourceVersion, "9");
    const merged = {
      ...clusterMade,
      imagePullSecrets: a.object?.imagePullSecrets,
    };
    assertEquals(
      only(input([wanted], [merged], { conflictPolicy })).action,
      "unchanged",
    );
  });
}

Deno.test("plan: a default ServiceAccount an older version labelled loses the label", () => {
  const wanted = owned(anObject("v1", "ServiceAccount", "default"));
  const labelled = owned(
    asStored(anObject("v1", "ServiceAccount", "default"), "3"),
  );
  const a = only(input([wanted], [labelled]));
  assertEquals(a.action, "update");
  assertEquals(
    a.object?.metadata.labels?.["drsyncer.io/replication"],
    undefined,
  );
});

Deno.test("plan: a ServiceAccount other than default is an ordinary object", () => {
  const other = owned(anObject("v1", "ServiceAccount", "builder"));
  const foreignSa = asStored(anObject("v1", "ServiceAccount", "builder"), "10");
  assertEquals(only(input([other], [foreignSa])).action, "conflict");
});
