/**
 * Must be the first import of every entry point (main.ts, each test file,
 * tools). It runs before @kubernetes/client-node loads.
 *
 * 1. client-node 2.x talks HTTP through undici, which ends an aborted or
 *    dropped response body only when `node:stream.isReadable(body)` is
 *    truthy. Deno answers `null` for web ReadableStreams, so without this
 *    patch an aborted, idle or dropped watch never ends and its informer
 *    freezes silently (see shared/notes/deno-and-client-node.md §8.2).
 *    undici destructures `isReadable` at load time, hence "first import".
 * 2. Deprecation warnings from dependencies would pollute JSON logs.
 */
import process from "node:process";
import stream from "node:stream";

const originalIsReadable = stream.isReadable;
const patchedIsReadable = (s: unknown): boolean | null =>
  s instanceof ReadableStream
    ? true
    : originalIsReadable(s as Parameters<typeof originalIsReadable>[0]);
(stream as unknown as { isReadable: typeof patchedIsReadable }).isReadable =
  patchedIsReadable;

(process as unknown as { noDeprecation: boolean }).noDeprecation = true;
