/**
 * A V8 heap snapshot of the controller over the inspector protocol
 * (BENCH_HEAP_SNAPSHOT=DIR deno task bench --scenario memory): the
 * controller runs with --inspect, and the benchmark asks for a collection
 * and a snapshot at each memory sample. `heap-summary.ts` reads them.
 */

interface InspectorTarget {
  webSocketDebuggerUrl: string;
}

interface InspectorMessage {
  id?: number;
  method?: string;
  params?: { chunk?: string };
  result?: { usedSize?: number };
  error?: { message: string };
}

/** A call that gets no answer in this time is abandoned and tried again. */
const CALL_TIMEOUT_MS = 180_000;
const ATTEMPTS = 3;

/**
 * Sends `methods` in order on a new inspector session and resolves with the
 * last one's answer; `onEvent` sees the notifications in between. A session
 * that closes or never answers fails instead of waiting forever: a run once
 * hung for minutes on a session the inspector had not opened.
 */
async function call(
  inspectPort: number,
  methods: string[],
  onEvent: (msg: InspectorMessage) => void = () => {},
): Promise<InspectorMessage> {
  const targets: InspectorTarget[] = await fetch(
    `http://127.0.0.1:${inspectPort}/json/list`,
  ).then((r) => r.json());
  const ws = new WebSocket(targets[0].webSocketDebuggerUrl);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const closed = new Promise<void>((resolve) => {
    ws.addEventListener("close", () => resolve());
  });
  try {
    return await new Promise<InspectorMessage>((resolve, reject) => {
      timer = setTimeout(
        () => reject(new Error(`inspector: no answer to ${methods.at(-1)}`)),
        CALL_TIMEOUT_MS,
      );
      ws.onerror = () => reject(new Error("inspector connection failed"));
      ws.onclose = () => reject(new Error("inspector closed the session"));
      ws.onopen = () => {
        methods.forEach((method, i) =>
          ws.send(JSON.stringify({ id: i + 1, method }))
        );
      };
      ws.onmessage = (e) => {
        const msg: InspectorMessage = JSON.parse(e.data);
        if (msg.id === undefined) onEvent(msg);
        else if (msg.error) reject(new Error(msg.error.message));
        else if (msg.id === methods.length) resolve(msg);
      };
    });
  } finally {
    clearTimeout(timer);
    ws.close();
    // The inspector serves one session at a time: the next call waits
    // until this one is gone (bounded: a close that never comes is not a
    // reason to stop the benchmark).
    let grace: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      closed,
      new Promise((r) => grace = setTimeout(r, 5_000)),
    ]);
    clearTimeout(grace);
  }
}

async function withAttempts<T>(what: () => Promise<T>): Promise<T> {
  for (let attempt = 1;; attempt++) {
    try {
      return await what();
    } catch (e) {
      if (attempt >= ATTEMPTS) throw e;
      console.error(`inspector: attempt ${attempt} failed: ${e}`);
    }
  }
}

/** Writes a snapshot of the process behind `inspectPort` to `file`. */
export function takeHeapSnapshot(
  inspectPort: number,
  file: string,
): Promise<void> {
  return withAttempts(async () => {
    const out = await Deno.open(file, {
      write: true,
      create: true,
      truncate: true,
    });
    const encoder = new TextEncoder();
    let writes = Promise.resolve();
    try {
      await call(
        inspectPort,
        ["HeapProfiler.collectGarbage", "HeapProfiler.takeHeapSnapshot"],
        (msg) => {
          if (msg.method !== "HeapProfiler.addHeapSnapshotChunk") return;
          const bytes = encoder.encode(msg.params?.chunk ?? "");
          writes = writes.then(async () => {
            for (let n = 0; n < bytes.length;) {
              n += await out.write(bytes.subarray(n));
            }
          });
        },
      );
      await writes;
    } finally {
      out.close();
    }
  });
}

/**
 * The live V8 heap of the process behind `inspectPort` after a full
 * collection: the soak's leak signal, free of the collector's timing.
 */
export function heapAfterCollection(inspectPort: number): Promise<number> {
  return withAttempts(async () => {
    const answer = await call(inspectPort, [
      "HeapProfiler.collectGarbage",
      "Runtime.getHeapUsage",
    ]);
    return answer.result?.usedSize ?? NaN;
  });
}
