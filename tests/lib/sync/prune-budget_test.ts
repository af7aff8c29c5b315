import "../../../lib/preload.ts";
import { assertEquals } from "../../assert.ts";
import {
  parsePruneHistory,
  prunedInWindow,
  recordPrunes,
} from "../../../lib/sync/prune-budget.ts";

const T = Date.parse("2026-03-10T10:00:00Z");
const MIN = 60_000;

Deno.test("prune budget: the history round-trips and counts only the last hour", () => {
  let text = recordPrunes([], T - 70 * MIN, 4);
  text = recordPrunes(parsePruneHistory(text), T - 30 * MIN, 3);
  text = recordPrunes(parsePruneHistory(text), T - 1 * MIN, 2);
  const h = parsePruneHistory(text);
  assertEquals(prunedInWindow(h, T), 5);
  assertEquals(h.length, 2, "the 70-minute-old entry was dropped on write");
  assertEquals(prunedInWindow(h, T + 45 * MIN), 2, "only the newest left");
  // Entries older than the window are dropped when written.
  assertEquals(recordPrunes(h, T, 1).split(" ").length, 3);
  assertEquals(recordPrunes(h, T + 61 * MIN, 0), "");
});

Deno.test("prune budget: unreadable parts count as nothing", () => {
  assertEquals(parsePruneHistory(undefined), []);
  assertEquals(parsePruneHistory("junk 12=x =3 1700000000=2"), [
    { atMs: 1700000000_000, count: 2 },
  ]);
});
