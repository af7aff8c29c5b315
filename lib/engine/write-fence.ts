/**
 * The one gate every DR write passes (full pass ranks, re-plans after a
 * 409, recreates, prunes, the DR namespace itself, the Continuous
 * per-object path). It asks three questions:
 *
 *   is the destination namespace promoted?   a fresh read, shared by the
 *                                            askers of one round trip
 *   does this process still hold its lease?  leader-election state
 *   does this replica own the replication?   the shard fence with
 *                                            --sharding, else always yes
 *
 *   open ──check(ns) sees promoted / lease lost / not owner──► closed
 *
 * `check` is asked before each write rank, so a promote that lands mid-pass
 * stops the pass at the next rank; the writer from `guard` refuses any
 * write into a namespace whose last answer was "closed" (and asks first
 * when a namespace was never checked), so no write path can go around it.
 * Closed stays closed for the life of the fence (one pass, one object).
 * Lease and ownership are asked again before every single write, so a
 * replica that lost a replication stops at the next object, not the next
 * rank.
 */
import { ANNOTATION_PROMOTED } from "../api/v1alpha1.ts";
import type { ApiResource, KubeObject } from "../sync/types.ts";
import type { ClusterWriter, DeletePrecondition } from "./ports.ts";

export type FenceReason = "DestinationPromoted" | "LeaseLost" | "NotOwner";

export type FenceVerdict =
  | { open: true }
  | { open: false; reason: FenceReason; message: string };

type Closed = Extract<FenceVerdict, { open: false }>;

/** Where the fence gets its three answers. */
export interface FenceQuestions {
  /** The DR Namespace read fresh (no cache); undefined when absent. */
  readNamespace(name: string): Promise<KubeObject | undefined>;
  holdsLease(): boolean;
  ownsReplication(): boolean;
  /** Told of every write that passed, with its span (the sharding test). */
  observeWrite?(startedAt: number, endedAt: number): void;
}

/** A write refused by the fence. */
export class FenceClosedError extends Error {
  constructor(readonly verdict: Closed) {
    super(verdict.message);
    this.name = "FenceClosedError";
  }
}

const OPEN: FenceVerdict = { open: true };

export class WriteFence {
  readonly #q: FenceQuestions;
  readonly #reads = new Map<string, Promise<FenceVerdict>>();
  readonly #last = new Map<string, FenceVerdict>();

  constructor(questions: FenceQuestions) {
    this.#q = questions;
  }

  /** Asks all three questions for writes into `namespace`. */
  async check(namespace: string): Promise<FenceVerdict> {
    const local = this.#local(namespace);
    if (local) return local;
    // Askers while a read is in flight share it: at most one round trip old.
    let read = this.#reads.get(namespace);
    if (!read) {
      read = this.#readPromoted(namespace).finally(() =>
        this.#reads.delete(namespace)
      );
      this.#reads.set(namespace, read);
    }
    const verdict = await read;
    const now = this.#local(namespace) ?? verdict;
    if (this.#last.get(namespace)?.open !== false) {
      this.#last.set(namespace, now);
    }
    return this.#last.get(namespace)!;
  }

  /** The last answer for `namespace` when it closed the fence. */
  closedFor(namespace: string): Closed | undefined {
    const last = this.#last.get(namespace);
    return last && !last.open ? last : undefined;
  }

  /** A writer whose every write asks the fence first. */
  guard(writer: ClusterWriter): ClusterWriter {
    const admitted = async <T>(
      namespace: string,
      write: () => Promise<T>,
    ): Promise<T> => {
      const known = this.#local(namespace) ?? this.#last.get(namespace);
      const verdict = known ?? await this.check(namespace);
      if (!verdict.open) throw new FenceClosedError(verdict);
      const startedAt = Date.now();
      try {
        return await write();
      } finally {
        this.#q.observeWrite?.(startedAt, Date.now());
      }
    };
    return {
      get: (type, namespace, name) => writer.get(type, namespace, name),
      create: (type: ApiResource, object: KubeObject) =>
        admitted(
          targetOf(type, object.metadata.namespace, object),
          () => writer.create(type, object),
        ),
      replace: (type: ApiResource, object: KubeObject) =>
        admitted(
          targetOf(type, object.metadata.namespace, object),
          () => writer.replace(type, object),
        ),
      remove: (
        type: ApiResource,
        namespace: string | undefined,
        name: string,
        precondition?: DeletePrecondition,
      ) =>
        admitted(
          namespace ?? name,
          () => writer.remove(type, namespace, name, precondition),
        ),
    };
  }

  /** The answers that need no read, and a sticky "closed". */
  #local(namespace: string): Closed | undefined {
    const last = this.#last.get(namespace);
    if (last && !last.open) return last;
    if (!this.#q.holdsLease()) {
      return {
        open: false,
        reason: "LeaseLost",
        message: "this process no longer holds the leader lease",
      };
    }
    if (!this.#q.ownsReplication()) {
      return {
        open: false,
        reason: "NotOwner",
        message: "another replica owns this replication",
      };
    }
    return undefined;
  }

  async #readPromoted(namespace: string): Promise<FenceVerdict> {
    const ns = await this.#q.readNamespace(namespace);
    if (!ns?.metadata.annotations?.[ANNOTATION_PROMOTED]) return OPEN;
    return {
      open: false,
      reason: "DestinationPromoted",
      message:
        `DR namespace ${namespace} is promoted; nothing is written into it`,
    };
  }
}

/** The namespace a write lands in (a Namespace is its own target). */
function targetOf(
  type: ApiResource,
  namespace: string | undefined,
  object: KubeObject,
): string {
  return type.namespaced ? namespace ?? "" : object.metadata.name;
}

/** A fence for writes with no lease or sharding (the one-shot commands). */
export function promotedOnlyFence(
  readNamespace: FenceQuestions["readNamespace"],
): WriteFence {
  return new WriteFence({
    readNamespace,
    holdsLease: () => true,
    ownsReplication: () => true,
  });
}
