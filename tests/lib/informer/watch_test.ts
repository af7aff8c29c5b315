import "../../../lib/preload.ts";
import { assertEquals } from "../../assert.ts";
import { openWatch } from "../../../lib/informer/watch.ts";
import { systemClock } from "../../../lib/clock.ts";
import type { ClusterClient } from "../../../lib/kube/client.ts";

type OnLine = (type: string, object: unknown) => void;

/** A client whose watch delivers `lines` in one go, as readline does with one chunk. */
function oneChunk(lines: string[]): ClusterClient {
  return {
    watch: () => ({
      watch: (
        _path: string,
        _query: unknown,
        onLine: OnLine,
        done: (err: unknown) => void,
      ) => {
        const ctrl = new AbortController();
        queueMicrotask(() => {
          for (const name of lines) {
            onLine("ADDED", { metadata: { name, resourceVersion: name } });
          }
          done(null);
        });
        return Promise.resolve(ctrl);
      },
    }),
  } as unknown as ClusterClient;
}

Deno.test("watch: lines left in a chunk after the watch was stopped are not delivered", async () => {
  const stop = new AbortController();
  const seen: string[] = [];
  const outcome = await openWatch({
    client: oneChunk(["a", "b", "c"]),
    path: "/api/v1/configmaps",
    query: {},
    watchdogMs: 60_000,
    clock: systemClock,
    signal: stop.signal,
    onEvent: (_type, o) => {
      seen.push(o.metadata.name);
      if (o.metadata.name === "a") stop.abort();
    },
  });
  assertEquals(outcome, "Stopped");
  assertEquals(seen, ["a"]);
});

Deno.test("watch: a signal aborted before the watch opens ends it at once", async () => {
  const stop = new AbortController();
  stop.abort();
  const seen: string[] = [];
  const outcome = await openWatch({
    client: oneChunk(["a"]),
    path: "/api/v1/configmaps",
    query: {},
    watchdogMs: 60_000,
    clock: systemClock,
    signal: stop.signal,
    onEvent: (_type, o) => seen.push(o.metadata.name),
  });
  assertEquals(outcome, "Stopped");
  assertEquals(seen, []);
});
