/**
 * `cutover --dry-run` and `failback --dry-run`: the whole plan printed,
 * zero writes (the simulator's request counters), and the real run sends
 * exactly the writes its dry run printed (the simulator's request log).
 */
import "../../../lib/preload.ts";
import { assert, assertEquals, assertMatch } from "../../assert.ts";
import {
  cli,
  configMap,
  cronJob,
  deployment,
  recordingIo,
  seed,
  statefulSet,
  type TwoClusters,
  withTwoClusters,
  WRITES,
} from "./fixtures.ts";
import { simOf, simOnly } from "../../world/shared.ts";

const PAIR = ["--from", "$SRC", "--to", "$DR", "--namespace", "shop:shop-dr"];
const SYNC = ["sync", ...PAIR];
const CUTOVER = ["cutover", ...PAIR];
const FAILBACK = ["failback", ...PAIR];

/** One write as (cluster, action, resource, namespace, name); no name for a create. */
type Write = string;

async function seedShop(t: TwoClusters): Promise<void> {
  await seed(t.src, t, "shop", [
    deployment("api", 3),
    statefulSet("db", 2),
    cronJob("nightly"),
    configMap("settings", { a: "1" }),
  ]);
}

function resetAll(t: TwoClusters): void {
  for (const c of [t.source, t.dr]) {
    c.counters.reset();
  }
  for (const c of Object.values(t.sim ?? {})) c.requests.clear();
}

/** The rows of the printed plan table. */
function planRows(stdout: string): string[][] {
  const lines = stdout.split("\n");
  const header = lines.findIndex((l) => l.startsWith("STEP"));
  if (header < 0) return [];
  const rows: string[][] = [];
  for (const line of lines.slice(header + 1)) {
    if (/^\d+ write\(s\) planned/.test(line)) break;
    rows.push(line.split(/\s{2,}/));
  }
  return rows;
}

function planWrites(t: TwoClusters, rows: string[][]): Write[] {
  return rows.map(([_step, cluster, action, kind, ns, name]) => {
    const resource = t.discovery.find((d) => d.kind === kind)!.resource;
    const namespace = ns === "-" ? "" : ns;
    return [
      cluster,
      action,
      resource,
      namespace,
      action === "create" ? "" : name,
    ]
      .join(" ");
  }).sort();
}

const ACTIONS: Record<string, string> = {
  POST: "create",
  PUT: "update",
  PATCH: "update",
  DELETE: "delete",
};

/** Writes the simulator served, in the same form as {@link planWrites}. */
function servedWrites(t: TwoClusters): Write[] {
  const out: Write[] = [];
  for (
    const [cluster, sim] of [["source", simOf(t).source], [
      "DR",
      simOf(t).dr,
    ]] as const
  ) {
    for (const r of sim.requests.entries()) {
      const action = ACTIONS[r.method];
      // A refused write (a create answered AlreadyExists) changed nothing.
      if (!action || r.code >= 400) continue;
      const path = new URL(r.url, "https://x").pathname.split("/");
      // /api/v1/... or /apis/<group>/<version>/...
      const rest = path[1] === "api" ? path.slice(3) : path.slice(4);
      let namespace = "";
      let resource: string;
      let name: string;
      if (rest[0] === "namespaces" && rest.length >= 3) {
        [namespace, resource, name = ""] = [rest[1], rest[2], rest[3]];
      } else [resource, name = ""] = rest;
      out.push(
        [cluster, action, resource, namespace, action === "create" ? "" : name]
          .join(" "),
      );
    }
  }
  return out.sort();
}

Deno.test(
  "cutover --dry-run prints the whole plan and writes nothing; the real run sends exactly that plan",
  simOnly("compares the plan with kube-sim's request log", async () => {
    await withTwoClusters(async (t) => {
      await seedShop(t);
      assertEquals((await cli(t, SYNC)).code, 0);
      // Work for the final sync: one change, one new object.
      await seed(t.src, t, "shop", [configMap("late", { b: "2" })]);
      resetAll(t);

      const dry = await cli(t, [...CUTOVER, "--dry-run"]);
      assertEquals(dry.code, 0, dry.stderr);
      assertEquals(t.source.counters.total(WRITES), 0, "no source writes");
      assertEquals(t.dr.counters.total(WRITES), 0, "no DR writes");
      assertMatch(dry.stdout, /^cutover plan \(dry run: nothing written\):$/m);
      assertMatch(dry.stdout, /^ {2}final sync: 1 write\(s\)$/m);
      assertMatch(dry.stdout, /^ {2}source scale-down: 3 write\(s\)$/m);
      // Marker, three workloads, then the snapshot demote compares with.
      assertMatch(dry.stdout, /^ {2}promote: 5 write\(s\)$/m);
      const rows = planRows(dry.stdout);
      const row = (step: string, kind: string, name: string) =>
        rows.find((r) => r[0] === step && r[3] === kind && r[5] === name);
      assertEquals(row("final sync", "ConfigMap", "late")?.slice(1, 3), [
        "DR",
        "create",
      ]);
      assertEquals(
        row("source scale-down", "Deployment", "api")?.[6],
        "replicas 3 → 0",
      );
      assertEquals(
        row("source scale-down", "CronJob", "nightly")?.[6],
        "suspend false → true",
      );
      assertEquals(
        row("promote", "Namespace", "shop-dr")?.[6],
        "drsyncer.io/promoted=2026-11-26T10:00:00Z",
      );
      assertEquals(row("promote", "StatefulSet", "db")?.[6], "replicas 0 → 2");
      // Order: the steps as they run.
      const order = rows.map((r) => r[0]).filter((s, i, a) =>
        a.indexOf(s) === i
      );
      assertEquals(order, ["final sync", "source scale-down", "promote"]);
      assertMatch(dry.stdout, /^9 write\(s\) planned/m);

      const planned = planWrites(t, rows);
      resetAll(t);
      const real = await cli(t, CUTOVER);
      assertEquals(real.code, 0, real.stderr);
      assertEquals(servedWrites(t), planned);

      resetAll(t);
      const after = await cli(t, [...CUTOVER, "--dry-run"]);
      assertEquals(after.code, 0, after.stderr);
      assertMatch(after.stdout, /^0 write\(s\) planned/m, "done: nothing left");
      assertEquals(
        t.source.counters.total(WRITES) + t.dr.counters.total(WRITES),
        0,
      );
    });
  }),
);

Deno.test(
  "cutover --dry-run without a previous sync plans the DR namespace and starts what it would create",
  simOnly("compares the plan with kube-sim's request log", async () => {
    await withTwoClusters(async (t) => {
      await seedShop(t);
      resetAll(t);
      const dry = await cli(t, [...CUTOVER, "--dry-run"]);
      assertEquals(dry.code, 0, dry.stderr);
      assertEquals(
        t.source.counters.total(WRITES) + t.dr.counters.total(WRITES),
        0,
      );
      assertEquals(await t.drApi.getNamespace("shop-dr"), undefined);
      const rows = planRows(dry.stdout);
      assert(rows.some((r) => r[0] === "final sync" && r[3] === "Namespace"));
      const started = rows.find((r) =>
        r[0] === "promote" && r[3] === "Deployment" && r[5] === "api"
      );
      assertEquals(started?.[6], "replicas 0 → 3");

      assertEquals(dry.io.raw, [], "not a terminal: no progress drawn");
      const tty = await cli(t, [...CUTOVER, "--dry-run"], recordingIo(true));
      assert(
        tty.io.raw.some((r) => /shop → shop-dr: \d+\/\d+ objects/.test(r)),
        `progress on a terminal: ${tty.io.raw}`,
      );
      assertEquals(tty.stdout, dry.stdout, "progress goes to stderr only");

      const planned = planWrites(t, rows);
      resetAll(t);
      assertEquals((await cli(t, CUTOVER)).code, 0);
      assertEquals(servedWrites(t), planned);
    });
  }),
);

Deno.test(
  "failback --dry-run prints demote and source start, writes nothing; the real run matches",
  simOnly("compares the plan with kube-sim's request log", async () => {
    await withTwoClusters(async (t) => {
      await seedShop(t);
      assertEquals((await cli(t, CUTOVER)).code, 0);
      resetAll(t);

      for (const extra of [[], ["--sync-back"]]) {
        const dry = await cli(t, [...FAILBACK, ...extra, "--dry-run"]);
        assertEquals(dry.code, 0, dry.stderr);
        assertEquals(
          t.source.counters.total(WRITES) + t.dr.counters.total(WRITES),
          0,
        );
        assertMatch(
          dry.stdout,
          /^failback plan \(dry run: nothing written\):$/m,
        );
        assertEquals(/^ {2}sync back:/m.test(dry.stdout), extra.length > 0);
      }
      const dry = await cli(t, [...FAILBACK, "--dry-run"]);
      const rows = planRows(dry.stdout);
      const row = (step: string, kind: string, name: string) =>
        rows.find((r) => r[0] === step && r[3] === kind && r[5] === name);
      assertEquals(row("demote", "Deployment", "api")?.slice(1, 3), [
        "DR",
        "update",
      ]);
      assertEquals(row("demote", "Deployment", "api")?.[6], "replicas 3 → 0");
      assertEquals(
        row("demote", "Namespace", "shop-dr")?.[6],
        "remove drsyncer.io/promoted",
      );
      assertEquals(
        row("source start", "Deployment", "api")?.[6],
        "replicas 0 → 3",
      );
      // DR goes down before the source comes up.
      const steps = rows.map((r) => r[0]);
      assert(steps.lastIndexOf("demote") < steps.indexOf("source start"));

      const planned = planWrites(t, rows);
      resetAll(t);
      const real = await cli(t, FAILBACK);
      assertEquals(real.code, 0, real.stderr);
      assertEquals(servedWrites(t), planned);
    });
  }),
);

Deno.test("cutover --dry-run that would stop says why and still writes nothing", async () => {
  await withTwoClusters(async (t) => {
    resetAll(t);
    const dry = await cli(t, [...CUTOVER, "--dry-run"]);
    assertEquals(dry.code, 1);
    assertMatch(dry.stderr, /^dr-syncer: cutover: .*shop/m);
    assertEquals(
      t.source.counters.total(WRITES) + t.dr.counters.total(WRITES),
      0,
    );
  });
});

Deno.test(
  "failback --sync-back --dry-run plans the DR-side change back; the real run matches",
  simOnly("compares the plan with kube-sim's request log", async () => {
    await withTwoClusters(async (t) => {
      await seedShop(t);
      assertEquals((await cli(t, CUTOVER)).code, 0);
      // Changed on DR while it ran the shop.
      const cm = t.type("configmaps");
      const settings = await t.drApi.get(cm, "shop-dr", "settings");
      await t.drApi.replace(cm, { ...settings!, data: { a: "changed on DR" } });
      resetAll(t);

      const dry = await cli(t, [...FAILBACK, "--sync-back", "--dry-run"]);
      assertEquals(dry.code, 0, dry.stderr);
      assertEquals(
        t.source.counters.total(WRITES) + t.dr.counters.total(WRITES),
        0,
      );
      const rows = planRows(dry.stdout);
      const back = rows.find((r) =>
        r[0] === "sync back" && r[3] === "ConfigMap" && r[5] === "settings"
      );
      assertEquals(back?.slice(1, 3), ["source", "update"]);
      const steps = rows.map((r) => r[0]);
      assert(steps.lastIndexOf("sync back") < steps.indexOf("demote"));

      const planned = planWrites(t, rows);
      resetAll(t);
      const real = await cli(t, [...FAILBACK, "--sync-back"]);
      assertEquals(real.code, 0, real.stderr);
      assertEquals(servedWrites(t), planned);
      const source = await t.src.get(cm, "shop", "settings");
      assertEquals(source?.data, { a: "changed on DR" });
    });
  }),
);
