/**
 * prom-client removes a series only by its exact label set, so to drop
 * everything of one replication or cluster we remember which label sets were
 * written under that owner. The index holds one entry per live series, the
 * same bound as the registry itself.
 */

/** The part of a prom-client metric the index needs. */
export interface Removable {
  remove(labels: Record<string, string>): void;
}

interface Entry {
  metric: Removable;
  labels: Record<string, string>;
}

/** Label sets written per owner key (e.g. a replication's name). */
export class SeriesIndex {
  readonly #byOwner = new Map<string, Map<string, Entry>>();
  readonly #ids = new WeakMap<Removable, number>();
  #nextId = 0;

  /** Records that `metric` has a series with `labels` belonging to `owner`. */
  note(owner: string, metric: Removable, labels: Record<string, string>): void {
    let entries = this.#byOwner.get(owner);
    if (!entries) this.#byOwner.set(owner, entries = new Map());
    const key = `${this.#idOf(metric)}\0${Object.values(labels).join("\0")}`;
    if (!entries.has(key)) entries.set(key, { metric, labels });
  }

  /** Removes every series recorded for `owner`. */
  drop(owner: string): void {
    for (const { metric, labels } of this.#byOwner.get(owner)?.values() ?? []) {
      metric.remove(labels);
    }
    this.#byOwner.delete(owner);
  }

  /** Number of owners with recorded series (for tests). */
  get size(): number {
    return this.#byOwner.size;
  }

  #idOf(metric: Removable): number {
    let id = this.#ids.get(metric);
    if (id === undefined) this.#ids.set(metric, id = this.#nextId++);
    return id;
  }
}
