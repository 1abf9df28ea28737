import type { RtpPacket } from '../wire/rtp/packet.js';
import type { RequestHandler, WorkerContext } from './context.js';
import type { WorkerConsumer } from './consumer.js';
import type { WorkerProducer } from './producer.js';
import type { WorkerTransport } from './transport.js';
import { WorkerWebRtcTransport, type WebRtcTransportInit } from './webrtc-transport.js';

export type AudioLevelListener = (producer: WorkerProducer, level: number, voice: boolean) => void;

/**
 * The worker side of a router: it knows which consumers hang off which
 * producer and moves packets and keyframe requests between them.
 */
export class WorkerRouter implements RequestHandler {
  readonly id: string;
  readonly #ctx: WorkerContext;
  readonly #onClose: () => void;
  readonly #transports = new Map<string, WorkerTransport>();
  readonly #producers = new Map<string, WorkerProducer>();
  readonly #consumers = new Map<string, Set<WorkerConsumer>>();
  readonly #consumerOwner = new Map<WorkerConsumer, WorkerTransport>();
  readonly #audioLevelListeners = new Map<string, Set<AudioLevelListener>>();
  #closed = false;

  constructor(id: string, ctx: WorkerContext, onClose: () => void) {
    this.id = id;
    this.#ctx = ctx;
    this.#onClose = onClose;
    ctx.register(id, this);
  }

  async handleRequest(method: string, data: unknown): Promise<unknown> {
    switch (method) {
      case 'router.close':
        this.close();
        return undefined;
      case 'router.createWebRtcTransport': {
        const init = data as WebRtcTransportInit;
        const transport = await WorkerWebRtcTransport.create(init, this.#ctx, this);
        if (this.#closed) {
          transport.close();
          throw new Error('router closed');
        }
        this.#transports.set(transport.id, transport);
        return transport.initialData();
      }
      case 'router.dump':
        return {
          id: this.id,
          transportIds: [...this.#transports.keys()],
          producerIds: [...this.#producers.keys()],
        };
      default:
        throw new TypeError(`unknown method '${method}'`);
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const transport of [...this.#transports.values()]) transport.close();
    this.#transports.clear();
    this.#ctx.unregister(this.id);
    this.#onClose();
  }

  transportClosed(transport: WorkerTransport): void {
    this.#transports.delete(transport.id);
  }

  hasProducer(id: string): boolean {
    return this.#producers.has(id);
  }

  addProducer(producer: WorkerProducer): void {
    if (this.#producers.has(producer.id)) throw new Error(`producer ${producer.id} already exists`);
    this.#producers.set(producer.id, producer);
    this.#consumers.set(producer.id, new Set());
  }

  /** The producer is gone: its consumers close and tell their API objects. */
  removeProducer(producer: WorkerProducer): void {
    this.#producers.delete(producer.id);
    const consumers = this.#consumers.get(producer.id);
    this.#consumers.delete(producer.id);
    if (!consumers) return;
    for (const consumer of consumers) {
      const owner = this.#consumerOwner.get(consumer);
      this.#consumerOwner.delete(consumer);
      owner?.removeConsumer(consumer);
      this.#ctx.notify(consumer.id, 'producerclose');
    }
  }

  addConsumer(consumer: WorkerConsumer, owner: WorkerTransport): WorkerProducer {
    const producer = this.#producers.get(consumer.producerId);
    const set = this.#consumers.get(consumer.producerId);
    if (!producer || !set) throw new Error(`producer ${consumer.producerId} not found`);
    set.add(consumer);
    this.#consumerOwner.set(consumer, owner);
    return producer;
  }

  removeConsumer(consumer: WorkerConsumer): void {
    this.#consumers.get(consumer.producerId)?.delete(consumer);
    this.#consumerOwner.delete(consumer);
  }

  forward(producer: WorkerProducer, packet: RtpPacket, keyFrame: boolean): void {
    const consumers = this.#consumers.get(producer.id);
    if (!consumers) return;
    for (const consumer of consumers) consumer.sendRtp(packet, keyFrame);
  }

  producerPausedChanged(producer: WorkerProducer): void {
    const consumers = this.#consumers.get(producer.id);
    if (!consumers) return;
    for (const consumer of consumers) consumer.setProducerPaused(producer.paused);
  }

  /** Audio levels go to the RTP observers the producer was added to. */
  producerAudioLevel(producer: WorkerProducer, level: number, voice: boolean): void {
    const listeners = this.#audioLevelListeners.get(producer.id);
    if (!listeners) return;
    for (const listener of listeners) listener(producer, level, voice);
  }

  /** @internal For RTP observers: hear a producer's audio levels until the returned function is called. */
  listenToAudioLevels(producerId: string, listener: AudioLevelListener): () => void {
    let set = this.#audioLevelListeners.get(producerId);
    if (!set) {
      set = new Set();
      this.#audioLevelListeners.set(producerId, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.#audioLevelListeners.delete(producerId);
    };
  }

  producerScoreChanged(producer: WorkerProducer): void {
    const consumers = this.#consumers.get(producer.id);
    if (!consumers) return;
    for (const consumer of consumers) consumer.setProducerScore(producer.score);
  }

  requestKeyFrame(consumer: WorkerConsumer): void {
    this.#producers.get(consumer.producerId)?.requestKeyFrame();
  }
}
