import "../../lib/preload.ts";
import { assert, assertEquals, assertMatch } from "../assert.ts";
import { serveHealth } from "../../lib/health.ts";
import {
  DEFAULT_LIVENESS,
  LoopLagMonitor,
  queueProblems,
  type QueueProgress,
} from "../../lib/liveness.ts";
import { Manager } from "../../lib/manager.ts";
import type { QueueHandle } from "../../lib/controller.ts";
import { eventually, simWriter, withSim } from "./sim-helpers.ts";

const NOW = 1_000_000;
const LIMITS = {
  maxLoopLagMs: 100,
  maxReconcileMs: 60_000,
  maxStallMs: 30_000,
};

function aQueue(o: Partial<QueueProgress> = {}): QueueProgress {
  return { name: "replication", depth: 0, lastDoneAt: NOW, ...o };
}

const cases: { name: string; queue: QueueProgress; want: RegExp | null }[] = [
  {
    name: "idle queue is alive however old",
    queue: aQueue({ lastDoneAt: 0 }),
    want: null,
  },
  {
    name: "a reconcile within its bound is alive",
    queue: aQueue({ oldestStartedAt: NOW - 59_000 }),
    want: null,
  },
  {
    name: "a reconcile past its bound is wedged",
    queue: aQueue({ oldestStartedAt: NOW - 61_000 }),
    want: /replication: a reconcile has run for 61s/,
  },
  {
    name:
      "a long reconcile that keeps reporting progress is alive (issue 15.8)",
    queue: aQueue({
      depth: 2,
      oldestStartedAt: NOW - 600_000,
      lastDoneAt: NOW - 600_000,
      lastProgressAt: NOW - 5_000,
    }),
    want: null,
  },
  {
    name: "a long reconcile whose progress stopped is wedged",
    queue: aQueue({
      oldestStartedAt: NOW - 600_000,
      lastProgressAt: NOW - 40_000,
    }),
    want: /a reconcile has run for 600s, with no progress for 40s/,
  },
  {
    name: "queued keys with recent progress are alive",
    queue: aQueue({ depth: 3, lastDoneAt: NOW - 29_000 }),
    want: null,
  },
  {
    name: "queued keys and no progress past the bound is wedged",
    queue: aQueue({ depth: 3, lastDoneAt: NOW - 31_000 }),
    want: /3 queued, none finished for 31s/,
  },
];
for (const c of cases) {
  Deno.test(`liveness: ${c.name}`, () => {
    const problems = queueProblems([c.queue], NOW, LIMITS);
    if (c.want === null) assertEquals(problems, []);
    else assertMatch(problems.join(), c.want);
  });
}

Deno.test("liveness: defaults leave room for long syncs", () => {
  assert(DEFAULT_LIVENESS.maxReconcileMs >= 10 * 60_000);
  assert(DEFAULT_LIVENESS.maxLoopLagMs >= 10_000);
});

function busyWait(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) { /* hold the event loop */ }
}

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

Deno.test("liveness: /healthz fails while the event loop lags and recovers after", async () => {
  const lag = new LoopLagMonitor(10);
  lag.start();
  const server = serveHealth(
    "127.0.0.1:0",
    () => ({ ready: true, reasons: [] }),
    () => {
      const ms = lag.lagMs;
      return ms > 100
        ? { ready: false, reasons: [`event loop lagging ${Math.round(ms)}ms`] }
        : { ready: true, reasons: [] };
    },
  );
  const healthz = async () => {
    const res = await fetch(`http://127.0.0.1:${server.port}/healthz`);
    return [res.status, (await res.text()).trim()] as const;
  };
  try {
    await tick(30);
    assertEquals(await healthz(), [200, "ok"]);
    busyWait(300);
    const [status, body] = await healthz();
    assertEquals(status, 503);
    assertMatch(body, /^not alive: event loop lagging \d+ms$/);
    await tick(50);
    assertEquals(await healthz(), [200, "ok"], "recovered");
  } finally {
    lag.stop();
    await server.shutdown();
  }
});

Deno.test("liveness: the manager's /healthz flips when a reconcile hangs, /readyz stays up", async () => {
  await withSim(async (c, clients) => {
    simWriter(c, "app").namespace();
    simWriter(c, "app").create("stuck");
    const manager = new Manager({
      source: clients.make(),
      healthAddr: "127.0.0.1:0",
      shutdownTimeoutMs: 100,
      liveness: { maxReconcileMs: 300, maxStallMs: 300 },
    });
    let started = false;
    manager.add({
      reconciler: {
        name: "hangs",
        reconcile: (_key, signal) => {
          started = true;
          return new Promise<void>((resolve) =>
            signal.addEventListener("abort", () => resolve(), { once: true })
          );
        },
      },
      watches: [{
        spec: {
          type: { group: "", version: "v1", resource: "configmaps" },
          namespace: "app",
        },
        keys: (e) => e.object.metadata.name === "stuck" ? ["app/stuck"] : [],
      }],
    });
    const stop = new AbortController();
    const done = manager.run(stop.signal);
    const probe = async (path: string) => {
      const res = await fetch(`http://127.0.0.1:${manager.healthPort}${path}`);
      return [res.status, (await res.text()).trim()] as const;
    };
    await eventually(() => started, 5000, "reconcile started");
    assertEquals(await probe("/healthz"), [200, "ok"]);
    assertEquals((await probe("/readyz"))[0], 200);
    const deadline = Date.now() + 3000;
    while ((await probe("/healthz"))[0] !== 503) {
      assert(Date.now() < deadline, "never reported wedged");
      await tick(50);
    }
    assertMatch((await probe("/healthz"))[1], /hangs: a reconcile has run for/);
    assertEquals(
      (await probe("/readyz"))[0],
      200,
      "readiness is a separate question",
    );
    stop.abort();
    assertEquals(await done, 0);
  });
});

Deno.test("liveness: a reconcile that reports progress stays alive past maxReconcileMs (issue 15.8)", async () => {
  await withSim(async (c, clients) => {
    simWriter(c, "app").namespace();
    simWriter(c, "app").create("slow");
    const manager = new Manager({
      source: clients.make(),
      healthAddr: "127.0.0.1:0",
      shutdownTimeoutMs: 100,
      liveness: { maxReconcileMs: 300, maxStallMs: 300 },
    });
    let queue: QueueHandle | undefined;
    let finished = false;
    manager.add({
      reconciler: {
        name: "slow",
        reconcile: async () => {
          // A large first sync: 1.2 s of steady writes, progress each 50 ms.
          for (let i = 0; i < 24; i++) {
            await tick(50);
            queue?.progressed?.();
          }
          finished = true;
        },
      },
      watches: [{
        spec: {
          type: { group: "", version: "v1", resource: "configmaps" },
          namespace: "app",
        },
        keys: (e) => e.object.metadata.name === "slow" ? ["app/slow"] : [],
      }],
      attach: (q) => queue = q,
    });
    const stop = new AbortController();
    const done = manager.run(stop.signal);
    try {
      let checks = 0;
      while (!finished) {
        const res = await fetch(
          `http://127.0.0.1:${manager.healthPort ?? 0}/healthz`,
        ).catch(() => undefined);
        if (res) {
          assertEquals([res.status, (await res.text()).trim()], [200, "ok"]);
          checks++;
        }
        await tick(50);
      }
      assert(checks > 10, `probed ${checks} times`);
    } finally {
      stop.abort();
      assertEquals(await done, 0);
    }
  });
});
