/**
 * Request counters per verb and resource, so tests can assert how many API
 * calls something made. Counted when a request is routed, before faults and
 * authorization, so failed attempts count too.
 */

/** Filter for `total`. */
export interface CounterFilter {
  verbs?: string[];
  resources?: string[];
  group?: string;
}

/** Per-cluster request counters. */
export class Counters {
  #counts = new Map<string, number>();

  /** Records one request; `resource` may carry a subresource ("deployments/scale"). */
  add(verb: string, group: string, resource: string): void {
    const k = `${verb}|${group}|${resource}`;
    this.#counts.set(k, (this.#counts.get(k) ?? 0) + 1);
  }

  /** Requests of one verb on one resource (any group unless given). */
  get(verb: string, resource: string, group?: string): number {
    return this.total({ verbs: [verb], resources: [resource], group });
  }

  /** Sum over the matching verbs/resources (all when a filter is absent). */
  total(f: CounterFilter = {}): number {
    let n = 0;
    for (const [k, v] of this.#counts) {
      const [verb, group, resource] = k.split("|");
      if (f.verbs && !f.verbs.includes(verb)) continue;
      if (f.resources && !f.resources.includes(resource)) continue;
      if (f.group !== undefined && f.group !== group) continue;
      n += v;
    }
    return n;
  }

  /** Every non-zero counter as "verb group/resource" → count (for debugging). */
  snapshot(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [k, v] of this.#counts) {
      const [verb, group, resource] = k.split("|");
      out[`${verb} ${group ? group + "/" : ""}${resource}`] = v;
    }
    return out;
  }

  /** Forgets everything counted so far. */
  reset(): void {
    this.#counts.clear();
  }
}

/** One served request, as the request log keeps it. */
export interface LoggedRequest {
  method: string;
  /** Path and query, e.g. "/api/v1/namespaces/a/configmaps?watch=true". */
  url: string;
  /** HTTP status of the answer (200 for watches, even if they end later). */
  code: number;
  /** Wall-clock time when the request arrived (ms since epoch). */
  at: number;
}

const DEFAULT_LOG_SIZE = 2000;

/** The most recent requests of a cluster, for debugging and precise assertions. */
export class RequestLog {
  #entries: LoggedRequest[] = [];

  constructor(readonly size = DEFAULT_LOG_SIZE) {}

  /** Appends one request, dropping the oldest beyond `size`. */
  add(e: LoggedRequest): void {
    this.#entries.push(e);
    if (this.#entries.length > this.size) {
      this.#entries.splice(0, this.#entries.length - this.size);
    }
  }

  /** The kept requests, oldest first (a copy). */
  entries(): LoggedRequest[] {
    return [...this.#entries];
  }

  /** Forgets everything logged so far. */
  clear(): void {
    this.#entries = [];
  }
}
