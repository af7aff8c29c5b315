/**
 * drsyncer_volume_seconds_since_last_sync{replication,namespace,pvc}: the
 * data RPO of each replicated PVC (contract §6), read at scrape time from
 * the last transfer VolSync reported, so it grows between passes. A volume
 * that never finished a transfer counts from when it was first seen. One
 * series per replicated PVC: bounded by the PVCs a user chose to replicate.
 */
import { Gauge, type Registry } from "prom-client";

type Label = "replication" | "namespace" | "pvc";

interface VolumeTimes {
  firstSeenMs: number;
  lastSyncMs?: number;
}

/** See the module comment. */
export class VolumeSyncGauge {
  readonly #times = new Map<string, Map<string, VolumeTimes>>();

  constructor(registry: Registry, now: () => number) {
    const times = this.#times;
    new Gauge<Label>({
      name: "drsyncer_volume_seconds_since_last_sync",
      help:
        "Seconds since the last finished VolSync transfer of a replicated PVC (data RPO)",
      labelNames: ["replication", "namespace", "pvc"],
      registers: [registry],
      collect: function (this: Gauge<Label>) {
        this.reset();
        for (const [replication, volumes] of times) {
          for (const [key, t] of volumes) {
            const [namespace, pvc] = key.split("/");
            const since = now() - (t.lastSyncMs ?? t.firstSeenMs);
            this.set(
              { replication, namespace, pvc },
              Math.max(0, since) / 1000,
            );
          }
        }
      },
    });
  }

  /** The replicated volumes of a replication now; others are dropped. */
  set(
    replication: string,
    volumes: readonly {
      namespace: string;
      pvc: string;
      lastSyncTime?: string;
    }[],
    nowMs: number,
  ): void {
    const old = this.#times.get(replication) ?? new Map<string, VolumeTimes>();
    const next = new Map<string, VolumeTimes>();
    for (const v of volumes) {
      const key = `${v.namespace}/${v.pvc}`;
      const last = v.lastSyncTime ? Date.parse(v.lastSyncTime) : NaN;
      next.set(key, {
        firstSeenMs: old.get(key)?.firstSeenMs ?? nowMs,
        lastSyncMs: Number.isFinite(last) ? last : old.get(key)?.lastSyncMs,
      });
    }
    if (next.size) this.#times.set(replication, next);
    else this.#times.delete(replication);
  }

  forget(replication: string): void {
    this.#times.delete(replication);
  }
}
