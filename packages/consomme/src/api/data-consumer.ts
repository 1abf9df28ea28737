import type { Channel } from '../channel/channel.js';
import { InvalidStateError } from '../errors.js';
import type { SctpStreamParameters } from '../ortc/types.js';
import { encodeDataMessage, type DataProducerType } from './data-producer.js';
import { EnhancedEventEmitter } from './enhanced-events.js';
import type { AppData } from './transport-types.js';

export type DataConsumerType = DataProducerType;

export interface DataConsumerStat {
  type: 'data-consumer';
  timestamp: number;
  label: string;
  protocol: string;
  messagesSent: number;
  bytesSent: number;
  bufferedAmount: number;
}

export type DataConsumerEvents = {
  transportclose: [];
  dataproducerclose: [];
  dataproducerpause: [];
  dataproducerresume: [];
  /** DirectTransport data consumers: a message and its PPID. */
  message: [Buffer, number];
  sctpsendbufferfull: [];
  bufferedamountlow: [number];
  listenererror: [string, Error];
  '@close': [];
  '@dataproducerclose': [];
};

export type DataConsumerObserverEvents = {
  close: [];
  pause: [];
  resume: [];
};

interface DataConsumerInternal<DataConsumerAppData> {
  id: string;
  dataProducerId: string;
  channel: Channel;
  type: DataConsumerType;
  sctpStreamParameters: SctpStreamParameters | undefined;
  label: string;
  protocol: string;
  paused: boolean;
  dataProducerPaused: boolean;
  subchannels: number[];
  appData: DataConsumerAppData | undefined;
}

/** A sink of data messages: an endpoint's data channel, or the Node app (DirectTransport). */
export class DataConsumer<DataConsumerAppData extends AppData = AppData> extends EnhancedEventEmitter<DataConsumerEvents> {
  readonly #id: string;
  readonly #dataProducerId: string;
  readonly #channel: Channel;
  readonly #type: DataConsumerType;
  readonly #sctpStreamParameters: SctpStreamParameters | undefined;
  readonly #label: string;
  readonly #protocol: string;
  readonly #observer = new EnhancedEventEmitter<DataConsumerObserverEvents>();
  #closed = false;
  #paused: boolean;
  #dataProducerPaused: boolean;
  #subchannels: number[];
  #appData: DataConsumerAppData;

  /** @internal */
  constructor(internal: DataConsumerInternal<DataConsumerAppData>) {
    super();
    this.#id = internal.id;
    this.#dataProducerId = internal.dataProducerId;
    this.#channel = internal.channel;
    this.#type = internal.type;
    this.#sctpStreamParameters = internal.sctpStreamParameters;
    this.#label = internal.label;
    this.#protocol = internal.protocol;
    this.#paused = internal.paused;
    this.#dataProducerPaused = internal.dataProducerPaused;
    this.#subchannels = internal.subchannels;
    this.#appData = internal.appData ?? ({} as DataConsumerAppData);
    this.#channel.subscribe(this.#id, (event, data) => this.#onNotification(event, data));
  }

  get id(): string {
    return this.#id;
  }

  get dataProducerId(): string {
    return this.#dataProducerId;
  }

  get closed(): boolean {
    return this.#closed;
  }

  get type(): DataConsumerType {
    return this.#type;
  }

  get sctpStreamParameters(): SctpStreamParameters | undefined {
    return this.#sctpStreamParameters;
  }

  get label(): string {
    return this.#label;
  }

  get protocol(): string {
    return this.#protocol;
  }

  get paused(): boolean {
    return this.#paused;
  }

  get dataProducerPaused(): boolean {
    return this.#dataProducerPaused;
  }

  get subchannels(): number[] {
    return this.#subchannels;
  }

  get appData(): DataConsumerAppData {
    return this.#appData;
  }

  set appData(appData: DataConsumerAppData) {
    this.#appData = appData;
  }

  get observer(): EnhancedEventEmitter<DataConsumerObserverEvents> {
    return this.#observer;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#channel.unsubscribe(this.#id);
    this.#channel.request('dataConsumer.close', this.#id).catch(() => undefined);
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
    return this.#channel.request('dataConsumer.dump', this.#id);
  }

  async getStats(): Promise<DataConsumerStat[]> {
    return this.#channel.request<DataConsumerStat[]>('dataConsumer.getStats', this.#id);
  }

  async pause(): Promise<void> {
    if (this.#closed) throw new InvalidStateError('dataConsumer closed');
    const was = this.#paused;
    await this.#channel.request('dataConsumer.pause', this.#id);
    this.#paused = true;
    if (!was && !this.#dataProducerPaused) this.#observer.safeEmit('pause');
  }

  async resume(): Promise<void> {
    if (this.#closed) throw new InvalidStateError('dataConsumer closed');
    const was = this.#paused;
    await this.#channel.request('dataConsumer.resume', this.#id);
    this.#paused = false;
    if (was && !this.#dataProducerPaused) this.#observer.safeEmit('resume');
  }

  /** Bytes queued in SCTP for this consumer's stream. */
  async getBufferedAmount(): Promise<number> {
    if (this.#closed) throw new InvalidStateError('dataConsumer closed');
    return this.#channel.request<number>('dataConsumer.getBufferedAmount', this.#id);
  }

  /** 'bufferedamountlow' fires when the buffered amount drops to this many bytes or below. */
  async setBufferedAmountLowThreshold(threshold: number): Promise<void> {
    if (this.#closed) throw new InvalidStateError('dataConsumer closed');
    if (!Number.isInteger(threshold) || threshold < 0) throw new TypeError('threshold must be a non-negative integer');
    await this.#channel.request('dataConsumer.setBufferedAmountLowThreshold', this.#id, { threshold });
  }

  /** Send a message straight to this consumer's endpoint (SCTP data consumers). */
  async send(message: string | Buffer | Uint8Array, ppid?: number): Promise<void> {
    if (this.#closed) throw new InvalidStateError('dataConsumer closed');
    const encoded = encodeDataMessage(message, ppid);
    await this.#channel.request('dataConsumer.send', this.#id, encoded);
  }

  async setSubchannels(subchannels: number[]): Promise<void> {
    if (this.#closed) throw new InvalidStateError('dataConsumer closed');
    if (!Array.isArray(subchannels) || subchannels.some((s) => !Number.isInteger(s) || s < 0 || s > 65535)) {
      throw new TypeError('subchannels must be an array of integers 0..65535');
    }
    const result = await this.#channel.request<{ subchannels: number[] }>('dataConsumer.setSubchannels', this.#id, { subchannels });
    this.#subchannels = result.subchannels;
  }

  async addSubchannel(subchannel: number): Promise<void> {
    await this.setSubchannels([...new Set([...this.#subchannels, subchannel])]);
  }

  async removeSubchannel(subchannel: number): Promise<void> {
    await this.setSubchannels(this.#subchannels.filter((s) => s !== subchannel));
  }

  /** @internal A notification that arrived before this object existed. */
  replayNotification(event: string, data: unknown): void {
    this.#onNotification(event, data);
  }

  #onNotification(event: string, data: unknown): void {
    switch (event) {
      case 'dataproducerclose': {
        if (this.#closed) break;
        this.#closed = true;
        this.#channel.unsubscribe(this.#id);
        this.safeEmit('@dataproducerclose');
        this.safeEmit('dataproducerclose');
        this.#observer.safeEmit('close');
        break;
      }
      case 'dataproducerpause':
        if (this.#dataProducerPaused) break;
        this.#dataProducerPaused = true;
        this.safeEmit('dataproducerpause');
        if (!this.#paused) this.#observer.safeEmit('pause');
        break;
      case 'dataproducerresume':
        if (!this.#dataProducerPaused) break;
        this.#dataProducerPaused = false;
        this.safeEmit('dataproducerresume');
        if (!this.#paused) this.#observer.safeEmit('resume');
        break;
      case 'message': {
        const { ppid, data: payload } = data as { ppid: number; data: Uint8Array };
        const buf = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
        this.safeEmit('message', buf, ppid);
        break;
      }
      case 'sctpsendbufferfull':
        this.safeEmit('sctpsendbufferfull');
        break;
      case 'bufferedamountlow':
        this.safeEmit('bufferedamountlow', (data as { bufferedAmount: number }).bufferedAmount);
        break;
    }
  }
}
