/**
 * The README's "remove our copies" command, run as written (minus the
 * context) with the real kubectl against a DR cluster a sync filled:
 * every copy goes; adopted objects, foreign objects, the cluster-made ones
 * and the namespace stay.
 */
import "../../lib/preload.ts";
import { assert, assertEquals } from "../assert.ts";
import {
  cli,
  configMap,
  deployment,
  seed,
  statefulSet,
} from "../lib/workflows/fixtures.ts";
import { withTwoClusters } from "../lib/workflows/fixtures.ts";
import { kubectl } from "../sim/kubectl.ts";
import { ROOT } from "./manifests.ts";

/** The command of the README's Uninstall section, as argv. */
function readmeCommand(): string[] {
  const readme = Deno.readTextFileSync(`${ROOT}README.md`);
  const m = /^(kubectl --context dr delete --all-namespaces[^\n]*\\\n[^\n]*)$/m
    .exec(readme);
  assert(m, "README has no copy-removal command");
  const text = m[1].replace(/\\\n\s*/, " ");
  const args = [...text.matchAll(/'([^']*)'|(\S+)/g)].map((x) => x[1] ?? x[2]);
  assertEquals(args.slice(0, 3), ["kubectl", "--context", "dr"]);
  return args.slice(3);
}

Deno.test("README uninstall: the command removes exactly our copies", async () => {
  await withTwoClusters(async (t) => {
    await seed(t.src, t, "shop", [
      deployment("api", 2),
      statefulSet("db", 1),
      configMap("settings", { a: "1" }),
      {
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: "creds" },
        data: { k: "dg==" },
      },
      {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: "api" },
        spec: { selector: { app: "api" }, ports: [{ port: 80 }] },
      },
    ]);
    const synced = await cli(t, [
      "sync",
      "--from",
      "$SRC",
      "--to",
      "$DR",
      "--namespace",
      "shop:shop-dr",
    ]);
    assertEquals(synced.code, 0, synced.stderr);
    const cm = t.type("configmaps");
    await t.drApi.create(cm, {
      ...configMap("theirs", { b: "1" }),
      metadata: { name: "theirs", namespace: "shop-dr" },
    });
    await t.drApi.create(cm, {
      ...configMap("adopted", { b: "1" }),
      metadata: {
        name: "adopted",
        namespace: "shop-dr",
        labels: {
          "drsyncer.io/replication": "cli.shop",
          "drsyncer.io/adopted": "true",
        },
      },
    });

    const everything = async () => {
      const out: { name: string; labels?: Record<string, string> }[] = [];
      for (
        const [resource, group] of [
          ["deployments", "apps"],
          ["statefulsets", "apps"],
          ["services", ""],
          ["secrets", ""],
          ["configmaps", ""],
          ["serviceaccounts", ""],
        ]
      ) {
        for (
          const o of await t.drApi.list(t.type(resource, group), "shop-dr")
        ) {
          out.push({
            name: `${resource}/${o.metadata.name}`,
            labels: o.metadata.labels,
          });
        }
      }
      return out;
    };
    const before = await everything();
    // kube-sim serves no LimitRanges or ResourceQuotas; a real cluster does.
    const args = readmeCommand();
    const typesAt = args.findIndex((a) => a.startsWith("deployments.apps,"));
    const served = (name: string) => {
      const [plural, ...group] = name.split(".");
      return t.discovery.some((d) =>
        d.resource === plural && d.group === group.join(".")
      );
    };
    const types = args[typesAt].split(",");
    assertEquals(types.filter((x) => !served(x)), [
      "limitranges",
      "resourcequotas",
    ]);
    args[typesAt] = types.filter(served).join(",");
    const r = await kubectl(t.dr, args);
    assertEquals(r.code, 0, r.stderr);

    const after = await everything();
    const ours = (labels: Record<string, string> | undefined) =>
      labels?.["drsyncer.io/replication"] !== undefined &&
      labels?.["drsyncer.io/adopted"] === undefined;
    assertEquals(
      after,
      before.filter((o) => !ours(o.labels)),
      "exactly the copies are gone",
    );
    assert(before.some((o) => ours(o.labels)), "there were copies");
    assert(after.some((o) => o.name === "configmaps/theirs"));
    assert(after.some((o) => o.name === "configmaps/adopted"));
    assert(after.some((o) => o.name === "configmaps/kube-root-ca.crt"));
    assert(await t.drApi.getNamespace("shop-dr"), "the namespace stays");
  });
});
