import type { Channel } from '../channel/channel.js';
import { InvalidStateError } from '../errors.js';
import type { MediaKind, RtpParameters } from '../ortc/types.js';
import { EnhancedEventEmitter } from './enhanced-events.js';
import type { AppData, ConsumerTraceEventData } from './transport-types.js';

export type ConsumerType = 'simple' | 'simulcast' | 'svc' | 'pipe';

export interface ConsumerLayers {
  spatialLayer: number;
  temporalLayer?: number;
}

export interface ConsumerScore {
  /** Score of the RTP stream sent to the endpoint, 0..10. */
  score: number;
  /** Score of the currently selected producer RTP stream, 0..10. */
  producerScore: number;
  /** Scores of all the producer RTP streams. */
  producerScores: number[];
}

export interface ConsumerStat {
  type: 'outbound-rtp' | 'inbound-rtp';
  timestamp: number;
  ssrc: number;
  rtxSsrc?: number;
  kind: MediaKind;
  mimeType: string;
  packetsLost: number;
  fractionLost: number;
  packetsDiscarded: number;
  packetsRetransmitted: number;
  packetsRepaired: number;
  nackCount: number;
  nackPacketCount: number;
  pliCount: number;
  firCount: number;
  score: number;
  packetCount: number;
  byteCount: number;
  bitrate: number;
  roundTripTime?: number;
}

export type ConsumerEvents = {
  transportclose: [];
  producerclose: [];
  producerpause: [];
  producerresume: [];
  score: [ConsumerScore];
  layerschange: [ConsumerLayers | undefined];
  trace: [ConsumerTraceEventData];
  rtp: [Buffer];
  listenererror: [string, Error];
  '@close': [];
  '@producerclose': [];
};

export type ConsumerObserverEvents = {
  close: [];
  pause: [];
  resume: [];
  score: [ConsumerScore];
  layerschange: [ConsumerLayers | undefined];
  trace: [ConsumerTraceEventData];
};

interface ConsumerInternal<ConsumerAppData> {
  id: string;
  producerId: string;
  channel: Channel;
  kind: MediaKind;
  rtpParameters: RtpParameters;
  type: ConsumerType;
  paused: boolean;
  producerPaused: boolean;
  score: ConsumerScore;
  preferredLayers?: ConsumerLayers | undefined;
  priority?: number;
  appData: ConsumerAppData | undefined;
}

/** A media sink: forwards one producer's media to an endpoint. */
export class Consumer<ConsumerAppData extends AppData = AppData> extends EnhancedEventEmitter<ConsumerEvents> {
  readonly #id: string;
  readonly #producerId: string;
  readonly #channel: Channel;
  readonly #kind: MediaKind;
  readonly #rtpParameters: RtpParameters;
  readonly #type: ConsumerType;
  readonly #observer = new EnhancedEventEmitter<ConsumerObserverEvents>();
  #closed = false;
  #paused: boolean;
  #producerPaused: boolean;
  #priority = 1;
  #score: ConsumerScore;
  #preferredLayers: ConsumerLayers | undefined;
  #currentLayers: ConsumerLayers | undefined;
  #appData: ConsumerAppData;

  /** @internal */
  constructor(internal: ConsumerInternal<ConsumerAppData>) {
    super();
    this.#id = internal.id;
    this.#producerId = internal.producerId;
    this.#channel = internal.channel;
    this.#kind = internal.kind;
    this.#rtpParameters = internal.rtpParameters;
    this.#type = internal.type;
    this.#paused = internal.paused;
    this.#producerPaused = internal.producerPaused;
    this.#score = internal.score;
    this.#preferredLayers = internal.preferredLayers;
    this.#priority = internal.priority ?? 1;
    this.#appData = internal.appData ?? ({} as ConsumerAppData);
    this.#channel.subscribe(this.#id, (event, data) => this.#onNotification(event, data));
  }

  get id(): string {
    return this.#id;
  }

  get producerId(): string {
    return this.#producerId;
  }

  get closed(): boolean {
    return this.#closed;
  }

  get kind(): MediaKind {
    return this.#kind;
  }

  get rtpParameters(): RtpParameters {
    return this.#rtpParameters;
  }

  get type(): ConsumerType {
    return this.#type;
  }

  get paused(): boolean {
    return this.#paused;
  }

  get producerPaused(): boolean {
    return this.#producerPaused;
  }

  get priority(): number {
    return this.#priority;
  }

  get score(): ConsumerScore {
    return this.#score;
  }

  get preferredLayers(): ConsumerLayers | undefined {
    return this.#preferredLayers;
  }

  /** The layers being forwarded now; undefined when nothing is (paused, waiting for a keyframe, or not layered). */
  get currentLayers(): ConsumerLayers | undefined {
    return this.#currentLayers;
  }

  get appData(): ConsumerAppData {
    return this.#appData;
  }

  set appData(appData: ConsumerAppData) {
    this.#appData = appData;
  }

  get observer(): EnhancedEventEmitter<ConsumerObserverEvents> {
    return this.#observer;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#channel.unsubscribe(this.#id);
    this.#channel.request('consumer.close', this.#id).catch(() => undefined);
    this.safeEmit('@close');
    this.#observer.safeEmit('close');
  }

  /** @internal */
  transportClosed(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#channel.unsubscribe(this.#id);
    this.safeEmit('transportclose');
    this.#observer.safeEmit('close');
  }

  async dump(): Promise<unknown> {
    return this.#channel.request('consumer.dump', this.#id);
  }

  async getStats(): Promise<ConsumerStat[]> {
    return this.#channel.request<ConsumerStat[]>('consumer.getStats', this.#id);
  }

  async pause(): Promise<void> {
    if (this.#closed) throw new InvalidStateError('consumer closed');
    const wasPaused = this.#paused;
    await this.#channel.request('consumer.pause', this.#id);
    this.#paused = true;
    if (!wasPaused && !this.#producerPaused) this.#observer.safeEmit('pause');
  }

  async resume(): Promise<void> {
    if (this.#closed) throw new InvalidStateError('consumer closed');
    const wasPaused = this.#paused;
    await this.#channel.request('consumer.resume', this.#id);
    this.#paused = false;
    if (wasPaused && !this.#producerPaused) this.#observer.safeEmit('resume');
  }

  /**
   * The highest layers this consumer may forward. Only simulcast and SVC
   * consumers have layers; for others this does nothing (as mediasoup).
   */
  async setPreferredLayers({ spatialLayer, temporalLayer }: ConsumerLayers): Promise<void> {
    if (this.#closed) throw new InvalidStateError('consumer closed');
    if (typeof spatialLayer !== 'number' || !Number.isInteger(spatialLayer) || spatialLayer < 0) throw new TypeError('missing spatialLayer');
    if (temporalLayer !== undefined && (typeof temporalLayer !== 'number' || !Number.isInteger(temporalLayer) || temporalLayer < 0)) {
      throw new TypeError('wrong temporalLayer');
    }
    const data: ConsumerLayers = { spatialLayer };
    if (temporalLayer !== undefined) data.temporalLayer = temporalLayer;
    const result = await this.#channel.request<ConsumerLayers | undefined>('consumer.setPreferredLayers', this.#id, data);
    this.#preferredLayers = result ?? undefined;
  }

  /** 1..255: a higher priority gets a larger share of the transport's outgoing bitrate. */
  async setPriority(priority: number): Promise<void> {
    if (this.#closed) throw new InvalidStateError('consumer closed');
    if (typeof priority !== 'number' || !Number.isInteger(priority) || priority < 1 || priority > 255) throw new TypeError('wrong priority');
    const result = await this.#channel.request<{ priority: number }>('consumer.setPriority', this.#id, { priority });
    this.#priority = result.priority;
  }

  async unsetPriority(): Promise<void> {
    await this.setPriority(1);
  }

  async requestKeyFrame(): Promise<void> {
    if (this.#closed) throw new InvalidStateError('consumer closed');
    await this.#channel.request('consumer.requestKeyFrame', this.#id);
  }

  async enableTraceEvent(types: string[] = []): Promise<void> {
    if (!Array.isArray(types)) throw new TypeError('types must be an array');
    await this.#channel.request('consumer.enableTraceEvent', this.#id, { types });
  }

  /** @internal A notification that arrived before this object existed. */
  replayNotification(event: string, data: unknown): void {
    this.#onNotification(event, data);
  }

  #onNotification(event: string, data: unknown): void {
    switch (event) {
      case 'producerclose': {
        if (this.#closed) break;
        this.#closed = true;
        this.#channel.unsubscribe(this.#id);
        this.safeEmit('@producerclose');
        this.safeEmit('producerclose');
        this.#observer.safeEmit('close');
        break;
      }
      case 'producerpause': {
        if (this.#producerPaused) break;
        this.#producerPaused = true;
        this.safeEmit('producerpause');
        if (!this.#paused) this.#observer.safeEmit('pause');
        break;
      }
      case 'producerresume': {
        if (!this.#producerPaused) break;
        this.#producerPaused = false;
        this.safeEmit('producerresume');
        if (!this.#paused) this.#observer.safeEmit('resume');
        break;
      }
      case 'score': {
        this.#score = data as ConsumerScore;
        this.safeEmit('score', this.#score);
        this.#observer.safeEmit('score', this.#score);
        break;
      }
      case 'layerschange': {
        this.#currentLayers = (data as ConsumerLayers | null) ?? undefined;
        this.safeEmit('layerschange', this.#currentLayers);
        this.#observer.safeEmit('layerschange', this.#currentLayers);
        break;
      }
      case 'trace': {
        this.safeEmit('trace', data as ConsumerTraceEventData);
        this.#observer.safeEmit('trace', data as ConsumerTraceEventData);
        break;
      }
    }
  }
}
