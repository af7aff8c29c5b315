/**
 * One watch request turned into one promise: it settles exactly once with
 * how the stream ended (closed by the server, expired, stalled, stopped) or
 * rejects with the failure. client-node's `done` callback shapes (null,
 * Error + statusCode, TypeError, AbortError, an ERROR event) are folded here.
 */
import type { Clock } from "../clock.ts";
import type { ClusterClient } from "../kube/client.ts";
import type { KubeObject } from "../sync/types.ts";
import { Watchdog } from "./watchdog.ts";

/** How a watch ended without an error. */
export type WatchOutcome = "Closed" | "Expired" | "Stalled" | "Stopped";

/** Arguments of {@link openWatch}. */
export interface OpenWatch {
  client: ClusterClient;
  path: string;
  query: Record<string, string | number | boolean | undefined>;
  watchdogMs: number;
  clock: Clock;
  signal: AbortSignal;
  onEvent: (type: string, object: KubeObject) => void;
}

/** Extra time client-node's own byte timer waits beyond our watchdog. */
const BACKSTOP_MS = 5_000;

interface StatusObject {
  code?: number;
  reason?: string;
  message?: string;
}

function statusError(s: StatusObject): Error {
  return Object.assign(new Error(s.message ?? s.reason ?? "watch error"), {
    statusCode: s.code ?? 500,
  });
}

/** See the module comment. */
export function openWatch(w: OpenWatch): Promise<WatchOutcome> {
  if (w.signal.aborted) return Promise.resolve("Stopped");
  return new Promise((resolve, reject) => {
    let ending: WatchOutcome | Error | undefined;
    let abort: (() => void) | undefined;
    const end = (why: WatchOutcome | Error) => {
      ending ??= why;
      abort?.();
    };
    const dog = new Watchdog(w.clock, w.watchdogMs, () => end("Stalled"));
    const onStop = () => end("Stopped");
    w.signal.addEventListener("abort", onStop, { once: true });
    const done = (err: unknown) => {
      dog.stop();
      w.signal.removeEventListener("abort", onStop);
      if (ending instanceof Error) reject(ending);
      else if (ending) resolve(ending);
      else if (err) reject(err);
      else resolve("Closed");
    };
    const onLine = (type: string, object: unknown) => {
      // readline still emits the rest of a chunk's lines after an abort;
      // once this watch is ending they are not ours to apply (the next
      // list or watch starts from a resourceVersion we already chose).
      if (ending) return;
      dog.feed();
      if (type !== "ERROR") return w.onEvent(type, object as KubeObject);
      const status = object as StatusObject;
      end(status.code === 410 ? "Expired" : statusError(status));
    };
    dog.start();
    const watch = w.client.watch(w.watchdogMs + BACKSTOP_MS);
    watch.watch(w.path, w.query, onLine, done).then((ctrl) => {
      abort = () => ctrl.abort();
      if (ending) abort();
    }, done);
  });
}
