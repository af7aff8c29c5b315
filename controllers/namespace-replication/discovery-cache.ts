/**
 * Source discovery, shared by every replication and refreshed at most once
 * per TTL (or on demand after a CRD change), so a pass costs no discovery
 * requests in the steady state.
 */
import type { ClusterClient } from "../../lib/kube/client.ts";
import { discover } from "../../lib/engine/api-ports.ts";
import type { DiscoveredResource } from "../../lib/sync/resource-types.ts";

const DEFAULT_TTL_MS = 5 * 60_000;

export class DiscoveryCache {
  #value?: { at: number; resources: DiscoveredResource[] };
  #inflight?: Promise<DiscoveredResource[]>;

  constructor(
    readonly client: ClusterClient,
    readonly now: () => number,
    readonly ttlMs = DEFAULT_TTL_MS,
  ) {}

  /** Forces the next `get` to ask the server. */
  invalidate(): void {
    this.#value = undefined;
  }

  get(): Promise<DiscoveredResource[]> {
    const v = this.#value;
    if (v && this.now() - v.at < this.ttlMs) {
      return Promise.resolve(v.resources);
    }
    this.#inflight ??= discover(this.client).then((resources) => {
      this.#value = { at: this.now(), resources };
      return resources;
    }).finally(() => (this.#inflight = undefined));
    return this.#inflight;
  }
}
