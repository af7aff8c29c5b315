import "../../../lib/preload.ts";
import { assert, assertEquals } from "../../assert.ts";
import { Backoff } from "../../../lib/informer/backoff.ts";
import { FakeClock } from "../fake-clock.ts";

Deno.test("backoff: doubles from 0.8 s and caps at 30 s (no jitter)", () => {
  const b = new Backoff({ clock: new FakeClock(), random: () => 0 });
  const delays = Array.from({ length: 8 }, () => b.next());
  assertEquals(delays, [800, 1600, 3200, 6400, 12800, 25600, 30000, 30000]);
});

Deno.test("backoff: jitter adds up to 100 % and never exceeds the cap", () => {
  const b = new Backoff({ clock: new FakeClock(), random: () => 0.5 });
  assertEquals([b.next(), b.next()], [1200, 2400]);
  const top = new Backoff({ clock: new FakeClock(), random: () => 0.999 });
  for (let i = 0; i < 10; i++) assert(top.next() <= 30_000);
});

Deno.test("backoff: resets after a failure-free healthy period", async () => {
  const clock = new FakeClock();
  const b = new Backoff({ clock, random: () => 0, resetAfterMs: 120_000 });
  b.next();
  b.next();
  await clock.advance(119_999);
  assertEquals(b.next(), 3200, "still unhealthy");
  await clock.advance(120_000);
  assertEquals(b.next(), 800, "healthy long enough: start over");
});

Deno.test("backoff: reset() starts over", () => {
  const b = new Backoff({ clock: new FakeClock(), random: () => 0 });
  b.next();
  b.next();
  b.reset();
  assertEquals(b.next(), 800);
});
