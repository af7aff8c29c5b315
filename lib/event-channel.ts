/**
 * In-process events a controller can watch beside its informers (as
 * controller-runtime's channel source): e.g. a RemoteCluster's connection
 * changed. Each event is the name of the object it is about.
 */
export type ChannelHandler = (name: string) => void;

/** The watching side: what a controller's watch subscribes to. */
export interface ChannelSource {
  subscribe(handler: ChannelHandler): () => void;
}

/** See the module comment. */
export class EventChannel implements ChannelSource {
  readonly #handlers = new Set<ChannelHandler>();

  subscribe(handler: ChannelHandler): () => void {
    this.#handlers.add(handler);
    return () => this.#handlers.delete(handler);
  }

  emit(name: string): void {
    for (const h of this.#handlers) h(name);
  }
}
