import type { RequestHandler, WorkerContext } from './context.js';
import type { WorkerProducer } from './producer.js';
import type { AudioLevelListener } from './router.js';

/** What an RTP observer needs from its router. */
export interface RtpObserverHost {
  getProducer(producerId: string): WorkerProducer | undefined;
  listenToAudioLevels(producerId: string, listener: AudioLevelListener): () => void;
  rtpObserverClosed(observer: WorkerRtpObserver): void;
}

/**
 * The worker side of an RTP observer: which producers it watches, whether it
 * is paused, and the requests common to every kind. Subclasses turn the audio
 * levels into notifications on their own timer.
 */
export abstract class WorkerRtpObserver implements RequestHandler {
  readonly id: string;
  protected readonly ctx: WorkerContext;
  readonly #host: RtpObserverHost;
  /** Watched producer id → stops listening to its levels. */
  readonly #producers = new Map<string, () => void>();
  readonly #onLevel: AudioLevelListener;
  #paused = false;
  #closed = false;

  constructor(id: string, ctx: WorkerContext, host: RtpObserverHost) {
    this.id = id;
    this.ctx = ctx;
    this.#host = host;
    // Paused producers count as silent (mediasoup leaves them out).
    this.#onLevel = (producer, level) => {
      if (!this.#paused && !producer.paused) this.onLevel(producer.id, level);
    };
    ctx.register(id, this);
  }

  get paused(): boolean {
    return this.#paused;
  }

  get closed(): boolean {
    return this.#closed;
  }

  handleRequest(method: string, data: unknown): unknown {
    switch (method) {
      case 'rtpObserver.close':
        this.close();
        return undefined;
      case 'rtpObserver.pause':
        if (!this.#paused) {
          this.#paused = true;
          this.onPause();
        }
        return undefined;
      case 'rtpObserver.resume':
        if (this.#paused) {
          this.#paused = false;
          this.onResume();
        }
        return undefined;
      case 'rtpObserver.addProducer':
        this.#addProducer(producerIdOf(data));
        return undefined;
      case 'rtpObserver.removeProducer':
        this.producerRemoved(producerIdOf(data));
        return undefined;
      case 'rtpObserver.dump':
        return { id: this.id, paused: this.#paused, producerIds: [...this.#producers.keys()] };
      default:
        throw new TypeError(`unknown method '${method}'`);
    }
  }

  /** The producer is no longer watched (removed, or closed in the router). No-op if it was not. */
  producerRemoved(producerId: string): void {
    const stop = this.#producers.get(producerId);
    if (!stop) return;
    stop();
    this.#producers.delete(producerId);
    this.onRemoveProducer(producerId);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const stop of this.#producers.values()) stop();
    this.#producers.clear();
    this.onClose();
    this.ctx.unregister(this.id);
    this.#host.rtpObserverClosed(this);
  }

  #addProducer(producerId: string): void {
    const producer = this.#host.getProducer(producerId);
    if (!producer) throw new Error(`producer ${producerId} not found`);
    if (producer.kind !== 'audio') throw new TypeError('not an audio producer');
    if (this.#producers.has(producerId)) throw new Error(`producer ${producerId} already in the observer`);
    this.#producers.set(producerId, this.#host.listenToAudioLevels(producerId, this.#onLevel));
    this.onAddProducer(producerId);
  }

  /** One packet's RFC 6464 level (0..127, -dBov) from a watched, unpaused producer. */
  protected abstract onLevel(producerId: string, level: number): void;
  protected abstract onAddProducer(producerId: string): void;
  protected abstract onRemoveProducer(producerId: string): void;
  protected abstract onPause(): void;
  protected abstract onResume(): void;
  protected abstract onClose(): void;
}

function producerIdOf(data: unknown): string {
  const producerId = (data as { producerId?: unknown } | undefined)?.producerId;
  if (typeof producerId !== 'string') throw new TypeError('missing producerId');
  return producerId;
}
