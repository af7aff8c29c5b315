/**
 * Issue 15 item 8: the Event recorder's de-duplication memory is bounded:
 * entries past the aggregation window go, and never more than 1000 stay.
 */
import "../../lib/preload.ts";
import { assertEquals } from "../assert.ts";
import { EventRecorder } from "../../lib/events.ts";
import { FakeClock } from "./fake-clock.ts";
import { simWriter, withSim } from "./sim-helpers.ts";

const subject = {
  apiVersion: "drsyncer.io/v1alpha1",
  kind: "NamespaceReplication",
  name: "r",
  namespace: "dr-syncer-system",
};

Deno.test("events: the de-duplication memory forgets expired entries and holds at most 1000", async () => {
  await withSim(async (c, clients) => {
    simWriter(c, "dr-syncer-system").namespace();
    const clock = new FakeClock(1_000_000);
    const events = new EventRecorder(clients.make(), { clock });
    for (let i = 0; i < 1100; i++) {
      events.record(subject, "Warning", "SyncFailed", `failure ${i}`);
    }
    await events.flush();
    assertEquals(events.remembered, 1000);
    // Eleven minutes later (past the 10 min window), one more Event.
    await clock.advance(11 * 60_000);
    events.record(subject, "Warning", "SyncFailed", "a new one");
    await events.flush();
    assertEquals(events.remembered, 1);
  });
});
