/** A controller fed by an in-process channel beside its informers. */
import "../../lib/preload.ts";
import { assertEquals } from "../assert.ts";
import { type ChannelHandler, EventChannel } from "../../lib/event-channel.ts";
import { Manager } from "../../lib/manager.ts";
import { eventually, simWriter, withSim } from "./sim-helpers.ts";

Deno.test("manager: a channel watch enqueues its mapped keys while running and is let go at stop", async () => {
  await withSim(async (c, clients) => {
    simWriter(c, "app").namespace();
    const seen: string[] = [];
    const channel = new EventChannel();
    let subscribed = 0;
    const counted = {
      subscribe: (h: ChannelHandler) => {
        subscribed++;
        const off = channel.subscribe(h);
        return () => {
          subscribed--;
          off();
        };
      },
    };
    const manager = new Manager({ source: clients.make() });
    manager.add({
      reconciler: {
        name: "recorder",
        reconcile: (key) => Promise.resolve(void seen.push(key)),
      },
      watches: [{
        spec: {
          type: { group: "", version: "v1", resource: "configmaps" },
          namespace: "app",
        },
        keys: () => [],
      }],
      channels: [{
        channel: counted,
        keys: (name) => name === "ignored" ? [] : [`wake/${name}`],
      }],
    });
    const stop = new AbortController();
    const done = manager.run(stop.signal);
    await eventually(() => manager.leading, 5000, "leading");
    channel.emit("ignored");
    channel.emit("dr");
    await eventually(() => seen.includes("wake/dr"), 5000, "mapped key");
    assertEquals(seen, ["wake/dr"]);
    assertEquals(subscribed, 1);
    stop.abort();
    assertEquals(await done, 0);
    assertEquals(subscribed, 0, "unsubscribed at stop");
  });
});
