/**
 * The contracts between the manager and the code it runs: reconcilers, the
 * watches that feed them, a logger, and the stats the manager reports.
 */
import type { ChannelSource } from "./event-channel.ts";
import type { ClusterClient } from "./kube/client.ts";
import type { InformerEvent } from "./informer/cache.ts";
import type { InformerSpec } from "./informer/informer.ts";
import type { WorkResult } from "./workqueue.ts";

/** A reconciler: gets a key, re-reads the world, converges it. */
export interface Reconciler {
  name: string;
  /** `signal` aborts when this replica must stop writing. */
  reconcile(key: string, signal: AbortSignal): Promise<WorkResult | void>;
}

/** What feeds a reconciler's queue: changes of one resource type. */
export interface WatchSource {
  /** Cluster to watch; the source cluster when absent. */
  client?: ClusterClient;
  spec: InformerSpec;
  /** Keys to enqueue for an event (e.g. the owning replication). */
  keys(event: InformerEvent): string[];
}

/** What else feeds it: in-process events (state in no API object). */
export interface ChannelWatch {
  channel: ChannelSource;
  /** Keys to enqueue for an event about the object `name`. */
  keys(name: string): string[];
}

/** Where a controller puts keys of its own (timers, dynamic watches). */
export interface QueueHandle {
  add(key: string): void;
  addAfter(key: string, ms: number): void;
  /** A running reconcile moved forward (see WorkQueue.progressed). */
  progressed?(): void;
}

/** A reconciler and its event sources. */
export interface Controller {
  reconciler: Reconciler;
  watches: WatchSource[];
  channels?: ChannelWatch[];
  /** Parallel keys. Default 1. */
  concurrency?: number;
  /** Called once this replica leads, with the controller's own queue. */
  attach?(queue: QueueHandle): void;
  /** Called when the queue is gone: release dynamic watches and timers. */
  detach?(): Promise<void>;
}

/** Minimal structured logger (logtape's Logger fits). */
export interface RuntimeLog {
  info(message: string, props?: Record<string, unknown>): void;
  warn(message: string, props?: Record<string, unknown>): void;
  error(message: string, props?: Record<string, unknown>): void;
}

/** What `Manager.stats()` reports. */
export interface ManagerStats {
  leading: boolean;
  queues: Array<{
    reconciler: string;
    depth: number;
    inFlight: number;
    adds: number;
    retries: number;
  }>;
  informers: Array<{
    resource: string;
    namespace: string;
    synced: boolean;
    /** Objects in its cache. */
    cached: number;
    relists: number;
    restarts: number;
    watches: number;
  }>;
}
