import "../../../lib/preload.ts";
import { assertEquals, assertRejects } from "../../assert.ts";
import { TokenBucket } from "../../../lib/kube/rate-limit.ts";
import { FakeClock } from "../fake-clock.ts";

Deno.test("token bucket: burst is free, then one token per 1/qps", () => {
  const clock = new FakeClock();
  const bucket = new TokenBucket({ qps: 10, burst: 3, clock });
  const waits = Array.from({ length: 6 }, () => bucket.reserve());
  assertEquals(waits.map(Math.round), [0, 0, 0, 100, 200, 300]);
});

Deno.test("token bucket: refills over time up to burst only", async () => {
  const clock = new FakeClock();
  const bucket = new TokenBucket({ qps: 2, burst: 2, clock });
  bucket.reserve();
  bucket.reserve();
  await clock.advance(60_000); // a long idle time refills only to burst
  assertEquals([bucket.reserve(), bucket.reserve()], [0, 0]);
  assertEquals(Math.round(bucket.reserve()), 500);
});

Deno.test("token bucket: N requests take (N - burst) / qps seconds", async () => {
  const clock = new FakeClock();
  const bucket = new TokenBucket({ qps: 5, burst: 5, clock });
  const start = clock.now();
  let done = 0;
  const all = Array.from(
    { length: 25 },
    () => bucket.take().then(() => done++),
  );
  await clock.advance(3999);
  assertEquals(done, 24, "20 paced tokens need 4 s");
  await clock.advance(1);
  await Promise.all(all);
  assertEquals(clock.now() - start, 4000);
});

Deno.test("token bucket: qps 0 disables limiting", () => {
  const bucket = new TokenBucket({ qps: 0, burst: 1, clock: new FakeClock() });
  assertEquals([1, 2, 3].map(() => bucket.reserve()), [0, 0, 0]);
});

Deno.test("token bucket: an aborted wait returns its token", async () => {
  const clock = new FakeClock();
  const bucket = new TokenBucket({ qps: 1, burst: 1, clock });
  bucket.reserve();
  const ac = new AbortController();
  const waiting = bucket.take(ac.signal);
  ac.abort(new Error("stop"));
  await assertRejects(() => waiting, /stop/);
  assertEquals(Math.round(bucket.reserve()), 1000, "only one token owed");
});
