import "../../lib/preload.ts";
import { assertEquals } from "../assert.ts";
import { expectStatus, recordWatch, simTest } from "./harness.ts";
import { parseFieldSelector, parseLabelSelector } from "./selectors.ts";
import type { KObj } from "./store.ts";

function obj(
  name: string,
  labels: Record<string, string>,
  namespace = "a",
): KObj {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name,
      namespace,
      labels,
      uid: name,
      resourceVersion: "1",
      creationTimestamp: "",
    },
  };
}

const OBJECTS = [
  obj("web", { app: "web", tier: "front" }),
  obj("api", { app: "api", tier: "back" }),
  obj("db", { app: "db" }),
  obj("other", { app: "web" }, "b"),
];

const LABEL_CASES: { name: string; selector: string; want: string[] }[] = [
  { name: "equality =", selector: "app=web", want: ["web", "other"] },
  { name: "equality ==", selector: "app==api", want: ["api"] },
  { name: "inequality", selector: "app!=web", want: ["api", "db"] },
  { name: "in", selector: "app in (web, db)", want: ["web", "db", "other"] },
  {
    name: "notin",
    selector: "tier notin (front)",
    want: ["api", "db", "other"],
  },
  { name: "exists", selector: "tier", want: ["web", "api"] },
  { name: "not exists", selector: "!tier", want: ["db", "other"] },
  { name: "conjunction", selector: "app=web,tier", want: ["web"] },
  {
    name: "empty selects all",
    selector: "",
    want: ["web", "api", "db", "other"],
  },
];

for (const c of LABEL_CASES) {
  Deno.test(`label selector: ${c.name}`, () => {
    const p = parseLabelSelector(c.selector);
    assertEquals(OBJECTS.filter(p).map((o) => o.metadata.name), c.want);
  });
}

const FIELD_CASES: { name: string; selector: string; want: string[] }[] = [
  { name: "metadata.name", selector: "metadata.name=db", want: ["db"] },
  {
    name: "metadata.namespace",
    selector: "metadata.namespace=b",
    want: ["other"],
  },
  {
    name: "negated name",
    selector: "metadata.name!=db,metadata.namespace=a",
    want: ["web", "api"],
  },
];

for (const c of FIELD_CASES) {
  Deno.test(`field selector: ${c.name}`, () => {
    const p = parseFieldSelector(c.selector);
    assertEquals(OBJECTS.filter(p).map((o) => o.metadata.name), c.want);
  });
}

async function seed(
  core: import("@kubernetes/client-node").CoreV1Api,
): Promise<void> {
  for (const ns of ["a", "b"]) {
    await core.createNamespace({ body: { metadata: { name: ns } } });
  }
  for (const o of OBJECTS) {
    await core.createNamespacedConfigMap({
      namespace: o.metadata.namespace!,
      body: { metadata: { name: o.metadata.name, labels: o.metadata.labels } },
    });
  }
}

simTest(
  "list applies label and field selectors server-side",
  async ({ core }) => {
    await seed(core);
    const web = await core.listNamespacedConfigMap({
      namespace: "a",
      labelSelector: "app in (web,db)",
    });
    assertEquals(web.items.map((i) => i.metadata!.name), ["db", "web"]);
    const byName = await core.listNamespacedConfigMap({
      namespace: "a",
      fieldSelector: "metadata.name=api",
    });
    assertEquals(byName.items.map((i) => i.metadata!.name), ["api"]);
  },
);

simTest("unsupported field selector is 400 BadRequest", async ({ core }) => {
  await seed(core);
  const s = await expectStatus(() =>
    core.listNamespacedConfigMap({ namespace: "a", fieldSelector: "data.x=1" })
  );
  assertEquals([s.code, s.reason, s.message], [
    400,
    "BadRequest",
    "field label not supported: data.x",
  ]);
});

simTest(
  "all-namespaces list spans namespaces, sorted by namespace then name",
  async ({ core }) => {
    await seed(core);
    const all = await core.listConfigMapForAllNamespaces({
      labelSelector: "app",
    });
    assertEquals(
      all.items.map((i) => `${i.metadata!.namespace}/${i.metadata!.name}`),
      [
        "a/api",
        "a/db",
        "a/web",
        "b/other",
      ],
    );
  },
);

simTest(
  "limit/continue pages through a list without gaps or repeats",
  async ({ core }) => {
    await seed(core);
    const seen: string[] = [];
    let cont: string | undefined;
    let pages = 0;
    do {
      const page = await core.listConfigMapForAllNamespaces({
        limit: 2,
        _continue: cont,
        labelSelector: "app",
      });
      seen.push(...page.items.map((i) => i.metadata!.name!));
      cont = page.metadata!._continue;
      if (cont) {
        assertEquals(
          typeof page.metadata!.remainingItemCount,
          "undefined", // a label selector: upstream leaves the count out
        );
      }
      pages++;
    } while (cont);
    assertEquals(seen, ["api", "db", "web", "other"]);
    assertEquals(pages, 2);
  },
);

simTest(
  "a continue token older than the kept history is 410 Expired",
  async ({ core, cluster }) => {
    await seed(core);
    const first = await core.listConfigMapForAllNamespaces({ limit: 1 });
    for (let i = 0; i < 3; i++) {
      await core.createNamespacedConfigMap({
        namespace: "a",
        body: { metadata: { name: `n${i}` } },
      });
    }
    cluster.faults.shrinkHistory(1);
    const s = await expectStatus(() =>
      core.listConfigMapForAllNamespaces({
        limit: 1,
        _continue: first.metadata!._continue,
      })
    );
    assertEquals([s.code, s.reason], [410, "Expired"]);
  },
);

simTest(
  "continue pages are served at the first page's resourceVersion; a watch from it gets what changed meanwhile",
  async ({ core, kc }) => {
    await core.createNamespace({ body: { metadata: { name: "snap" } } });
    const create = (name: string) =>
      core.createNamespacedConfigMap({
        namespace: "snap",
        body: { metadata: { name }, data: { k: "v" } },
      });
    for (const name of ["cm-0", "cm-1", "cm-2", "cm-3"]) await create(name);
    const first = await core.listNamespacedConfigMap({
      namespace: "snap",
      limit: 2,
    });
    const rv = first.metadata!.resourceVersion!;
    // Behind the cursor, then ahead of it: neither may show in page two.
    await create("cm-00");
    await core.patchNamespacedConfigMap({
      namespace: "snap",
      name: "cm-3",
      body: [{ op: "replace", path: "/data/k", value: "changed" }],
    });
    await core.deleteNamespacedConfigMap({ namespace: "snap", name: "cm-2" });
    const second = await core.listNamespacedConfigMap({
      namespace: "snap",
      limit: 2,
      _continue: first.metadata!._continue,
    });
    assertEquals(first.items.map((i) => i.metadata!.name), ["cm-0", "cm-1"]);
    assertEquals(
      second.items.map((i) => [i.metadata!.name, i.data!.k]),
      [["cm-2", "v"], ["cm-3", "v"]],
    );
    assertEquals(second.metadata!.resourceVersion, rv);
    const w = await recordWatch(kc, "/api/v1/namespaces/snap/configmaps", {
      resourceVersion: rv,
    });
    await w.until((e) => e.length === 3);
    assertEquals(w.events.map((e) => `${e.type} ${e.object.metadata.name}`), [
      "ADDED cm-00",
      "MODIFIED cm-3",
      "DELETED cm-2",
    ]);
    await w.stop();
  },
);

simTest(
  "pages across namespaces that prefix each other follow the key order, without gaps",
  async ({ core }) => {
    for (const ns of ["team", "team-a", "team0"]) {
      await core.createNamespace({ body: { metadata: { name: ns } } });
      for (const name of ["x", "y"]) {
        await core.createNamespacedConfigMap({
          namespace: ns,
          body: { metadata: { name } },
        });
      }
    }
    const seen: string[] = [];
    let cont: string | undefined;
    do {
      const page = await core.listConfigMapForAllNamespaces({
        limit: 1,
        _continue: cont,
      });
      seen.push(
        ...page.items.map((i) =>
          `${i.metadata!.namespace}/${i.metadata!.name}`
        ),
      );
      cont = page.metadata!._continue;
    } while (cont);
    assertEquals(
      seen.filter((k) => /^team.*\/[xy]$/.test(k)),
      ["team-a/x", "team-a/y", "team/x", "team/y", "team0/x", "team0/y"],
    );
  },
);
