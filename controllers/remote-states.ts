/**
 * The connection state of each RemoteCluster, in one registry. Only the
 * RemoteCluster reconciler holds the writable registry; the replications
 * read it through `RemoteStates` and learn of changes by watching its
 * channel (a RemoteCluster turning ready, losing its connection, getting a
 * new client after rotated credentials, or being deleted).
 */
import type { ClusterClient } from "../lib/kube/client.ts";
import { type ChannelSource, EventChannel } from "../lib/event-channel.ts";

/** Readiness of a RemoteCluster as its reconciler last saw it. */
export interface RemoteState {
  ready: boolean;
  reason: string;
  message: string;
  client?: ClusterClient;
}

/** The read side, for everyone but the RemoteCluster reconciler. */
export interface RemoteStates {
  get(name: string): RemoteState | undefined;
  /** False until the RemoteCluster's first probe finished. */
  has(name: string): boolean;
  /** The name of each RemoteCluster whose connection changed. */
  readonly changes: ChannelSource;
}

/** See the module comment. */
export class RemoteRegistry implements RemoteStates {
  readonly #states = new Map<string, RemoteState>();
  readonly #changes = new EventChannel();
  readonly changes: ChannelSource = this.#changes;

  get(name: string): RemoteState | undefined {
    return this.#states.get(name);
  }

  has(name: string): boolean {
    return this.#states.has(name);
  }

  /** Records a probe result; a new readiness or client is a change. */
  set(name: string, state: RemoteState): void {
    const before = this.#states.get(name);
    this.#states.set(name, state);
    if (before?.ready !== state.ready || before?.client !== state.client) {
      this.#changes.emit(name);
    }
  }

  delete(name: string): void {
    this.#states.delete(name);
    this.#changes.emit(name);
  }
}
