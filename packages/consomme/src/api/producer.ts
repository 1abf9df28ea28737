import type { Channel } from '../channel/channel.js';
import { InvalidStateError } from '../errors.js';
import type { MediaKind, RtpParameters } from '../ortc/types.js';
import { EnhancedEventEmitter } from './enhanced-events.js';
import type { AppData, ProducerTraceEventData } from './transport-types.js';

export type ProducerType = 'simple' | 'simulcast' | 'svc';

export interface ProducerScore {
  /** Index of the RTP stream in rtpParameters.encodings. */
  encodingIdx: number;
  ssrc: number;
  rid?: string;
  /** Score of the RTP stream, 0..10. */
  score: number;
}

export interface ProducerVideoOrientation {
  camera: boolean;
  flip: boolean;
  rotation: number;
}

export interface ProducerStat {
  type: 'inbound-rtp';
  timestamp: number;
  ssrc: number;
  rtxSsrc?: number;
  rid?: string;
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
  jitter: number;
  roundTripTime?: number;
}

export type ProducerEvents = {
  transportclose: [];
  score: [ProducerScore[]];
  videoorientationchange: [ProducerVideoOrientation];
  trace: [ProducerTraceEventData];
  listenererror: [string, Error];
  '@close': [];
};

export type ProducerObserverEvents = {
  close: [];
  pause: [];
  resume: [];
  score: [ProducerScore[]];
  videoorientationchange: [ProducerVideoOrientation];
  trace: [ProducerTraceEventData];
};

interface ProducerInternal<ProducerAppData> {
  id: string;
  transportId: string;
  channel: Channel;
  kind: MediaKind;
  rtpParameters: RtpParameters;
  type: ProducerType;
  consumableRtpParameters: RtpParameters;
  paused: boolean;
  appData: ProducerAppData | undefined;
}

/** A media source sent by an endpoint into the router. */
export class Producer<ProducerAppData extends AppData = AppData> extends EnhancedEventEmitter<ProducerEvents> {
  readonly #id: string;
  readonly #channel: Channel;
  readonly #kind: MediaKind;
  readonly #rtpParameters: RtpParameters;
  readonly #type: ProducerType;
  readonly #consumableRtpParameters: RtpParameters;
  readonly #observer = new EnhancedEventEmitter<ProducerObserverEvents>();
  #closed = false;
  #paused: boolean;
  #score: ProducerScore[] = [];
  #appData: ProducerAppData;

  /** @internal */
  constructor(internal: ProducerInternal<ProducerAppData>) {
    super();
    this.#id = internal.id;
    this.#channel = internal.channel;
    this.#kind = internal.kind;
    this.#rtpParameters = internal.rtpParameters;
    this.#type = internal.type;
    this.#consumableRtpParameters = internal.consumableRtpParameters;
    this.#paused = internal.paused;
    this.#appData = internal.appData ?? ({} as ProducerAppData);
    this.#channel.subscribe(this.#id, (event, data) => this.#onNotification(event, data));
  }

  get id(): string {
    return this.#id;
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

  get type(): ProducerType {
    return this.#type;
  }

  /** @internal The router-side RTP parameters consumers are built from. */
  get consumableRtpParameters(): RtpParameters {
    return this.#consumableRtpParameters;
  }

  get paused(): boolean {
    return this.#paused;
  }

  get score(): ProducerScore[] {
    return this.#score;
  }

  get appData(): ProducerAppData {
    return this.#appData;
  }

  set appData(appData: ProducerAppData) {
    this.#appData = appData;
  }

  get observer(): EnhancedEventEmitter<ProducerObserverEvents> {
    return this.#observer;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#channel.unsubscribe(this.#id);
    this.#channel.request('producer.close', this.#id).catch(() => undefined);
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
    return this.#channel.request('producer.dump', this.#id);
  }

  async getStats(): Promise<ProducerStat[]> {
    return this.#channel.request<ProducerStat[]>('producer.getStats', this.#id);
  }

  async pause(): Promise<void> {
    if (this.#closed) throw new InvalidStateError('producer closed');
    const wasPaused = this.#paused;
    await this.#channel.request('producer.pause', this.#id);
    this.#paused = true;
    if (!wasPaused) this.#observer.safeEmit('pause');
  }

  async resume(): Promise<void> {
    if (this.#closed) throw new InvalidStateError('producer closed');
    const wasPaused = this.#paused;
    await this.#channel.request('producer.resume', this.#id);
    this.#paused = false;
    if (wasPaused) this.#observer.safeEmit('resume');
  }

  async enableTraceEvent(types: string[] = []): Promise<void> {
    if (!Array.isArray(types)) throw new TypeError('types must be an array');
    await this.#channel.request('producer.enableTraceEvent', this.#id, { types });
  }

  /** Inject an RTP packet as if it had been received (DirectTransport producers). */
  send(_rtpPacket: Buffer): void {
    throw new InvalidStateError('send() is only available on producers of a DirectTransport');
  }

  #onNotification(event: string, data: unknown): void {
    switch (event) {
      case 'score': {
        this.#score = data as ProducerScore[];
        this.safeEmit('score', this.#score);
        this.#observer.safeEmit('score', this.#score);
        break;
      }
      case 'videoorientationchange': {
        const o = data as ProducerVideoOrientation;
        this.safeEmit('videoorientationchange', o);
        this.#observer.safeEmit('videoorientationchange', o);
        break;
      }
      case 'trace': {
        this.safeEmit('trace', data as ProducerTraceEventData);
        this.#observer.safeEmit('trace', data as ProducerTraceEventData);
        break;
      }
    }
  }
}
