import "../../lib/preload.ts";
import { assert, assertEquals } from "../assert.ts";
import { WorkQueue, type WorkQueueOptions } from "../../lib/workqueue.ts";
import { FakeClock, flush } from "./fake-clock.ts";

/** A controllable handler: each run waits until the test releases it. */
function aRecordingHandler() {
  const runs: string[] = [];
  const pending = new Map<string, Array<(fail?: Error) => void>>();
  let active = 0;
  let maxActive = 0;
  const activeByKey = new Map<string, number>();
  let maxSameKey = 0;
  const handler = (key: string) => {
    runs.push(key);
    active++;
    maxActive = Math.max(maxActive, active);
    activeByKey.set(key, (activeByKey.get(key) ?? 0) + 1);
    maxSameKey = Math.max(maxSameKey, activeByKey.get(key)!);
    return new Promise<void>((resolve, reject) => {
      const list = pending.get(key) ?? [];
      list.push((fail?: Error) => {
        active--;
        activeByKey.set(key, activeByKey.get(key)! - 1);
        fail ? reject(fail) : resolve();
      });
      pending.set(key, list);
    });
  };
  const finish = async (key: string, fail?: Error) => {
    const list = pending.get(key);
    assert(list?.length, `no pending run of ${key}`);
    list.shift()!(fail);
    await flush();
  };
  return {
    runs,
    handler,
    finish,
    get maxActive() {
      return maxActive;
    },
    get maxSameKey() {
      return maxSameKey;
    },
  };
}

function aQueue(
  h: ReturnType<typeof aRecordingHandler>,
  opts: Partial<WorkQueueOptions> = {},
) {
  const clock = new FakeClock();
  const queue = new WorkQueue({ handler: h.handler, clock, ...opts });
  return { clock, queue };
}

Deno.test("work queue: repeated adds of a waiting key collapse", async () => {
  const h = aRecordingHandler();
  const { queue } = aQueue(h);
  queue.add("a"); // starts at once
  queue.add("b");
  queue.add("b");
  queue.add("b");
  assertEquals(queue.depth, 1);
  await h.finish("a");
  await h.finish("b");
  assertEquals(h.runs, ["a", "b"]);
  assertEquals(queue.stats.adds, 2);
});

Deno.test("work queue: a key is never processed twice at once", async () => {
  const h = aRecordingHandler();
  const { queue } = aQueue(h, { concurrency: 4 });
  queue.add("a");
  queue.add("a"); // re-added while running: must wait
  queue.add("a");
  await flush();
  assertEquals(h.runs, ["a"]);
  await h.finish("a");
  assertEquals(h.runs, ["a", "a"], "re-add during processing runs again");
  await h.finish("a");
  assertEquals(h.maxSameKey, 1);
  assertEquals(queue.inFlight, 0);
});

Deno.test("work queue: concurrency bounds distinct keys", async () => {
  const h = aRecordingHandler();
  const { queue } = aQueue(h, { concurrency: 2 });
  for (const k of ["a", "b", "c", "d"]) queue.add(k);
  await flush();
  assertEquals(h.runs, ["a", "b"]);
  assertEquals(queue.depth, 2);
  await h.finish("a");
  assertEquals(h.runs, ["a", "b", "c"]);
  await h.finish("b");
  await h.finish("c");
  await h.finish("d");
  assertEquals(h.maxActive, 2);
});

Deno.test("work queue: failures back off exponentially per key", async () => {
  const h = aRecordingHandler();
  const errors: number[] = [];
  const { clock, queue } = aQueue(h, {
    baseDelayMs: 10,
    maxDelayMs: 35,
    onError: (_k, _e, n) => errors.push(n),
  });
  queue.add("a");
  const expectedDelays = [10, 20, 35, 35]; // doubling, then capped
  for (const delay of expectedDelays) {
    await h.finish("a", new Error("boom"));
    await clock.advance(delay - 1);
    assertEquals(h.runs.length, errors.length, `not before ${delay} ms`);
    await clock.advance(1);
    assertEquals(h.runs.length, errors.length + 1, `after ${delay} ms`);
  }
  assertEquals(queue.failures("a"), 4);
  await h.finish("a"); // success resets the count
  assertEquals(queue.failures("a"), 0);
  assertEquals(queue.stats.retries, 4);
});

Deno.test("work queue: addAfter keeps the earliest schedule", async () => {
  const h = aRecordingHandler();
  const { clock, queue } = aQueue(h);
  queue.addAfter("a", 100);
  queue.addAfter("a", 500); // later: ignored
  queue.addAfter("b", 300);
  queue.addAfter("b", 50); // earlier: replaces
  assertEquals(queue.waiting, 2);
  await clock.advance(50);
  assertEquals(h.runs, ["b"]);
  await h.finish("b");
  await clock.advance(50);
  assertEquals(h.runs, ["b", "a"]);
  await h.finish("a");
  await clock.advance(1000);
  assertEquals(h.runs, ["b", "a"], "replaced schedules never fire");
});

Deno.test("work queue: requeueAfterMs schedules the next run", async () => {
  const clock = new FakeClock();
  const runs: number[] = [];
  const queue = new WorkQueue({
    clock,
    handler: () => {
      runs.push(clock.now());
      return Promise.resolve({ requeueAfterMs: 1000 });
    },
  });
  queue.add("a");
  await clock.advance(2500);
  assertEquals(runs.map((t) => t - runs[0]), [0, 1000, 2000]);
  await queue.shutdown(10);
  assertEquals(clock.pending, 0, "shutdown clears scheduled keys");
});

Deno.test("work queue: shutdown drains in-flight work and stops intake", async () => {
  const h = aRecordingHandler();
  const { clock, queue } = aQueue(h, { concurrency: 2 });
  queue.add("a");
  queue.add("b");
  queue.add("c"); // queued, never started
  const done = queue.shutdown(1000);
  queue.add("d");
  await h.finish("a");
  await h.finish("b");
  assertEquals(await done, { drained: true, abandoned: [] });
  assertEquals(h.runs, ["a", "b"]);
  assertEquals(clock.pending, 0);
});

Deno.test("work queue: shutdown deadline aborts stuck handlers", async () => {
  const clock = new FakeClock();
  let aborted = false;
  const queue = new WorkQueue({
    clock,
    handler: (_key, signal) =>
      new Promise<void>((_resolve, reject) => {
        signal.addEventListener("abort", () => {
          aborted = true;
          reject(signal.reason);
        });
      }),
  });
  queue.add("stuck");
  const done = queue.shutdown(500);
  await clock.advance(499);
  assert(!aborted, "not before the deadline");
  await clock.advance(1);
  assertEquals(await done, { drained: false, abandoned: ["stuck"] });
  await flush();
  assert(aborted, "handler saw the abort");
});

Deno.test("work queue: external abort stops every handler at once", async () => {
  const clock = new FakeClock();
  const lost = new AbortController();
  const seen: string[] = [];
  const queue = new WorkQueue({
    clock,
    concurrency: 3,
    signal: lost.signal,
    handler: (key, signal) =>
      new Promise<void>((resolve) =>
        signal.addEventListener("abort", () => {
          seen.push(key);
          resolve();
        })
      ),
  });
  for (const k of ["a", "b", "c", "d"]) queue.add(k);
  queue.addAfter("e", 10);
  lost.abort(new Error("leadership lost"));
  await flush();
  assertEquals(seen.sort(), ["a", "b", "c"]);
  assert(queue.closed);
  assertEquals(clock.pending, 0);
  assertEquals(queue.depth, 0);
});

Deno.test("work queue: progress reports the oldest running key and the last finish", async () => {
  const clock = new FakeClock(1000);
  const release: (() => void)[] = [];
  const q = new WorkQueue({
    clock,
    concurrency: 2,
    handler: () => new Promise<void>((r) => release.push(r)),
  });
  const none = { lastProgressAt: undefined };
  assertEquals(q.progress, {
    oldestStartedAt: undefined,
    lastDoneAt: 1000,
    ...none,
  });
  q.add("a");
  await clock.advance(50);
  q.add("b");
  assertEquals(q.progress, {
    oldestStartedAt: 1000,
    lastDoneAt: 1000,
    ...none,
  });
  await clock.advance(50);
  release.shift()!();
  await flush();
  assertEquals(q.progress, {
    oldestStartedAt: 1050,
    lastDoneAt: 1100,
    ...none,
  });
  await clock.advance(20);
  q.progressed();
  assertEquals(q.progress.lastProgressAt, 1120);
  release.shift()!();
  await flush();
  assertEquals(q.progress.oldestStartedAt, undefined);
  await q.shutdown(0);
});
