/**
 * applyActions over a shared write pool: the pure scheduling of writes
 * (a recording writer, no cluster) — ranks kept within a namespace, other
 * namespaces' writes filling the slots a namespace leaves idle.
 */
import "../../../lib/preload.ts";
import { assert, assertEquals } from "../../assert.ts";
import { applyActions } from "../../../lib/engine/apply.ts";
import type { ClusterWriter } from "../../../lib/engine/ports.ts";
import { WritePool } from "../../../lib/engine/write-pool.ts";
import type { PlannedAction } from "../../../lib/sync/plan.ts";
import { writeRank } from "../../../lib/sync/order.ts";
import type { ApiResource, KubeObject } from "../../../lib/sync/types.ts";

interface Write {
  namespace: string;
  kind: string;
  name: string;
  start: number;
  end?: number;
}

/** Creates take `slowMs` for names starting with "slow", else a tick. */
function recordingWriter(log: Write[], clock: { t: number }): ClusterWriter {
  return {
    get: () => Promise.resolve(undefined),
    create: async (_type: ApiResource, o: KubeObject) => {
      const w: Write = {
        namespace: o.metadata.namespace!,
        kind: o.kind,
        name: o.metadata.name,
        start: clock.t++,
      };
      log.push(w);
      await new Promise((r) =>
        setTimeout(r, o.metadata.name.startsWith("slow") ? 30 : 1)
      );
      w.end = clock.t++;
      return o;
    },
    replace: (_type: ApiResource, o: KubeObject) => Promise.resolve(o),
    remove: () => Promise.resolve(),
  };
}

function create(namespace: string, kind: string, name: string): PlannedAction {
  const object = {
    apiVersion: "v1",
    kind,
    metadata: { namespace, name },
  } as KubeObject;
  return { action: "create", key: `${kind}/${name}`, kind, name, object };
}

/** A namespace's plan in write order; namespace a's first ConfigMap is slow. */
function plan(namespace: string): PlannedAction[] {
  return [
    create(namespace, "ConfigMap", namespace === "a" ? "slow" : "cm0"),
    ...[1, 2, 3].map((i) => create(namespace, "ConfigMap", `cm${i}`)),
    ...[1, 2].map((i) => create(namespace, "Service", `svc${i}`)),
    ...[1, 2].map((i) => create(namespace, "Deployment", `dep${i}`)),
  ];
}

function apply(
  namespace: string,
  writer: ClusterWriter,
  pool: WritePool,
) {
  return applyActions(plan(namespace), {
    writer,
    typeOf: (o) => ({
      group: "",
      version: "v1",
      resource: o.kind.toLowerCase(),
      kind: o.kind,
      namespaced: true,
      verbs: ["create"],
    }),
    current: new Map(),
    replan: (desired) => create(desired.metadata.namespace!, desired.kind, ""),
    namespace,
    concurrency: 16,
    dryRun: false,
    pool,
  });
}

Deno.test("apply over a shared pool: within a namespace no write of a rank starts before the rank before it ended", async () => {
  const log: Write[] = [];
  const clock = { t: 0 };
  const writer = recordingWriter(log, clock);
  const pool = new WritePool(3);
  const results = await Promise.all(
    ["a", "b", "c"].map((ns) => apply(ns, writer, pool)),
  );
  for (const r of results) {
    assertEquals(r.map((o) => o.status), Array(8).fill("done"));
  }
  for (const ns of ["a", "b", "c"]) {
    const writes = log.filter((w) => w.namespace === ns);
    for (const w of writes) {
      const earlier = writes.filter((x) =>
        writeRank(x.kind) < writeRank(w.kind)
      );
      for (const e of earlier) {
        assert(
          e.end! < w.start,
          `${ns}: ${w.kind} started before ${e.kind} ${e.name} ended`,
        );
      }
    }
  }
});

Deno.test("apply over a shared pool: while a namespace waits for its slow write, other namespaces use the slots, within the bound", async () => {
  const log: Write[] = [];
  const clock = { t: 0 };
  const writer = recordingWriter(log, clock);
  const pool = new WritePool(2);
  await Promise.all(["a", "b"].map((ns) => apply(ns, writer, pool)));
  // Never more than the pool's size in flight.
  for (const w of log) {
    const overlapping = log.filter((x) =>
      x.start <= w.start && x.end! > w.start
    );
    assert(overlapping.length <= 2, `${overlapping.length} writes in flight`);
  }
  // a's slow ConfigMap holds a's next rank; b's later ranks run meanwhile.
  const slowA = log.find((w) => w.namespace === "a" && w.name === "slow")!;
  const bDuring = log.filter((w) =>
    w.namespace === "b" && w.start > slowA.start && w.end! < slowA.end!
  );
  assert(
    bDuring.some((w) => w.kind !== "ConfigMap"),
    `b wrote only ${bDuring.map((w) => w.name)} while a waited`,
  );
});
