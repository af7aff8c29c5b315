/**
 * The controller's own DR writes, remembered by the resourceVersion each
 * write returned. The DR watch then delivers every one of them back; an
 * event that is only the echo of our write is still applied to the cache
 * but not turned into work, which halves the controller's CPU during a
 * large initial sync (measured by `deno task bench`). Resource versions are
 * compared for equality only.
 */
import type { ApiResource, KubeObject } from "../../lib/sync/types.ts";
import { ApiCluster } from "../../lib/engine/api-ports.ts";
import type { DeletePrecondition } from "../../lib/engine/ports.ts";
import type { InformerEvent } from "../../lib/informer/cache.ts";
import type { ClusterClient } from "../../lib/kube/client.ts";

/** Bound on remembered writes; older echoes just cost one redundant check. */
const MAX_REMEMBERED = 50_000;

function keyOf(
  namespace: string | undefined,
  name: string,
  kind: string,
): string {
  return `${kind}/${namespace ?? ""}/${name}`;
}

export class OwnWrites {
  readonly #written = new Map<string, string>();
  readonly #deleted = new Set<string>();
  /** Writes sent and not answered yet, by key. */
  readonly #inFlight = new Map<string, number>();
  /**
   * The resourceVersion of the echo that came while the key's write was in
   * flight: that write's answer must not be remembered, as its echo is
   * gone and nothing would ever forget it (the soak found these piling up).
   */
  readonly #echoedInFlight = new Map<string, string>();

  /**
   * Marks a write as sent. An event for the key while it is in flight is
   * its echo: a foreign change racing it would make our write fail (create
   * → 409 AlreadyExists, update → 409 Conflict on the resourceVersion), and
   * a failed write is re-planned from the cache, which has the event.
   */
  sending(o: Pick<KubeObject, "kind" | "metadata">): () => void {
    const key = keyOf(o.metadata.namespace, o.metadata.name, o.kind);
    this.#inFlight.set(key, (this.#inFlight.get(key) ?? 0) + 1);
    return () => {
      const n = (this.#inFlight.get(key) ?? 1) - 1;
      if (n > 0) this.#inFlight.set(key, n);
      else {
        this.#inFlight.delete(key);
        this.#echoedInFlight.delete(key);
      }
    };
  }

  wrote(o: KubeObject): void {
    const rv = o?.metadata?.resourceVersion;
    if (!rv) return;
    const key = keyOf(o.metadata.namespace, o.metadata.name, o.kind);
    this.#written.delete(key);
    if (this.#echoedInFlight.get(key) === rv) return;
    this.#written.set(key, rv);
    if (this.#written.size > MAX_REMEMBERED) {
      this.#written.delete(this.#written.keys().next().value!);
    }
  }

  deleted(kind: string, namespace: string | undefined, name: string): void {
    if (this.#deleted.size >= MAX_REMEMBERED) this.#deleted.clear();
    this.#deleted.add(keyOf(namespace, name, kind));
  }

  /** A delete that failed will not echo. */
  notDeleted(kind: string, namespace: string | undefined, name: string): void {
    this.#deleted.delete(keyOf(namespace, name, kind));
  }

  /** Writes whose echo is still awaited (bounded; for tests and leaks). */
  get remembered(): number {
    return this.#written.size + this.#deleted.size;
  }

  /** True (and forgotten) when `e` is the echo of one of our writes. */
  isEcho(e: InformerEvent): boolean {
    const o = e.object;
    const key = keyOf(o.metadata.namespace, o.metadata.name, o.kind);
    if (e.type === "delete") {
      // A gone object's remembered write can no longer echo.
      this.#written.delete(key);
      return this.#deleted.delete(key);
    }
    if (this.#inFlight.has(key)) {
      const rv = o.metadata.resourceVersion;
      if (rv) this.#echoedInFlight.set(key, rv);
      return true;
    }
    const rv = this.#written.get(key);
    if (rv === undefined || rv !== o.metadata.resourceVersion) return false;
    this.#written.delete(key);
    return true;
  }
}

/** An ApiCluster that tells `own` about every write it makes. */
export class RecordingApiCluster extends ApiCluster {
  constructor(client: ClusterClient, readonly own: OwnWrites) {
    super(client);
  }

  override async create(
    type: ApiResource,
    object: KubeObject,
  ): Promise<KubeObject> {
    // The watch often delivers the event before the answer arrives.
    const done = this.own.sending({ ...object, kind: type.kind });
    try {
      const written = await super.create(type, object);
      this.own.wrote({ ...written, kind: written.kind ?? type.kind });
      return written;
    } finally {
      done();
    }
  }

  override async replace(
    type: ApiResource,
    object: KubeObject,
  ): Promise<KubeObject> {
    // The watch often delivers the event before the answer arrives.
    const done = this.own.sending({ ...object, kind: type.kind });
    try {
      const written = await super.replace(type, object);
      this.own.wrote({ ...written, kind: written.kind ?? type.kind });
      return written;
    } finally {
      done();
    }
  }

  override async remove(
    type: ApiResource,
    namespace: string | undefined,
    name: string,
    precondition?: DeletePrecondition,
  ): Promise<void> {
    this.own.deleted(type.kind, namespace, name);
    try {
      await super.remove(type, namespace, name, precondition);
    } catch (e) {
      this.own.notDeleted(type.kind, namespace, name);
      throw e;
    }
  }
}
