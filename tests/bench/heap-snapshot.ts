/**
 * A V8 heap snapshot of the controller over the inspector protocol
 * (BENCH_HEAP_SNAPSHOT=DIR deno task bench --scenario memory): the
 * controller runs with --inspect, and the benchmark asks for a collection
 * and a snapshot at each memory sample. `heap-summary.ts` reads them.
 */

interface InspectorTarget {
  webSocketDebuggerUrl: string;
}

/** Writes a snapshot of the process behind `inspectPort` to `file`. */
export async function takeHeapSnapshot(
  inspectPort: number,
  file: string,
): Promise<void> {
  const targets: InspectorTarget[] = await fetch(
    `http://127.0.0.1:${inspectPort}/json/list`,
  ).then((r) => r.json());
  const ws = new WebSocket(targets[0].webSocketDebuggerUrl);
  const out = await Deno.open(file, {
    write: true,
    create: true,
    truncate: true,
  });
  const encoder = new TextEncoder();
  let writes = Promise.resolve();
  try {
    await new Promise<void>((resolve, reject) => {
      ws.onerror = () => reject(new Error("inspector connection failed"));
      ws.onopen = () => {
        ws.send(
          JSON.stringify({ id: 1, method: "HeapProfiler.collectGarbage" }),
        );
        ws.send(JSON.stringify({
          id: 2,
          method: "HeapProfiler.takeHeapSnapshot",
          params: { reportProgress: false },
        }));
      };
      ws.onmessage = (e) => {
        const msg = JSON.parse(e.data);
        if (msg.method === "HeapProfiler.addHeapSnapshotChunk") {
          const bytes = encoder.encode(msg.params.chunk);
          writes = writes.then(async () => {
            for (let n = 0; n < bytes.length;) {
              n += await out.write(bytes.subarray(n));
            }
          });
        } else if (msg.id === 2) {
          if (msg.error) reject(new Error(msg.error.message));
          else resolve();
        }
      };
    });
    await writes;
  } finally {
    out.close();
    ws.close();
  }
}

/**
 * The live V8 heap of the process behind `inspectPort` after a full
 * collection: the soak's leak signal, free of the collector's timing.
 */
export async function heapAfterCollection(
  inspectPort: number,
): Promise<number> {
  const targets: InspectorTarget[] = await fetch(
    `http://127.0.0.1:${inspectPort}/json/list`,
  ).then((r) => r.json());
  const ws = new WebSocket(targets[0].webSocketDebuggerUrl);
  try {
    return await new Promise<number>((resolve, reject) => {
      ws.onerror = () => reject(new Error("inspector connection failed"));
      ws.onopen = () => {
        ws.send(
          JSON.stringify({ id: 1, method: "HeapProfiler.collectGarbage" }),
        );
        ws.send(JSON.stringify({ id: 2, method: "Runtime.getHeapUsage" }));
      };
      ws.onmessage = (e) => {
        const msg = JSON.parse(e.data);
        if (msg.id !== 2) return;
        if (msg.error) reject(new Error(msg.error.message));
        else resolve(msg.result.usedSize);
      };
    });
  } finally {
    ws.close();
  }
}
