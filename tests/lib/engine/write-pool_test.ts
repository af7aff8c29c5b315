import "../../../lib/preload.ts";
import { assert, assertEquals } from "../../assert.ts";
import { WritePool } from "../../../lib/engine/write-pool.ts";

/** A write that ends only when the test says so. */
interface Held {
  lane: string;
  id: number;
  finish(): void;
}

/** Hands `count` held writes per lane to `pool`; `started` fills as they start. */
function submit(
  pool: WritePool,
  lanes: Record<string, number>,
  started: Held[],
): Promise<unknown> {
  const all: Promise<unknown>[] = [];
  for (const [lane, count] of Object.entries(lanes)) {
    for (let id = 0; id < count; id++) {
      all.push(
        pool.run(
          lane,
          () =>
            new Promise<void>((finish) => started.push({ lane, id, finish })),
        ),
      );
    }
  }
  return Promise.all(all);
}

/** Lets every resolved promise run its continuation. */
const settle = () => new Promise((r) => setTimeout(r, 0));

Deno.test("write pool: never more writes in flight than its size, whatever the lanes", async () => {
  const pool = new WritePool(3);
  const started: Held[] = [];
  const done = submit(pool, { a: 5, b: 5, c: 5 }, started);
  await settle();
  let finished = 0;
  while (finished < 15) {
    assertEquals(pool.inFlight, Math.min(3, 15 - finished));
    assertEquals(started.length - finished, pool.inFlight);
    started[finished++].finish();
    await settle();
  }
  await done;
  assertEquals(pool.inFlight, 0);
  assertEquals(pool.queued, 0);
});

Deno.test("write pool: a lane's writes start in the order they were handed over", async () => {
  const pool = new WritePool(2);
  const started: Held[] = [];
  const done = submit(pool, { a: 6, b: 6 }, started);
  for (let i = 0; i < 12; i++) {
    await settle();
    started[i].finish();
  }
  await done;
  for (const lane of ["a", "b"]) {
    assertEquals(
      started.filter((h) => h.lane === lane).map((h) => h.id),
      [0, 1, 2, 3, 4, 5],
    );
  }
});

Deno.test("write pool: free slots go to the waiting lanes in turn, so a large lane does not hold back a small one", async () => {
  const pool = new WritePool(1);
  const started: Held[] = [];
  // Lane a hands over 6 writes before b and c hand over theirs.
  const done = submit(pool, { a: 6, b: 2, c: 2 }, started);
  for (let i = 0; i < 10; i++) {
    await settle();
    started[i].finish();
  }
  await done;
  // a's first write takes the free slot; then one write per waiting lane
  // in turn (a was waiting first), and a alone once b and c are done.
  assertEquals(started.map((h) => h.lane).join(""), "aabcabcaaa");
});

Deno.test("write pool: a lane arriving later gets its turn within one round of the lanes already waiting", async () => {
  const pool = new WritePool(1);
  const started: Held[] = [];
  const first = submit(pool, { a: 3, b: 3 }, started);
  await settle();
  const late = submit(pool, { c: 1 }, started);
  for (let i = 0; i < 7; i++) {
    await settle();
    started[i].finish();
  }
  await Promise.all([first, late]);
  // c joins the turn order after a and b: served before a or b run twice more.
  assertEquals(started.map((h) => h.lane).join(""), "aabcabb");
});

Deno.test("write pool: a failed write frees its slot and reaches its caller", async () => {
  const pool = new WritePool(1);
  const failure = pool.run("a", () => Promise.reject(new Error("boom")));
  const next = pool.run("a", () => Promise.resolve(7));
  let message = "";
  await failure.catch((e: Error) => message = e.message);
  assertEquals(message, "boom");
  assertEquals(await next, 7);
  assertEquals(pool.inFlight, 0);
});

Deno.test("write pool: size below one still lets writes through one at a time", async () => {
  const pool = new WritePool(0);
  assertEquals(pool.size, 1);
  const results = await Promise.all(
    [1, 2, 3].map((n) => pool.run("a", () => Promise.resolve(n))),
  );
  assertEquals(results, [1, 2, 3]);
  assert(pool.inFlight === 0);
});
