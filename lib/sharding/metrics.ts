/**
 * Sharding gauges, read at scrape time from the coordinator and registered
 * on the controller's own registry.
 */
import { Gauge, type Registry } from "prom-client";
import type { ShardCoordinator } from "./coordinator.ts";

export function registerShardMetrics(
  registry: Registry,
  shard: ShardCoordinator,
): void {
  new Gauge({
    name: "drsyncer_shard_members",
    help: "Live dr-syncer replicas this replica sees (run --sharding)",
    registers: [registry],
    collect() {
      this.set(shard.members.length);
    },
  });
  new Gauge({
    name: "drsyncer_owned_replications",
    help: "NamespaceReplications handled by this replica (run --sharding)",
    registers: [registry],
    collect() {
      this.set(shard.owned);
    },
  });
  new Gauge({
    name: "drsyncer_unowned_replications",
    help:
      "NamespaceReplications with no live owner, as this replica sees them (run --sharding)",
    registers: [registry],
    collect() {
      this.set(shard.unowned);
    },
  });
}
