/**
 * Kubernetes Events about our own objects (core/v1, in the object's
 * namespace). A repeat of the same reason and message on the same object
 * within the aggregation window bumps `count` on the existing Event instead
 * of creating another, as the kubelet and controller-manager do, so a
 * failing replication does not flood etcd. Recording never throws and never
 * blocks the caller: events are best effort.
 */
import type { Clock } from "./clock.ts";
import { systemClock } from "./clock.ts";
import type { ClusterClient } from "./kube/client.ts";
import { classifyError } from "./kube/errors.ts";
import type { RuntimeLog } from "./controller.ts";

export interface EventSubject {
  apiVersion: string;
  kind: string;
  name: string;
  namespace: string;
  uid?: string;
}

export type EventType = "Normal" | "Warning";

const AGGREGATION_WINDOW_MS = 10 * 60_000;
const MAX_REMEMBERED = 1000;
const MAX_MESSAGE = 1024;

interface Remembered {
  name: string;
  count: number;
  at: number;
}

function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** See the module comment. */
export class EventRecorder {
  readonly #client: ClusterClient;
  readonly #component: string;
  readonly #clock: Clock;
  readonly #log?: RuntimeLog;
  readonly #seen = new Map<string, Remembered>();
  #chain: Promise<void> = Promise.resolve();

  constructor(
    client: ClusterClient,
    opts: { component?: string; clock?: Clock; log?: RuntimeLog } = {},
  ) {
    this.#client = client;
    this.#component = opts.component ?? "dr-syncer";
    this.#clock = opts.clock ?? systemClock;
    this.#log = opts.log;
  }

  /** Queues one event; see the module comment. */
  record(
    subject: EventSubject,
    type: EventType,
    reason: string,
    message: string,
  ): void {
    const text = message.slice(0, MAX_MESSAGE);
    this.#chain = this.#chain.then(() =>
      this.#send(subject, type, reason, text)
    );
  }

  /** Resolves once every queued event was sent (or failed). */
  flush(): Promise<void> {
    return this.#chain;
  }

  async #send(
    s: EventSubject,
    type: EventType,
    reason: string,
    message: string,
  ): Promise<void> {
    const key = JSON.stringify([
      s.kind,
      s.namespace,
      s.name,
      s.uid,
      type,
      reason,
      message,
    ]);
    const now = this.#clock.now();
    const prior = this.#seen.get(key);
    try {
      if (prior && now - prior.at < AGGREGATION_WINDOW_MS) {
        await this.#client.requestJson(
          `/api/v1/namespaces/${s.namespace}/events/${prior.name}`,
          {
            method: "PATCH",
            contentType: "application/merge-patch+json",
            body: { count: prior.count + 1, lastTimestamp: rfc3339(now) },
          },
        );
        this.#remember(key, {
          name: prior.name,
          count: prior.count + 1,
          at: now,
        });
        return;
      }
      const created = await this.#client.requestJson<
        { metadata: { name: string } }
      >(
        `/api/v1/namespaces/${s.namespace}/events`,
        { method: "POST", body: this.#body(s, type, reason, message, now) },
      );
      this.#remember(key, { name: created.metadata.name, count: 1, at: now });
    } catch (e) {
      this.#seen.delete(key);
      this.#log?.warn("event not recorded", {
        reason,
        error: classifyError(e).message,
      });
    }
  }

  /** Events remembered for aggregation (bounded; for tests and metrics). */
  get remembered(): number {
    return this.#seen.size;
  }

  /**
   * Keeps the newest `value` last. Entries are in the order they were last
   * sent, so the expired ones (past the aggregation window, no use any
   * more) and, beyond MAX_REMEMBERED, the oldest are at the front.
   */
  #remember(key: string, value: Remembered): void {
    this.#seen.delete(key);
    this.#seen.set(key, value);
    for (const [k, v] of this.#seen) {
      const expired = value.at - v.at >= AGGREGATION_WINDOW_MS;
      if (!expired && this.#seen.size <= MAX_REMEMBERED) break;
      this.#seen.delete(k);
    }
  }

  #body(
    s: EventSubject,
    type: EventType,
    reason: string,
    message: string,
    now: number,
  ) {
    return {
      apiVersion: "v1",
      kind: "Event",
      metadata: { generateName: `${s.name}.`, namespace: s.namespace },
      involvedObject: { ...s },
      type,
      reason,
      message,
      count: 1,
      firstTimestamp: rfc3339(now),
      lastTimestamp: rfc3339(now),
      source: { component: this.#component },
      reportingComponent: this.#component,
    };
  }
}
