import { randomUUID } from 'node:crypto';
import type { Channel } from '../channel/channel.js';
import { InvalidStateError } from '../errors.js';
import { canConsume, validateRtpCapabilities } from '../ortc/index.js';
import type { RtpCapabilities } from '../ortc/types.js';
import { EnhancedEventEmitter } from './enhanced-events.js';
import type { Producer } from './producer.js';
import { ActiveSpeakerObserver, normalizeActiveSpeakerObserverOptions, type ActiveSpeakerObserverOptions } from './active-speaker-observer.js';
import { AudioLevelObserver, normalizeAudioLevelObserverOptions, type AudioLevelObserverOptions } from './audio-level-observer.js';
import type { RtpObserver, RtpObserverInternal } from './rtp-observer.js';
import type { DataProducer } from './data-producer.js';
import { DirectTransport, type DirectTransportOptions } from './direct-transport.js';
import { PlainTransport, normalizePlainTransportOptions, type PlainTransportData, type PlainTransportOptions } from './plain-transport.js';
import type { AppData } from './transport-types.js';
import { WebRtcTransport, normalizeWebRtcTransportOptions, type WebRtcTransportOptions, type WebRtcTransportData } from './webrtc-transport.js';
import type { Transport } from './transport.js';

export type RouterEvents = {
  workerclose: [];
  listenererror: [string, Error];
  '@close': [];
};

export type RouterObserverEvents = {
  close: [];
  newtransport: [Transport];
  newrtpobserver: [RtpObserver];
};

interface RouterInternal<RouterAppData> {
  id: string;
  rtpCapabilities: RtpCapabilities;
  channel: Channel;
  appData: RouterAppData | undefined;
}

/** An SFU: forwards RTP from producers to consumers over its transports. */
export class Router<RouterAppData extends AppData = AppData> extends EnhancedEventEmitter<RouterEvents> {
  readonly #id: string;
  readonly #rtpCapabilities: RtpCapabilities;
  readonly #channel: Channel;
  readonly #transports = new Map<string, Transport>();
  readonly #producers = new Map<string, Producer>();
  readonly #rtpObservers = new Map<string, RtpObserver>();
  readonly #dataProducers = new Map<string, DataProducer>();
  readonly #observer = new EnhancedEventEmitter<RouterObserverEvents>();
  #closed = false;
  #appData: RouterAppData;

  /** @internal */
  constructor({ id, rtpCapabilities, channel, appData }: RouterInternal<RouterAppData>) {
    super();
    this.#id = id;
    this.#rtpCapabilities = rtpCapabilities;
    this.#channel = channel;
    this.#appData = appData ?? ({} as RouterAppData);
  }

  get id(): string {
    return this.#id;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** RTP capabilities of the router; give them to mediasoup-client's device.load(). */
  get rtpCapabilities(): RtpCapabilities {
    return this.#rtpCapabilities;
  }

  get appData(): RouterAppData {
    return this.#appData;
  }

  set appData(appData: RouterAppData) {
    this.#appData = appData;
  }

  get observer(): EnhancedEventEmitter<RouterObserverEvents> {
    return this.#observer;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#channel.request('router.close', this.#id).catch(() => undefined);
    this.#closeChildren();
    this.safeEmit('@close');
    this.#observer.safeEmit('close');
  }

  /** @internal The worker closed (or died). */
  workerClosed(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#closeChildren();
    this.safeEmit('workerclose');
    this.safeEmit('@close');
    this.#observer.safeEmit('close');
  }

  async dump(): Promise<unknown> {
    return this.#channel.request('router.dump', this.#id);
  }

  async createWebRtcTransport<TransportAppData extends AppData = AppData>(
    options: WebRtcTransportOptions<TransportAppData>,
  ): Promise<WebRtcTransport<TransportAppData>> {
    if (this.#closed) throw new InvalidStateError('router closed');
    const request = normalizeWebRtcTransportOptions(options);
    const transportId = randomUUID();
    const data = await this.#channel.request<WebRtcTransportData>('router.createWebRtcTransport', this.#id, {
      transportId,
      ...request,
      ...(options.webRtcServer ? { webRtcServerId: options.webRtcServer.id } : {}),
    });
    if (this.#closed) throw new InvalidStateError('router closed while creating the transport');
    const transport = new WebRtcTransport<TransportAppData>({
      id: transportId,
      data,
      ...this.#transportInternal(options.appData),
    });
    this.#adopt(transport as Transport);
    options.webRtcServer?.handleWebRtcTransport(transport as unknown as WebRtcTransport);
    this.#observer.safeEmit('newtransport', transport as Transport);
    return transport;
  }

  /** What every transport of this router gets: the channel and lookups into the router. */
  #transportInternal<A>(appData: A | undefined) {
    return {
      routerId: this.#id,
      channel: this.#channel,
      appData,
      getRouterRtpCapabilities: () => this.#rtpCapabilities,
      getProducerById: (id: string) => this.#producers.get(id),
      getDataProducerById: (id: string) => this.#dataProducers.get(id),
    };
  }

  /** A new transport: tracked until it closes, and its producers and data producers made consumable. */
  #adopt(transport: Transport): void {
    this.#transports.set(transport.id, transport);
    transport.on('@close', () => this.#transports.delete(transport.id));
    transport.on('@newproducer', (producer: Producer) => this.#producers.set(producer.id, producer));
    transport.on('@producerclose', (producer: Producer) => this.#producers.delete(producer.id));
    transport.on('@newdataproducer', (dataProducer: DataProducer) => this.#dataProducers.set(dataProducer.id, dataProducer));
    transport.on('@dataproducerclose', (dataProducer: DataProducer) => this.#dataProducers.delete(dataProducer.id));
  }

  /** A transport for plain RTP/RTCP endpoints (ffmpeg, GStreamer), optionally with SRTP. */
  async createPlainTransport<TransportAppData extends AppData = AppData>(
    options: PlainTransportOptions<TransportAppData>,
  ): Promise<PlainTransport<TransportAppData>> {
    if (this.#closed) throw new InvalidStateError('router closed');
    const request = normalizePlainTransportOptions(options);
    if (options.appData !== undefined && (typeof options.appData !== 'object' || options.appData === null)) {
      throw new TypeError('if given, appData must be an object');
    }
    const transportId = randomUUID();
    const data = await this.#channel.request<PlainTransportData>('router.createPlainTransport', this.#id, { transportId, ...request });
    if (this.#closed) throw new InvalidStateError('router closed while creating the transport');
    const transport = new PlainTransport<TransportAppData>({
      id: transportId,
      data,
      ...this.#transportInternal(options.appData),
    });
    this.#adopt(transport as Transport);
    this.#observer.safeEmit('newtransport', transport as Transport);
    return transport;
  }

  /** A transport for data producers and consumers that live in Node (no network). */
  async createDirectTransport<TransportAppData extends AppData = AppData>(
    options: DirectTransportOptions<TransportAppData> = {},
  ): Promise<DirectTransport<TransportAppData>> {
    if (this.#closed) throw new InvalidStateError('router closed');
    const maxMessageSize = options.maxMessageSize ?? 262144;
    if (!Number.isInteger(maxMessageSize) || maxMessageSize < 1) throw new TypeError('wrong maxMessageSize');
    if (options.appData !== undefined && (typeof options.appData !== 'object' || options.appData === null)) {
      throw new TypeError('if given, appData must be an object');
    }
    const transportId = randomUUID();
    await this.#channel.request('router.createDirectTransport', this.#id, { transportId, maxMessageSize });
    if (this.#closed) throw new InvalidStateError('router closed while creating the transport');
    const transport = new DirectTransport<TransportAppData>({
      id: transportId,
      maxMessageSize,
      ...this.#transportInternal(options.appData),
    });
    this.#adopt(transport as Transport);
    this.#observer.safeEmit('newtransport', transport as Transport);
    return transport;
  }

  /** Reports the volume of the loudest audio producers added to it. */
  async createAudioLevelObserver<ObserverAppData extends AppData = AppData>(
    options: AudioLevelObserverOptions<ObserverAppData> = {},
  ): Promise<AudioLevelObserver<ObserverAppData>> {
    if (this.#closed) throw new InvalidStateError('router closed');
    const request = normalizeAudioLevelObserverOptions(options);
    const rtpObserverId = randomUUID();
    await this.#channel.request('router.createAudioLevelObserver', this.#id, { rtpObserverId, ...request });
    return this.#adoptRtpObserver(new AudioLevelObserver<ObserverAppData>(this.#rtpObserverInternal(rtpObserverId, options.appData)));
  }

  /** Tells which of the audio producers added to it is the dominant speaker. */
  async createActiveSpeakerObserver<ObserverAppData extends AppData = AppData>(
    options: ActiveSpeakerObserverOptions<ObserverAppData> = {},
  ): Promise<ActiveSpeakerObserver<ObserverAppData>> {
    if (this.#closed) throw new InvalidStateError('router closed');
    const request = normalizeActiveSpeakerObserverOptions(options);
    const rtpObserverId = randomUUID();
    await this.#channel.request('router.createActiveSpeakerObserver', this.#id, { rtpObserverId, ...request });
    return this.#adoptRtpObserver(new ActiveSpeakerObserver<ObserverAppData>(this.#rtpObserverInternal(rtpObserverId, options.appData)));
  }

  #rtpObserverInternal<A>(id: string, appData: A | undefined): RtpObserverInternal<A> {
    return { id, channel: this.#channel, appData, getProducerById: (producerId: string) => this.#producers.get(producerId) };
  }

  #adoptRtpObserver<T extends RtpObserver>(rtpObserver: T): T {
    if (this.#closed) {
      rtpObserver.routerClosed();
      throw new InvalidStateError('router closed while creating the RtpObserver');
    }
    this.#rtpObservers.set(rtpObserver.id, rtpObserver);
    rtpObserver.on('@close', () => this.#rtpObservers.delete(rtpObserver.id));
    this.#observer.safeEmit('newrtpobserver', rtpObserver);
    return rtpObserver;
  }

  /** Whether the given RTP capabilities can consume the given producer. */
  canConsume({ producerId, rtpCapabilities }: { producerId: string; rtpCapabilities: RtpCapabilities }): boolean {
    const producer = this.#producers.get(producerId);
    if (!producer) return false;
    try {
      validateRtpCapabilities(rtpCapabilities);
    } catch {
      return false;
    }
    try {
      return canConsume(producer.consumableRtpParameters, rtpCapabilities);
    } catch {
      return false;
    }
  }

  #closeChildren(): void {
    for (const transport of [...this.#transports.values()]) transport.routerClosed();
    this.#transports.clear();
    for (const rtpObserver of [...this.#rtpObservers.values()]) rtpObserver.routerClosed();
    this.#rtpObservers.clear();
    this.#producers.clear();
    this.#dataProducers.clear();
  }
}
