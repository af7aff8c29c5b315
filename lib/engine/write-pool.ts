/**
 * One bound on the writes in flight to one cluster, shared by every
 * replication and namespace writing there.
 *
 * Each namespace has a queue of its own (a lane); a free slot goes to the
 * lanes with queued work in turn, one write each, so a namespace with a
 * large rank does not hold back the others and none starves. Order within a
 * namespace stays the caller's: the engine hands over one rank and waits for
 * all of it before the next, and a lane starts its writes in the order they
 * were handed over.
 */
export class WritePool {
  readonly size: number;
  #inFlight = 0;
  /** Lanes with queued work, in turn order (a served lane moves to the end). */
  readonly #lanes = new Map<string, (() => void)[]>();

  constructor(size: number) {
    this.size = Math.max(1, Math.floor(size));
  }

  /** Writes running now. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Writes waiting for a slot, over all lanes. */
  get queued(): number {
    let n = 0;
    for (const q of this.#lanes.values()) n += q.length;
    return n;
  }

  /** Runs `write` in `lane` once a slot is free for it; resolves with its result. */
  async run<T>(lane: string, write: () => Promise<T>): Promise<T> {
    if (this.#inFlight < this.size && !this.#lanes.has(lane)) {
      this.#inFlight++;
    } else {
      await new Promise<void>((start) => this.#enqueue(lane, start));
    }
    try {
      return await write();
    } finally {
      this.#inFlight--;
      this.#dispatch();
    }
  }

  #enqueue(lane: string, start: () => void): void {
    const queue = this.#lanes.get(lane);
    if (queue) queue.push(start);
    else this.#lanes.set(lane, [start]);
    this.#dispatch();
  }

  /** Hands free slots to the lanes in turn. */
  #dispatch(): void {
    while (this.#inFlight < this.size && this.#lanes.size > 0) {
      const [lane, queue] = this.#lanes.entries().next().value!;
      const start = queue.shift()!;
      this.#lanes.delete(lane);
      // Back at the end of the turn order if it has more.
      if (queue.length > 0) this.#lanes.set(lane, queue);
      this.#inFlight++;
      start();
    }
  }
}
