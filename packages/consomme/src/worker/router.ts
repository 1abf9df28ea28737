import type { PacketLayerInfo } from './rtp/layer-info.js';
import type { RtpPacket } from '../wire/rtp/packet.js';
import type { RequestHandler, WorkerContext } from './context.js';
import type { WorkerConsumer } from './consumer.js';
import type { WorkerProducer } from './producer.js';
import type { WorkerDataProducer } from './data-producer.js';
import type { WorkerDataConsumer } from './data-consumer.js';
import { WorkerDirectTransport } from './direct-transport.js';
import { WorkerPlainTransport, type PlainTransportInit } from './plain-transport.js';
import type { WorkerTransport } from './transport.js';
import { WorkerAudioLevelObserver, type AudioLevelObserverInit } from './audio-level-observer.js';
import { WorkerActiveSpeakerObserver, type ActiveSpeakerObserverInit } from './active-speaker-observer.js';
import type { RtpObserverHost, WorkerRtpObserver } from './rtp-observer.js';
import { WorkerWebRtcTransport, type WebRtcTransportInit } from './webrtc-transport.js';

export type AudioLevelListener = (producer: WorkerProducer, level: number, voice: boolean) => void;

/**
 * The worker side of a router: it knows which consumers hang off which
 * producer and moves packets and keyframe requests between them.
 */
export class WorkerRouter implements RequestHandler, RtpObserverHost {
  readonly id: string;
  readonly #ctx: WorkerContext;
  readonly #onClose: () => void;
  readonly #transports = new Map<string, WorkerTransport>();
  readonly #producers = new Map<string, WorkerProducer>();
  readonly #consumers = new Map<string, Set<WorkerConsumer>>();
  readonly #consumerOwner = new Map<WorkerConsumer, WorkerTransport>();
  readonly #dataProducers = new Map<string, WorkerDataProducer>();
  readonly #dataConsumers = new Map<string, Set<WorkerDataConsumer>>();
  readonly #dataConsumerOwner = new Map<WorkerDataConsumer, WorkerTransport>();
  readonly #audioLevelListeners = new Map<string, Set<AudioLevelListener>>();
  readonly #rtpObservers = new Map<string, WorkerRtpObserver>();
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
      case 'router.createPlainTransport': {
        const init = data as PlainTransportInit;
        const transport = await WorkerPlainTransport.create(init, this.#ctx, this);
        if (this.#closed) {
          transport.close();
          throw new Error('router closed');
        }
        this.#transports.set(transport.id, transport);
        return transport.initialData();
      }
      case 'router.createDirectTransport': {
        const { transportId, maxMessageSize } = data as { transportId: string; maxMessageSize: number };
        const transport = new WorkerDirectTransport(transportId, maxMessageSize, this.#ctx, this);
        this.#transports.set(transport.id, transport);
        return {};
      }
      case 'router.createAudioLevelObserver': {
        const init = data as AudioLevelObserverInit;
        // Bounded so a bad interval cannot flood the channel or never fire.
        const interval = Math.min(Math.max(init.interval, 250), 5000);
        this.#addRtpObserver(init.rtpObserverId, () => new WorkerAudioLevelObserver({ ...init, interval }, this.#ctx, this));
        return undefined;
      }
      case 'router.createActiveSpeakerObserver': {
        const init = data as ActiveSpeakerObserverInit;
        const interval = Math.min(Math.max(init.interval, 100), 5000);
        this.#addRtpObserver(init.rtpObserverId, () => new WorkerActiveSpeakerObserver({ ...init, interval }, this.#ctx, this));
        return undefined;
      }
      case 'router.dump':
        return {
          id: this.id,
          transportIds: [...this.#transports.keys()],
          producerIds: [...this.#producers.keys()],
          rtpObserverIds: [...this.#rtpObservers.keys()],
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
    for (const observer of [...this.#rtpObservers.values()]) observer.close();
    this.#ctx.unregister(this.id);
    this.#onClose();
  }

  transportClosed(transport: WorkerTransport): void {
    this.#transports.delete(transport.id);
  }

  hasDataProducer(id: string): boolean {
    return this.#dataProducers.has(id);
  }

  addDataProducer(dataProducer: WorkerDataProducer): void {
    if (this.#dataProducers.has(dataProducer.id)) throw new Error(`dataProducer ${dataProducer.id} already exists`);
    this.#dataProducers.set(dataProducer.id, dataProducer);
    this.#dataConsumers.set(dataProducer.id, new Set());
  }

  /** The data producer is gone: its data consumers close and tell their API objects. */
  removeDataProducer(dataProducer: WorkerDataProducer): void {
    this.#dataProducers.delete(dataProducer.id);
    const consumers = this.#dataConsumers.get(dataProducer.id);
    this.#dataConsumers.delete(dataProducer.id);
    if (!consumers) return;
    for (const dataConsumer of consumers) {
      const owner = this.#dataConsumerOwner.get(dataConsumer);
      this.#dataConsumerOwner.delete(dataConsumer);
      owner?.removeDataConsumer(dataConsumer);
      this.#ctx.notify(dataConsumer.id, 'dataproducerclose');
    }
  }

  addDataConsumer(dataConsumer: WorkerDataConsumer, owner: WorkerTransport): WorkerDataProducer {
    const dataProducer = this.#dataProducers.get(dataConsumer.dataProducerId);
    const set = this.#dataConsumers.get(dataConsumer.dataProducerId);
    if (!dataProducer || !set) throw new Error(`dataProducer ${dataConsumer.dataProducerId} not found`);
    set.add(dataConsumer);
    this.#dataConsumerOwner.set(dataConsumer, owner);
    return dataProducer;
  }

  removeDataConsumer(dataConsumer: WorkerDataConsumer): void {
    this.#dataConsumers.get(dataConsumer.dataProducerId)?.delete(dataConsumer);
    this.#dataConsumerOwner.delete(dataConsumer);
  }

  forwardData(dataProducer: WorkerDataProducer, ppid: number, data: Buffer, subchannels?: number[], requiredSubchannel?: number): void {
    const consumers = this.#dataConsumers.get(dataProducer.id);
    if (!consumers) return;
    for (const dataConsumer of consumers) dataConsumer.deliver(ppid, data, subchannels, requiredSubchannel);
  }

  dataProducerPausedChanged(dataProducer: WorkerDataProducer): void {
    const consumers = this.#dataConsumers.get(dataProducer.id);
    if (!consumers) return;
    for (const dataConsumer of consumers) dataConsumer.setDataProducerPaused(dataProducer.paused);
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
    for (const observer of this.#rtpObservers.values()) observer.producerRemoved(producer.id);
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

  forward(producer: WorkerProducer, packet: RtpPacket, info: PacketLayerInfo): void {
    const consumers = this.#consumers.get(producer.id);
    if (!consumers) return;
    for (const consumer of consumers) consumer.sendRtp(packet, info);
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
    const scores = producer.scores;
    for (const consumer of consumers) consumer.setProducerScores(scores);
  }

  requestKeyFrame(consumer: WorkerConsumer): void {
    this.#producers.get(consumer.producerId)?.requestKeyFrame(false, consumer.keyFrameEncodingIdx);
  }

  getProducer(id: string): WorkerProducer | undefined {
    return this.#producers.get(id);
  }

  rtpObserverClosed(observer: WorkerRtpObserver): void {
    this.#rtpObservers.delete(observer.id);
  }

  #addRtpObserver(id: string, create: () => WorkerRtpObserver): void {
    if (this.#closed) throw new Error('router closed');
    if (this.#rtpObservers.has(id)) throw new Error(`rtp observer ${id} already exists`);
    this.#rtpObservers.set(id, create());
  }
}
