/**
 * Runs controllers: starts their informers (on every replica, so a standby
 * has warm caches), waits for sync, and once leading feeds each reconciler
 * from its own work queue. Losing the lease aborts every reconciler at once
 * and `run` returns 1; a stop request drains in-flight work within a bound,
 * releases the lease and returns 0.
 */
import type { ClusterClient } from "./kube/client.ts";
import type { InformerOptions } from "./informer/informer.ts";
import type {
  Controller,
  ManagerStats,
  RuntimeLog,
  WatchSource,
} from "./controller.ts";
import { type InformerLease, SharedInformers } from "./informer/shared.ts";
import {
  type HealthServer,
  type ListenAddress,
  type Liveness,
  type Readiness,
  serveHealth,
} from "./health.ts";
import {
  DEFAULT_LIVENESS,
  type LivenessLimits,
  LoopLagMonitor,
  queueProblems,
} from "./liveness.ts";
import type { LeaderElector } from "./leader-election.ts";
import { WorkQueue } from "./workqueue.ts";

export type {
  Controller,
  ManagerStats,
  Reconciler,
  RuntimeLog,
  WatchSource,
} from "./controller.ts";

/** Options of {@link Manager}. */
export interface ManagerOptions {
  source: ClusterClient;
  /** Absent: this replica always leads. */
  elector?: LeaderElector;
  /** e.g. ":8081"; absent: no probe server. */
  healthAddr?: string | ListenAddress;
  /** Bound on draining in-flight work at shutdown. Default 30 s. */
  shutdownTimeoutMs?: number;
  informers?: InformerOptions;
  log?: RuntimeLog;
  /** When /healthz calls the process wedged; defaults in liveness.ts. */
  liveness?: Partial<LivenessLimits> & { loopTickMs?: number };
  /**
   * Bound on the initial cache sync (e.g. our CRDs not installed, a type
   * we may not list). Past it /healthz fails and one log line names the
   * resources still unsynced; the wait goes on. Default 2 min.
   */
  startupTimeoutMs?: number;
}

const DEFAULT_SHUTDOWN_MS = 30_000;
const DEFAULT_STARTUP_MS = 120_000;
const silent: RuntimeLog = { info() {}, warn() {}, error() {} };

/** See the module comment. */
export class Manager {
  readonly #o: ManagerOptions;
  readonly #log: RuntimeLog;
  readonly #controllers: Controller[] = [];
  readonly #informers: SharedInformers;
  readonly #leases = new Map<WatchSource, InformerLease>();
  readonly #unsubscribe: (() => void)[] = [];
  readonly #queues = new Map<Controller, WorkQueue>();
  #health: HealthServer | undefined;
  readonly #lag: LoopLagMonitor;
  readonly #limits: LivenessLimits;
  #synced = false;
  #electing = false;
  /** Set once the start-up deadline passed with caches still unsynced. */
  #startupOverdue: string | undefined;

  constructor(o: ManagerOptions) {
    this.#o = o;
    this.#log = o.log ?? silent;
    this.#limits = { ...DEFAULT_LIVENESS, ...o.liveness };
    this.#lag = new LoopLagMonitor(o.liveness?.loopTickMs);
    this.#informers = new SharedInformers({
      ...o.informers,
      onRestart: (cause, delayMs, spec) => {
        o.informers?.onRestart?.(cause, delayMs, spec);
        // A normal end of a long watch is routine; anything else is news.
        if (cause === "Closed") return;
        this.#log.warn("watch restarting", {
          resource: spec.type.resource,
          namespace: spec.namespace ?? "",
          cause,
          delayMs,
        });
      },
    });
  }

  /** Registers a controller; call before `run`. */
  add(c: Controller): void {
    this.#controllers.push(c);
  }

  /** The shared informers: controllers add watches of their own here. */
  get informers(): SharedInformers {
    return this.#informers;
  }

  /** The port the probe server listens on (tests use port 0). */
  get healthPort(): number | undefined {
    return this.#health?.port;
  }

  /** Ready: caches synced and leading, or standing by healthily. */
  readiness(): Readiness {
    const reasons: string[] = [];
    if (!this.#synced) {
      reasons.push(`caches not synced: ${this.#unsynced().join(", ")}`);
    }
    // Election starts after the caches: before that the lease says nothing.
    const e = this.#o.elector;
    if (e && this.#electing && !e.isLeader && !e.healthy) {
      reasons.push("lease unreachable");
    }
    return { ready: reasons.length === 0, reasons };
  }

  /** Alive unless start-up overran, the event loop lags or a queue is stuck. */
  liveness(): Liveness {
    const reasons: string[] = [];
    if (this.#startupOverdue) reasons.push(this.#startupOverdue);
    const lag = this.#lag.lagMs;
    if (lag > this.#limits.maxLoopLagMs) {
      reasons.push(`event loop lagging ${Math.round(lag)}ms`);
    }
    const queues = [...this.#queues].map(([c, q]) => ({
      name: c.reconciler.name,
      depth: q.depth,
      ...q.progress,
    }));
    reasons.push(...queueProblems(queues, Date.now(), this.#limits));
    return { ready: reasons.length === 0, reasons };
  }

  /** True while this replica runs reconcilers. */
  get leading(): boolean {
    return this.#queues.size > 0 && !this.#o.elector?.leading.aborted;
  }

  /** A snapshot for metrics: queues, watches and leadership. */
  stats(): ManagerStats {
    return {
      leading: this.leading,
      queues: [...this.#queues].map(([c, q]) => ({
        reconciler: c.reconciler.name,
        depth: q.depth,
        inFlight: q.inFlight,
        ...q.stats,
      })),
      informers: this.#informers.informers().map((i) => ({
        resource: i.spec.type.resource,
        namespace: i.spec.namespace ?? "",
        synced: i.hasSynced,
        cached: i.size,
        ...i.stats,
      })),
    };
  }

  /** Runs until `stop` aborts (returns 0) or the lease is lost (returns 1). */
  async run(stop: AbortSignal): Promise<number> {
    if (this.#o.healthAddr) {
      this.#lag.start();
      this.#health = serveHealth(
        this.#o.healthAddr,
        () => this.readiness(),
        () => this.liveness(),
      );
    }
    try {
      this.#startInformers();
      if (!await this.#waitSynced(stop)) return 0;
      this.#synced = true;
      this.#startupOverdue = undefined;
      this.#log.info("caches synced", { informers: this.#informers.size });
      const elector = this.#o.elector;
      this.#electing = true;
      if (elector && !await elector.acquire(stop)) return 0;
      this.#log.info("leading", { identity: elector?.identity });
      this.#startQueues(elector?.leading);
      const outcome = await Promise.race([
        aborted(stop).then(() => "stop" as const),
        (elector?.lost ?? new Promise<never>(() => {})).then(() =>
          "lost" as const
        ),
      ]);
      if (outcome === "lost") {
        this.#log.error("leader election lost; stopping all writers");
        return 1;
      }
      await this.#drain();
      await elector?.release();
      return 0;
    } finally {
      await this.#cleanup();
    }
  }

  #startInformers(): void {
    for (const c of this.#controllers) {
      const enqueue = (keys: string[]) => {
        const queue = this.#queues.get(c);
        if (queue) { for (const k of keys) queue.add(k); }
      };
      for (const w of c.channels ?? []) {
        this.#unsubscribe.push(
          w.channel.subscribe((name) => enqueue(w.keys(name))),
        );
      }
      for (const w of c.watches) {
        const client = w.client ?? this.#o.source;
        const lease = this.#informers.acquire(
          client,
          w.spec,
          (event) => enqueue(w.keys(event)),
        );
        this.#leases.set(w, lease);
      }
    }
  }

  async #waitSynced(stop: AbortSignal): Promise<boolean> {
    const all = Promise.all(this.#informers.informers().map((i) => i.synced));
    const ms = this.#o.startupTimeoutMs ?? DEFAULT_STARTUP_MS;
    const overdue = setTimeout(() => {
      const resources = this.#unsynced();
      this.#startupOverdue = `caches not synced after ${
        Math.round(ms / 1000)
      }s: ${resources.join(", ")}`;
      this.#log.error("initial cache sync overdue", {
        afterMs: ms,
        resources: resources.join(", "),
      });
    }, ms);
    try {
      const outcome = await Promise.race([all, aborted(stop)]);
      return !stop.aborted && outcome !== "aborted";
    } finally {
      clearTimeout(overdue);
    }
  }

  /** The resources (plural.group, with the namespace) not synced yet. */
  #unsynced(): string[] {
    return this.#informers.informers().filter((i) => !i.hasSynced).map((i) => {
      const t = i.spec.type;
      const name = t.group ? `${t.resource}.${t.group}` : t.resource;
      return i.spec.namespace ? `${name} in ${i.spec.namespace}` : name;
    });
  }

  #startQueues(leading: AbortSignal | undefined): void {
    for (const c of this.#controllers) {
      const { reconciler } = c;
      const queue = new WorkQueue({
        concurrency: c.concurrency,
        signal: leading,
        handler: (key, signal) => reconciler.reconcile(key, signal),
        onError: (key, error, failures) =>
          this.#log.warn("reconcile failed", {
            reconciler: reconciler.name,
            key,
            failures,
            error: String((error as Error)?.message ?? error).split("\n")[0],
          }),
      });
      this.#queues.set(c, queue);
      c.attach?.(queue);
      // Events seen while standing by were not queued: replay the caches.
      for (const w of c.watches) {
        for (const object of this.#leases.get(w)?.informer.list() ?? []) {
          for (const k of w.keys({ type: "add", object })) queue.add(k);
        }
      }
    }
  }

  async #drain(): Promise<void> {
    const deadline = this.#o.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_MS;
    const results = await Promise.all(
      [...this.#queues.values()].map((q) => q.shutdown(deadline)),
    );
    const abandoned = results.flatMap((r) => r.abandoned);
    if (abandoned.length) {
      this.#log.warn("shutdown deadline passed", { abandoned });
    }
  }

  async #cleanup(): Promise<void> {
    for (const q of this.#queues.values()) await q.shutdown(0);
    this.#queues.clear();
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
    for (const c of this.#controllers) await c.detach?.();
    const leases = [...this.#leases.values()];
    this.#leases.clear();
    await Promise.all(leases.map((l) => l.release()));
    await this.#health?.shutdown();
    this.#health = undefined;
    this.#lag.stop();
  }
}

/** Resolves "aborted" when `signal` aborts (listener removed on settle). */
function aborted(signal: AbortSignal): Promise<"aborted"> {
  if (signal.aborted) return Promise.resolve("aborted");
  return new Promise((resolve) =>
    signal.addEventListener("abort", () => resolve("aborted"), { once: true })
  );
}
