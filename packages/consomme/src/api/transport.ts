import { randomUUID } from 'node:crypto';
import type { Channel } from '../channel/channel.js';
import { InvalidStateError, UnsupportedError } from '../errors.js';
import {
  canConsume,
  getConsumableRtpParameters,
  getConsumerRtpParameters,
  getProducerRtpParametersMapping,
  validateRtpCapabilities,
  validateRtpParameters,
} from '../ortc/index.js';
import type { MediaKind, RtpCapabilities, RtpParameters } from '../ortc/types.js';
import { Consumer, type ConsumerLayers, type ConsumerType } from './consumer.js';
import { EnhancedEventEmitter, type EventMap } from './enhanced-events.js';
import { Producer, type ProducerType } from './producer.js';
import { DataProducer, type DataProducerType } from './data-producer.js';
import { DataConsumer } from './data-consumer.js';
import { validateSctpStreamParameters } from '../ortc/index.js';
import type { SctpStreamParameters } from '../ortc/types.js';
import type { AppData, TransportTraceEventData } from './transport-types.js';
import type { ProducerOptions, ConsumerOptions, DataProducerOptions, DataConsumerOptions } from './transport-options.js';

export type { ProducerOptions, ConsumerOptions, DataProducerOptions, DataConsumerOptions } from './transport-options.js';

export type TransportEvents = {
  routerclose: [];
  listenserverclose: [];
  trace: [TransportTraceEventData];
  listenererror: [string, Error];
  '@close': [];
  '@newproducer': [Producer];
  '@producerclose': [Producer];
  '@newdataproducer': [DataProducer];
  '@dataproducerclose': [DataProducer];
};

export type TransportObserverEvents = {
  close: [];
  newproducer: [Producer];
  newconsumer: [Consumer];
  newdataproducer: [DataProducer];
  newdataconsumer: [DataConsumer];
  trace: [TransportTraceEventData];
};

export interface TransportInternal<TransportAppData> {
  id: string;
  routerId: string;
  channel: Channel;
  appData: TransportAppData | undefined;
  getRouterRtpCapabilities: () => RtpCapabilities;
  getProducerById: (id: string) => Producer | undefined;
  getDataProducerById: (id: string) => DataProducer | undefined;
}

const KINDS: readonly MediaKind[] = ['audio', 'video'];

/** @internal Option key: consumer RTP parameters computed beforehand (used by src/rooms only). */
export const presetConsumerRtpParameters: unique symbol = Symbol('consomme.presetConsumerRtpParameters');

/** The parts shared by every transport: produce, consume and the lifecycle. */
export abstract class Transport<
  TransportAppData extends AppData = AppData,
  Events extends EventMap = TransportEvents,
  ObserverEvents extends EventMap = TransportObserverEvents,
> extends EnhancedEventEmitter<Events & TransportEvents> {
  readonly #id: string;
  protected readonly channel: Channel;
  readonly #getRouterRtpCapabilities: () => RtpCapabilities;
  readonly #getProducerById: (id: string) => Producer | undefined;
  readonly #producers = new Map<string, Producer>();
  readonly #consumers = new Map<string, Consumer>();
  readonly #getDataProducerById: (id: string) => DataProducer | undefined;
  readonly #dataProducers = new Map<string, DataProducer>();
  readonly #dataConsumers = new Map<string, DataConsumer>();
  /** SCTP stream ids in use by this transport's data consumers. */
  readonly #usedSctpStreamIds = new Set<number>();
  /** Stream ids the worker reported taken by the endpoint (in-band DCEP channels). */
  readonly #foreignSctpStreamIds = new Set<number>();
  readonly #observer = new EnhancedEventEmitter<ObserverEvents & TransportObserverEvents>();
  #closed = false;
  #appData: TransportAppData;
  #nextMid = 0;
  #cnameForProducers: string | undefined;

  constructor(internal: TransportInternal<TransportAppData>) {
    super();
    this.#id = internal.id;
    this.channel = internal.channel;
    this.#appData = internal.appData ?? ({} as TransportAppData);
    this.#getRouterRtpCapabilities = internal.getRouterRtpCapabilities;
    this.#getProducerById = internal.getProducerById;
    this.#getDataProducerById = internal.getDataProducerById;
    this.channel.subscribe(this.#id, (event, data) => this.handleNotification(event, data));
  }

  get id(): string {
    return this.#id;
  }

  get closed(): boolean {
    return this.#closed;
  }

  get appData(): TransportAppData {
    return this.#appData;
  }

  set appData(appData: TransportAppData) {
    this.#appData = appData;
  }

  get observer(): EnhancedEventEmitter<ObserverEvents & TransportObserverEvents> {
    return this.#observer;
  }

  protected abstract handleNotification(event: string, data: unknown): void;

  /** 'sctp' when data goes over SCTP (and how many outgoing streams), 'direct' for a DirectTransport; undefined without data support. */
  protected abstract dataChannelKind(): { type: 'sctp'; outgoingStreams: number } | { type: 'direct' } | undefined;

  /** Largest data message this transport carries (SCTP maxMessageSize, or the DirectTransport's). */
  protected maxDataMessageSize(): number {
    return 262144;
  }

  /** Hook for subclasses to update their state when the transport closes. */
  protected onClosed(): void {}

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.channel.unsubscribe(this.#id);
    this.channel.request('transport.close', this.#id).catch(() => undefined);
    this.#closeChildren();
    this.onClosed();
    (this as EnhancedEventEmitter<TransportEvents>).safeEmit('@close');
    (this.#observer as EnhancedEventEmitter<TransportObserverEvents>).safeEmit('close');
  }

  /** @internal */
  routerClosed(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.channel.unsubscribe(this.#id);
    this.#closeChildren();
    this.onClosed();
    (this as EnhancedEventEmitter<TransportEvents>).safeEmit('routerclose');
    (this as EnhancedEventEmitter<TransportEvents>).safeEmit('@close');
    (this.#observer as EnhancedEventEmitter<TransportObserverEvents>).safeEmit('close');
  }

  /** @internal The WebRtcServer this transport listens on closed. */
  listenServerClosed(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.channel.unsubscribe(this.#id);
    this.channel.request('transport.close', this.#id).catch(() => undefined);
    this.#closeChildren();
    this.onClosed();
    (this as EnhancedEventEmitter<TransportEvents>).safeEmit('listenserverclose');
    (this as EnhancedEventEmitter<TransportEvents>).safeEmit('@close');
    (this.#observer as EnhancedEventEmitter<TransportObserverEvents>).safeEmit('close');
  }

  async dump(): Promise<unknown> {
    return this.channel.request('transport.dump', this.#id);
  }

  /** Set the maximum incoming bitrate (bps) for media streams sent by the remote endpoint. */
  /** Caps what the transport's consumers send together (0: no cap); the allocator picks layers within it. */
  async setMaxOutgoingBitrate(bitrate: number): Promise<void> {
    this.#assertOpen();
    if (typeof bitrate !== 'number' || !Number.isFinite(bitrate) || bitrate < 0) throw new TypeError('invalid bitrate');
    await this.channel.request('transport.setMaxOutgoingBitrate', this.#id, { bitrate });
  }

  /** A floor for the outgoing estimate (0: none). */
  async setMinOutgoingBitrate(bitrate: number): Promise<void> {
    this.#assertOpen();
    if (typeof bitrate !== 'number' || !Number.isFinite(bitrate) || bitrate < 0) throw new TypeError('invalid bitrate');
    await this.channel.request('transport.setMinOutgoingBitrate', this.#id, { bitrate });
  }

  /** 'probation' and 'bwe' trace events of the transport's congestion control. */
  async enableTraceEvent(types: string[] = []): Promise<void> {
    this.#assertOpen();
    if (!Array.isArray(types)) throw new TypeError('types must be an array');
    await this.channel.request('transport.enableTraceEvent', this.#id, { types });
  }

  async setMaxIncomingBitrate(bitrate: number): Promise<void> {
    this.#assertOpen();
    if (typeof bitrate !== 'number' || bitrate < 0) throw new TypeError('invalid bitrate');
    await this.channel.request('transport.setMaxIncomingBitrate', this.#id, { bitrate });
  }

  /**
   * @internal Consommé extension for the rooms API (seed 002 `startMirroring`):
   * copies the transport's decrypted RTP/RTCP, in the directions asked for,
   * as plain UDP to `remoteIp:remotePort`, sent from `localIp` (default: the
   * transport's listening address). Replaces any earlier mirroring.
   */
  async startMirroring(options: MirroringRequest): Promise<void> {
    this.#assertOpen();
    await this.channel.request('transport.startMirroring', this.#id, options);
  }

  /** @internal Stops what `startMirroring` started; nothing when it is off. */
  async stopMirroring(): Promise<void> {
    this.#assertOpen();
    await this.channel.request('transport.stopMirroring', this.#id);
  }

  async produce<ProducerAppData extends AppData = AppData>(
    options: ProducerOptions<ProducerAppData>,
  ): Promise<Producer<ProducerAppData>> {
    this.#assertOpen();
    const { id, kind, paused = false, keyFrameRequestDelay = 0, appData } = options ?? ({} as ProducerOptions);
    if (id !== undefined && this.#producers.has(id)) throw new TypeError(`a producer with the same id "${id}" already exists`);
    if (!KINDS.includes(kind)) throw new TypeError(`invalid kind "${String(kind)}"`);
    if (appData !== undefined && (typeof appData !== 'object' || appData === null)) {
      throw new TypeError('if given, appData must be an object');
    }
    if (typeof options.rtpParameters !== 'object' || options.rtpParameters === null) {
      throw new TypeError('missing rtpParameters');
    }
    const rtpParameters = structuredClone(options.rtpParameters);
    validateRtpParameters(rtpParameters);
    if (rtpParameters.codecs.length === 0) throw new TypeError('empty rtpParameters.codecs');
    if (!rtpParameters.encodings || rtpParameters.encodings.length === 0) throw new TypeError('empty rtpParameters.encodings');
    // Audio has no layers to choose among: several encodings would interleave unrelated streams.
    if (kind === 'audio' && rtpParameters.encodings.length > 1) throw new TypeError('an audio producer takes one encoding');
    // One CNAME for every producer of the transport (the endpoint's, or a random one when it
    // sent none, as Chromium's rid-based simulcast offers have no a=ssrc lines): consumers need
    // it, mediasoup-client builds its msid from it.
    if (!this.#cnameForProducers) this.#cnameForProducers = rtpParameters.rtcp?.cname || randomUUID().slice(0, 8);
    rtpParameters.rtcp = { ...rtpParameters.rtcp, cname: this.#cnameForProducers };
    const routerRtpCapabilities = this.#getRouterRtpCapabilities();
    const rtpMapping = getProducerRtpParametersMapping(rtpParameters, routerRtpCapabilities);
    const consumableRtpParameters = getConsumableRtpParameters(kind, rtpParameters, routerRtpCapabilities, rtpMapping);
    const producerId = id ?? randomUUID();
    const data = await this.channel.request<{ type: ProducerType }>('transport.produce', this.#id, {
      producerId,
      kind,
      rtpParameters,
      rtpMapping,
      consumableRtpParameters,
      paused,
      keyFrameRequestDelay,
    });
    if (this.#closed) throw new InvalidStateError('transport closed while producing');
    const producer = new Producer<ProducerAppData>({
      id: producerId,
      transportId: this.#id,
      channel: this.channel,
      kind,
      rtpParameters,
      type: data.type,
      consumableRtpParameters,
      paused,
      appData,
    });
    this.#producers.set(producerId, producer as Producer);
    producer.on('@close', () => {
      this.#producers.delete(producerId);
      (this as EnhancedEventEmitter<TransportEvents>).safeEmit('@producerclose', producer as Producer);
    });
    (this as EnhancedEventEmitter<TransportEvents>).safeEmit('@newproducer', producer as Producer);
    (this.#observer as EnhancedEventEmitter<TransportObserverEvents>).safeEmit('newproducer', producer as Producer);
    return producer;
  }

  async consume<ConsumerAppData extends AppData = AppData>(
    options: ConsumerOptions<ConsumerAppData>,
  ): Promise<Consumer<ConsumerAppData>> {
    this.#assertOpen();
    const { producerId, paused = false, mid, preferredLayers, ignoreDtx = false, pipe = false, appData } =
      options ?? ({} as ConsumerOptions);
    if (typeof producerId !== 'string' || producerId.length === 0) throw new TypeError('missing producerId');
    if (appData !== undefined && (typeof appData !== 'object' || appData === null)) {
      throw new TypeError('if given, appData must be an object');
    }
    if (mid !== undefined && (typeof mid !== 'string' || mid.length === 0)) throw new TypeError('if given, mid must be a non-empty string');
    if (pipe) throw new UnsupportedError('pipe consumers are not supported yet');
    if (typeof options.rtpCapabilities !== 'object' || options.rtpCapabilities === null) {
      throw new TypeError('missing rtpCapabilities');
    }
    const rtpCapabilities = structuredClone(options.rtpCapabilities);
    validateRtpCapabilities(rtpCapabilities);
    const producer = this.#getProducerById(producerId);
    if (!producer) throw new TypeError(`Producer with id "${producerId}" not found`);
    const enableRtx = options.enableRtx ?? producer.kind === 'video';
    if (!canConsume(producer.consumableRtpParameters, rtpCapabilities)) {
      throw new UnsupportedError('cannot consume this Producer with the given rtpCapabilities');
    }
    // The seed-002 rooms layer announces a consumer's parameters (SSRCs included) before any
    // transport exists, because mediasoup-client 2.x builds its SDP from them; it passes them back here.
    const preset = (options as { [presetConsumerRtpParameters]?: RtpParameters })[presetConsumerRtpParameters];
    const rtpParameters = preset
      ? structuredClone(preset)
      : getConsumerRtpParameters({
          consumableRtpParameters: producer.consumableRtpParameters,
          remoteRtpCapabilities: rtpCapabilities,
          pipe,
          enableRtx,
        });
    rtpParameters.mid = mid ?? String(this.#nextMid++ % 100000000);
    const consumerId = randomUUID();
    if (preferredLayers !== undefined && (typeof preferredLayers !== 'object' || preferredLayers === null || typeof preferredLayers.spatialLayer !== 'number')) {
      throw new TypeError('wrong preferredLayers');
    }
    const type: ConsumerType = producer.type;
    const { data, early } = await this.#requestChild(consumerId, 'consuming', () =>
      this.channel.request<{ paused: boolean; producerPaused: boolean; score: ConsumerScoreData; preferredLayers?: ConsumerLayers; priority?: number }>('transport.consume', this.#id, {
        consumerId,
        producerId,
        kind: producer.kind,
        rtpParameters,
        type,
        consumableRtpEncodings: producer.consumableRtpParameters.encodings,
        paused,
        preferredLayers,
        ignoreDtx,
      }),
    );
    const consumer = new Consumer<ConsumerAppData>({
      id: consumerId,
      producerId,
      channel: this.channel,
      kind: producer.kind,
      rtpParameters,
      type,
      paused: data.paused,
      producerPaused: data.producerPaused,
      score: data.score,
      preferredLayers: data.preferredLayers,
      priority: data.priority ?? 1,
      appData,
    });
    this.#consumers.set(consumerId, consumer as Consumer);
    consumer.on('@close', () => this.#consumers.delete(consumerId));
    consumer.on('@producerclose', () => this.#consumers.delete(consumerId));
    for (const [event, eventData] of early) consumer.replayNotification(event, eventData);
    (this.#observer as EnhancedEventEmitter<TransportObserverEvents>).safeEmit('newconsumer', consumer as Consumer);
    return consumer;
  }

  #closeChildren(): void {
    for (const producer of this.#producers.values()) {
      producer.transportClosed();
      (this as EnhancedEventEmitter<TransportEvents>).safeEmit('@producerclose', producer);
    }
    this.#producers.clear();
    for (const consumer of this.#consumers.values()) consumer.transportClosed();
    this.#consumers.clear();
    for (const dataProducer of this.#dataProducers.values()) {
      dataProducer.transportClosed();
      (this as EnhancedEventEmitter<TransportEvents>).safeEmit('@dataproducerclose', dataProducer);
    }
    this.#dataProducers.clear();
    for (const dataConsumer of this.#dataConsumers.values()) dataConsumer.transportClosed();
    this.#dataConsumers.clear();
    this.#usedSctpStreamIds.clear();
  }

  async produceData<DataProducerAppData extends AppData = AppData>(
    options: DataProducerOptions<DataProducerAppData> = {},
  ): Promise<DataProducer<DataProducerAppData>> {
    this.#assertOpen();
    const kind = this.dataChannelKind();
    if (!kind) throw new UnsupportedError('this transport has no data channels (enableSctp is false)');
    const { id, label = '', protocol = '', paused = false, appData } = options;
    if (id !== undefined && this.#dataProducers.has(id)) throw new TypeError(`a DataProducer with the same id "${id}" already exists`);
    if (typeof label !== 'string') throw new TypeError('label must be a string');
    if (typeof protocol !== 'string') throw new TypeError('protocol must be a string');
    if (appData !== undefined && (typeof appData !== 'object' || appData === null)) throw new TypeError('if given, appData must be an object');
    let sctpStreamParameters: SctpStreamParameters | undefined;
    if (kind.type === 'sctp') {
      if (options.sctpStreamParameters === undefined) throw new TypeError('missing sctpStreamParameters');
      sctpStreamParameters = validateSctpStreamParameters(structuredClone(options.sctpStreamParameters));
      for (const dp of this.#dataProducers.values()) {
        if (dp.sctpStreamParameters?.streamId === sctpStreamParameters.streamId) {
          throw new TypeError(`sctpStreamParameters.streamId ${sctpStreamParameters.streamId} already in use`);
        }
      }
    }
    const dataProducerId = id ?? randomUUID();
    const type: DataProducerType = kind.type;
    await this.channel.request('transport.produceData', this.#id, {
      dataProducerId,
      type,
      sctpStreamParameters,
      label,
      protocol,
      paused,
    });
    if (this.#closed) throw new InvalidStateError('transport closed while producing data');
    const dataProducer = new DataProducer<DataProducerAppData>({
      id: dataProducerId,
      channel: this.channel,
      type,
      sctpStreamParameters,
      label,
      protocol,
      paused,
      maxMessageSize: this.maxDataMessageSize(),
      appData,
    });
    this.#dataProducers.set(dataProducerId, dataProducer as DataProducer);
    dataProducer.on('@close', () => {
      this.#dataProducers.delete(dataProducerId);
      (this as EnhancedEventEmitter<TransportEvents>).safeEmit('@dataproducerclose', dataProducer as DataProducer);
    });
    (this as EnhancedEventEmitter<TransportEvents>).safeEmit('@newdataproducer', dataProducer as DataProducer);
    (this.#observer as EnhancedEventEmitter<TransportObserverEvents>).safeEmit('newdataproducer', dataProducer as DataProducer);
    return dataProducer;
  }

  async consumeData<DataConsumerAppData extends AppData = AppData>(
    options: DataConsumerOptions<DataConsumerAppData>,
  ): Promise<DataConsumer<DataConsumerAppData>> {
    this.#assertOpen();
    const kind = this.dataChannelKind();
    if (!kind) throw new UnsupportedError('this transport has no data channels (enableSctp is false)');
    const { dataProducerId, paused = false, appData } = options ?? ({} as DataConsumerOptions);
    if (typeof dataProducerId !== 'string' || dataProducerId.length === 0) throw new TypeError('missing dataProducerId');
    if (appData !== undefined && (typeof appData !== 'object' || appData === null)) throw new TypeError('if given, appData must be an object');
    const subchannels = options.subchannels ?? [];
    if (!Array.isArray(subchannels) || subchannels.some((s) => !Number.isInteger(s) || s < 0 || s > 65535)) {
      throw new TypeError('subchannels must be an array of integers 0..65535');
    }
    const dataProducer = this.#getDataProducerById(dataProducerId);
    if (!dataProducer) throw new TypeError(`DataProducer with id "${dataProducerId}" not found`);
    let sctpStreamParameters: SctpStreamParameters | undefined;
    let streamId: number | undefined;
    if (kind.type === 'sctp') {
      const base: SctpStreamParameters = dataProducer.sctpStreamParameters
        ? structuredClone(dataProducer.sctpStreamParameters)
        : { streamId: 0, ordered: true };
      if (options.ordered !== undefined) base.ordered = options.ordered;
      if (options.maxPacketLifeTime !== undefined) {
        base.maxPacketLifeTime = options.maxPacketLifeTime;
        delete base.maxRetransmits;
      }
      if (options.maxRetransmits !== undefined) {
        base.maxRetransmits = options.maxRetransmits;
        delete base.maxPacketLifeTime;
      }
      if (base.maxPacketLifeTime !== undefined || base.maxRetransmits !== undefined) base.ordered = options.ordered ?? false;
      streamId = this.#allocateSctpStreamId(kind.outgoingStreams);
      base.streamId = streamId;
      sctpStreamParameters = base;
    }
    const dataConsumerId = randomUUID();
    const { data, early } = await this.#requestChild(dataConsumerId, 'consuming data', async () => {
      for (let attempt = 0; ; attempt++) {
        try {
          return await this.channel.request<{ dataProducerPaused: boolean; subchannels: number[] }>('transport.consumeData', this.#id, {
            dataConsumerId,
            dataProducerId,
            type: kind.type,
            sctpStreamParameters,
            label: dataProducer.label,
            protocol: dataProducer.protocol,
            paused,
            subchannels,
          });
        } catch (error) {
          if (streamId !== undefined) this.#usedSctpStreamIds.delete(streamId);
          // The endpoint opened a channel in-band (DCEP) on that stream: skip it and try the next.
          if (sctpStreamParameters && streamId !== undefined && /already in use/.test(String(error)) && attempt < 64) {
            this.#foreignSctpStreamIds.add(streamId);
            streamId = this.#allocateSctpStreamId(kind.type === 'sctp' ? kind.outgoingStreams : 0);
            sctpStreamParameters.streamId = streamId;
            continue;
          }
          throw error;
        }
      }
    });
    const dataConsumer = new DataConsumer<DataConsumerAppData>({
      id: dataConsumerId,
      dataProducerId,
      channel: this.channel,
      type: kind.type,
      sctpStreamParameters,
      label: dataProducer.label,
      protocol: dataProducer.protocol,
      paused,
      dataProducerPaused: data.dataProducerPaused,
      subchannels: data.subchannels,
      appData,
    });
    this.#dataConsumers.set(dataConsumerId, dataConsumer as DataConsumer);
    const release = (): void => {
      this.#dataConsumers.delete(dataConsumerId);
      if (streamId !== undefined) this.#usedSctpStreamIds.delete(streamId);
    };
    dataConsumer.on('@close', release);
    dataConsumer.on('@dataproducerclose', release);
    for (const [event, eventData] of early) dataConsumer.replayNotification(event, eventData);
    (this.#observer as EnhancedEventEmitter<TransportObserverEvents>).safeEmit('newdataconsumer', dataConsumer as DataConsumer);
    return dataConsumer;
  }

  /**
   * Sends the request that creates a child (consumer, data consumer). The
   * worker may notify about it (producerclose, producerpause…) before the
   * reply is processed here (compare mediasoup issue #510): those
   * notifications are kept and the caller replays them into the new object.
   */
  async #requestChild<T>(childId: string, what: string, send: () => Promise<T>): Promise<{ data: T; early: [string, unknown][] }> {
    const early: [string, unknown][] = [];
    this.channel.subscribe(childId, (event, eventData) => early.push([event, eventData]));
    let data: T;
    try {
      data = await send();
    } catch (error) {
      this.channel.unsubscribe(childId);
      throw error;
    }
    if (this.#closed) {
      this.channel.unsubscribe(childId);
      throw new InvalidStateError(`transport closed while ${what}`);
    }
    return { data, early };
  }

  #allocateSctpStreamId(outgoingStreams: number): number {
    for (let id = 0; id < outgoingStreams; id++) {
      if (!this.#usedSctpStreamIds.has(id) && !this.#foreignSctpStreamIds.has(id)) {
        this.#usedSctpStreamIds.add(id);
        return id;
      }
    }
    throw new UnsupportedError(`no free SCTP stream id (numSctpStreams.OS is ${outgoingStreams})`);
  }

  #assertOpen(): void {
    if (this.#closed) throw new InvalidStateError('transport closed');
  }
}

/** @internal What `startMirroring` sends to the worker (checked there). */
export interface MirroringRequest {
  remoteIp: string;
  remotePort: number;
  localIp?: string;
  sendRtp: boolean;
  sendRtcp: boolean;
  recvRtp: boolean;
  recvRtcp: boolean;
}

interface ConsumerScoreData {
  score: number;
  producerScore: number;
  producerScores: number[];
}
