import "../../../lib/preload.ts";
import { assert, assertEquals } from "../../assert.ts";
import { Informer } from "../../../lib/informer/informer.ts";
import type { SimCluster } from "../../sim/mod.ts";
import {
  anEventLog,
  type ClientFactory,
  eventually,
  simWriter,
  withSim,
} from "../sim-helpers.ts";

const NS = "app";
const configMaps = { group: "", version: "v1", resource: "configmaps" };
/** The sim, like a real cluster, puts this ConfigMap into every namespace. */
const ROOT_CA = "kube-root-ca.crt";
const ours = (names: string[]) => names.filter((n) => !n.includes(ROOT_CA));
/** Short timings so faults recover in well under a second. */
const fast = {
  backoff: { initialMs: 150, maxMs: 400, jitter: 0 },
  watchdogMs: 600,
  pageSize: 2,
};

async function aRunningInformer(c: SimCluster, clients: ClientFactory) {
  const w = simWriter(c, NS);
  w.namespace();
  for (const name of ["a", "b", "c", "keep"]) w.create(name, { v: "1" });
  const log = anEventLog();
  const causes: string[] = [];
  const informer = new Informer(
    clients.make(),
    { type: configMaps, namespace: NS },
    { ...fast, onRestart: (cause) => causes.push(cause) },
  );
  informer.addHandler(log.handler);
  informer.start();
  await informer.synced;
  await eventually(() => c.hub.size > 0, 5000, "watch open");
  return { w, log, informer, causes };
}

Deno.test("informer: paginated list, then watch events", async () => {
  await withSim(async (c, clients) => {
    const { w, log, informer } = await aRunningInformer(c, clients);
    try {
      assertEquals(ours(log.events).sort(), [
        "add:a=1",
        "add:b=1",
        "add:c=1",
        "add:keep=1",
      ]);
      assert(c.counters.get("list", "configmaps") >= 2, "pages of 2");
      w.create("d", { v: "1" });
      w.update("a", { v: "2" });
      w.remove("b");
      await eventually(() => log.has("delete:b=1"));
      assert(log.has("add:d=1") && log.has("update:a=2"));
      assertEquals(ours(informer.list().map((o) => o.metadata.name)).length, 4);
      assertEquals(informer.get("a", NS)?.metadata.managedFields, undefined);
    } finally {
      await informer.stop();
    }
  });
});

/** Each fault takes the watch down; a change and a delete happen meanwhile. */
const faults: Array<{
  name: string;
  inject: (c: SimCluster) => Promise<() => Promise<void>>;
  cause: RegExp;
  relist?: boolean;
}> = [
  {
    name: "watch closed by the server",
    inject: (c) => (c.faults.cutWatches(), Promise.resolve(async () => {})),
    cause: /Closed/,
  },
  {
    name: "watch connection broken",
    inject: (
      c,
    ) => (c.faults.cutWatches({ abrupt: true }),
      Promise.resolve(async () => {})),
    cause: /Closed|Unreachable|Unknown/,
  },
  {
    name: "forced 410 on the next watch (relist)",
    inject: (c) => {
      c.faults.forceGoneOnNextWatch();
      c.faults.cutWatches();
      return Promise.resolve(async () => {});
    },
    cause: /Expired/,
    relist: true,
  },
  {
    name: "burst of 500s",
    inject: (c) => {
      c.faults.failNext(3, 500);
      c.faults.cutWatches();
      return Promise.resolve(async () => {});
    },
    cause: /InternalError/,
  },
  {
    name: "429 with Retry-After",
    inject: (c) => {
      c.faults.failNext(2, 429, 1);
      c.faults.cutWatches();
      return Promise.resolve(async () => {});
    },
    cause: /TooManyRequests/,
  },
  {
    name: "cluster unreachable for a while",
    inject: async (c) => {
      const up = await c.faults.outage();
      return async () => {
        await new Promise((r) => setTimeout(r, 700));
        await up();
      };
    },
    cause: /Unreachable/,
  },
];

for (const f of faults) {
  Deno.test(`informer recovers with no event lost: ${f.name}`, async () => {
    await withSim(async (c, clients) => {
      const { w, log, informer, causes } = await aRunningInformer(c, clients);
      try {
        const recover = await f.inject(c);
        w.update("a", { v: "2" });
        w.remove("b");
        await recover();
        await eventually(
          () => log.has("update:a=2") && log.has("delete:b=1"),
          8000,
          "missed events",
        );
        assert(causes.some((x) => f.cause.test(x)), `causes: ${causes}`);
        if (f.relist) assertEquals(informer.stats.relists, 2, "410 relisted");
        w.create("after", { v: "1" });
        await eventually(() => log.has("add:after=1"), 5000, "watch resumed");
        assertEquals(ours(informer.list().map((o) => o.metadata.name)).sort(), [
          "a",
          "after",
          "c",
          "keep",
        ]);
      } finally {
        await informer.stop();
      }
    });
  });
}

Deno.test("informer: watchdog re-watches a silent (stalled) stream", async () => {
  await withSim(async (c, clients) => {
    const { w, log, informer, causes } = await aRunningInformer(c, clients);
    try {
      const restore = c.faults.stallWatches();
      w.update("a", { v: "2" }); // swallowed by the stalled stream
      await eventually(() => causes.includes("Stalled"), 3000, "watchdog");
      restore();
      await eventually(
        () => log.has("update:a=2"),
        5000,
        "event after re-watch",
      );
    } finally {
      await informer.stop();
    }
  });
});

Deno.test("informer: requests bookmarks and a randomised timeout", async () => {
  await withSim(async (c, clients) => {
    const seen: string[] = [];
    const client = clients.make();
    const inner = client.watch.bind(client);
    client.watch = (ms?: number) => {
      const w = inner(ms);
      const orig = w.watch.bind(w);
      w.watch = (path, query, cb, done) => {
        seen.push(JSON.stringify(query));
        return orig(path, query, cb, done);
      };
      return w;
    };
    simWriter(c, NS).namespace();
    const informer = new Informer(client, {
      type: configMaps,
      namespace: NS,
      labelSelector: "app=x",
    }, {
      watchTimeoutSeconds: [300, 600],
      random: () => 0.5,
    });
    informer.start();
    await informer.synced;
    await eventually(() => seen.length > 0);
    await informer.stop();
    const q = JSON.parse(seen[0]);
    assertEquals([q.allowWatchBookmarks, q.timeoutSeconds, q.labelSelector], [
      true,
      450,
      "app=x",
    ]);
    assert(typeof q.resourceVersion === "string" && q.resourceVersion !== "");
  });
});

const persistent: Array<
  { name: string; inject: (c: SimCluster) => void; cause: string }
> = [
  {
    name: "410 on every watch",
    inject: (c) => (c.faults.forceGoneOnNextWatch(1000), c.faults.cutWatches()),
    cause: "Expired",
  },
  {
    name: "500 on every request",
    inject: (c) => (c.faults.failNext(1000, 500), c.faults.cutWatches()),
    cause: "InternalError",
  },
];

for (const p of persistent) {
  Deno.test(`informer: a persistent fault (${p.name}) backs off instead of looping hot`, async () => {
    await withSim(async (c, clients) => {
      const { informer, causes } = await aRunningInformer(c, clients);
      try {
        const before = c.counters.total();
        p.inject(c);
        await new Promise((r) => setTimeout(r, 1500));
        const requests = c.counters.total() - before;
        // Backoff 150 → 300 → 400 ms (capped): about 5 attempts in 1.5 s;
        // each may retry a few times inside ClusterHttp.
        console.log(
          `${p.name}: ${causes.length} restarts, ${requests} requests in 1.5 s`,
        );
        assert(
          causes.filter((x) => x === p.cause).length <= 6,
          `restarts: ${causes}`,
        );
        assert(requests <= 30, `requests in 1.5 s: ${requests}`);
      } finally {
        c.faults.clear();
        await informer.stop();
      }
    });
  });
}
