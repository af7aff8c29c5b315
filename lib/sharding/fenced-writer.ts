/**
 * A ClusterWriter that asks the shard fence before every write, so a
 * replica that lost a replication (rebalanced, or cut off from the API
 * server) stops writing for it at the next object, not at the next pass.
 */
import type { ClusterWriter, DeletePrecondition } from "../engine/ports.ts";
import type { ApiResource, KubeObject } from "../sync/types.ts";
import type { ShardFence } from "./coordinator.ts";

/** Thrown instead of a write this replica may not make. */
export class NotOwnerError extends Error {
  constructor(replication: string, identity: string) {
    super(
      `replica ${identity} does not own NamespaceReplication ${replication} (sharding)`,
    );
    this.name = "NotOwnerError";
  }
}

/** Test hook: every write that passed the fence, with its span. */
export type WriteObserver = (
  replication: string,
  startedAt: number,
  endedAt: number,
) => void;

/** See the module comment. */
export class FencedWriter implements ClusterWriter {
  constructor(
    readonly inner: ClusterWriter,
    readonly fence: ShardFence,
    readonly replication: string,
  ) {}

  get(
    type: ApiResource,
    namespace: string | undefined,
    name: string,
  ): Promise<KubeObject | undefined> {
    return this.inner.get(type, namespace, name);
  }

  create(type: ApiResource, object: KubeObject): Promise<KubeObject> {
    return this.#fenced(() => this.inner.create(type, object));
  }

  replace(type: ApiResource, object: KubeObject): Promise<KubeObject> {
    return this.#fenced(() => this.inner.replace(type, object));
  }

  remove(
    type: ApiResource,
    namespace: string | undefined,
    name: string,
    precondition?: DeletePrecondition,
  ): Promise<void> {
    return this.#fenced(() =>
      this.inner.remove(type, namespace, name, precondition)
    );
  }

  async #fenced<T>(write: () => Promise<T>): Promise<T> {
    if (!this.fence.owns(this.replication)) {
      throw new NotOwnerError(this.replication, this.fence.identity);
    }
    const startedAt = Date.now();
    try {
      return await write();
    } finally {
      this.fence.onWrite?.(this.replication, startedAt, Date.now());
    }
  }
}

/** `writer` behind the fence when sharding, as is otherwise. */
export function fenceWrites(
  writer: ClusterWriter,
  fence: ShardFence | undefined,
  replication: string,
): ClusterWriter {
  return fence ? new FencedWriter(writer, fence, replication) : writer;
}
