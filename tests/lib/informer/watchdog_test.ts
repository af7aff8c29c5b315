import "../../../lib/preload.ts";
import { assertEquals } from "../../assert.ts";
import { Watchdog } from "../../../lib/informer/watchdog.ts";
import { FakeClock } from "../fake-clock.ts";

Deno.test("watchdog: fires after timeout without feeds", async () => {
  const clock = new FakeClock();
  let fired = 0;
  const dog = new Watchdog(clock, 1000, () => fired++);
  dog.start();
  await clock.advance(999);
  assertEquals(fired, 0);
  await clock.advance(1);
  assertEquals(fired, 1);
  await clock.advance(5000);
  assertEquals(fired, 1, "fires once");
});

Deno.test("watchdog: each feed pushes expiry back", async () => {
  const clock = new FakeClock();
  let firedAt = 0;
  const dog = new Watchdog(clock, 1000, () => firedAt = clock.now());
  const start = clock.now();
  dog.start();
  for (let i = 0; i < 5; i++) {
    await clock.advance(600);
    dog.feed();
  }
  assertEquals(firedAt, 0, "fed every 600 ms: alive");
  await clock.advance(1000);
  assertEquals(firedAt - start, 4000, "1 s after the last feed at 3 s");
});

Deno.test("watchdog: stop cancels", async () => {
  const clock = new FakeClock();
  let fired = 0;
  const dog = new Watchdog(clock, 100, () => fired++);
  dog.start();
  dog.stop();
  await clock.advance(1000);
  assertEquals([fired, clock.pending], [0, 0]);
});
