import type { Channel } from '../channel/channel.js';
import { InvalidStateError } from '../errors.js';
import type { SctpStreamParameters } from '../ortc/types.js';
import { EnhancedEventEmitter } from './enhanced-events.js';
import type { AppData } from './transport-types.js';

export type DataProducerType = 'sctp' | 'direct';

export interface DataProducerStat {
  type: 'data-producer';
  timestamp: number;
  label: string;
  protocol: string;
  messagesReceived: number;
  bytesReceived: number;
  bufferedAmount?: number;
}

export type DataProducerEvents = {
  transportclose: [];
  listenererror: [string, Error];
  '@close': [];
};

export type DataProducerObserverEvents = {
  close: [];
  pause: [];
  resume: [];
};

/** WebRTC PPIDs (RFC 8831 §8). */
export const PPID_STRING = 51;
export const PPID_BINARY = 53;
export const PPID_STRING_EMPTY = 56;
export const PPID_BINARY_EMPTY = 57;

/** The PPID and bytes mediasoup's send(message, ppid) puts on the wire. */
export function encodeDataMessage(message: string | Buffer | Uint8Array, ppid?: number): { ppid: number; data: Buffer } {
  if (typeof message === 'string') {
    const data = Buffer.from(message, 'utf8');
    const chosen = ppid ?? (data.length === 0 ? PPID_STRING_EMPTY : PPID_STRING);
    // An empty message travels as one byte (RFC 8831 §6.6); the receiver delivers it as empty.
    return { ppid: chosen, data: data.length === 0 ? Buffer.from([0]) : data };
  }
  if (message instanceof Uint8Array) {
    const data = Buffer.isBuffer(message) ? message : Buffer.from(message.buffer, message.byteOffset, message.byteLength);
    const chosen = ppid ?? (data.length === 0 ? PPID_BINARY_EMPTY : PPID_BINARY);
    return { ppid: chosen, data: data.length === 0 ? Buffer.from([0]) : data };
  }
  throw new TypeError('message must be a string or a Buffer');
}

interface DataProducerInternal<DataProducerAppData> {
  id: string;
  channel: Channel;
  type: DataProducerType;
  sctpStreamParameters: SctpStreamParameters | undefined;
  label: string;
  protocol: string;
  paused: boolean;
  maxMessageSize: number;
  appData: DataProducerAppData | undefined;
}

/** A source of data messages: an endpoint's data channel, or the Node app (DirectTransport). */
export class DataProducer<DataProducerAppData extends AppData = AppData> extends EnhancedEventEmitter<DataProducerEvents> {
  readonly #id: string;
  readonly #channel: Channel;
  readonly #type: DataProducerType;
  readonly #sctpStreamParameters: SctpStreamParameters | undefined;
  readonly #label: string;
  readonly #protocol: string;
  readonly #observer = new EnhancedEventEmitter<DataProducerObserverEvents>();
  readonly #maxMessageSize: number;
  #closed = false;
  #paused: boolean;
  #appData: DataProducerAppData;

  /** @internal */
  constructor(internal: DataProducerInternal<DataProducerAppData>) {
    super();
    this.#id = internal.id;
    this.#channel = internal.channel;
    this.#type = internal.type;
    this.#sctpStreamParameters = internal.sctpStreamParameters;
    this.#label = internal.label;
    this.#protocol = internal.protocol;
    this.#paused = internal.paused;
    this.#maxMessageSize = internal.maxMessageSize;
    this.#appData = internal.appData ?? ({} as DataProducerAppData);
  }

  get id(): string {
    return this.#id;
  }

  get closed(): boolean {
    return this.#closed;
  }

  get type(): DataProducerType {
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

  get appData(): DataProducerAppData {
    return this.#appData;
  }

  set appData(appData: DataProducerAppData) {
    this.#appData = appData;
  }

  get observer(): EnhancedEventEmitter<DataProducerObserverEvents> {
    return this.#observer;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#channel.request('dataProducer.close', this.#id).catch(() => undefined);
    this.safeEmit('@close');
    this.#observer.safeEmit('close');
  }

  /** @internal */
  transportClosed(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.safeEmit('transportclose');
    this.#observer.safeEmit('close');
  }

  async dump(): Promise<unknown> {
    return this.#channel.request('dataProducer.dump', this.#id);
  }

  async getStats(): Promise<DataProducerStat[]> {
    return this.#channel.request<DataProducerStat[]>('dataProducer.getStats', this.#id);
  }

  async pause(): Promise<void> {
    if (this.#closed) throw new InvalidStateError('dataProducer closed');
    const was = this.#paused;
    await this.#channel.request('dataProducer.pause', this.#id);
    this.#paused = true;
    if (!was) this.#observer.safeEmit('pause');
  }

  async resume(): Promise<void> {
    if (this.#closed) throw new InvalidStateError('dataProducer closed');
    const was = this.#paused;
    await this.#channel.request('dataProducer.resume', this.#id);
    this.#paused = false;
    if (was) this.#observer.safeEmit('resume');
  }

  /**
   * Send a message from Node (DirectTransport data producers only). Strings go
   * as PPID 51, Buffers as 53, empty ones as 56/57, unless `ppid` says otherwise.
   * `subchannels` / `requiredSubchannel` filter which data consumers get it.
   */
  send(message: string | Buffer | Uint8Array, ppid?: number, subchannels?: number[], requiredSubchannel?: number): void {
    if (this.#closed) throw new InvalidStateError('dataProducer closed');
    if (this.#type !== 'direct') throw new InvalidStateError('send() is only for DataProducers of a DirectTransport');
    const encoded = encodeDataMessage(message, ppid);
    if (encoded.data.length > this.#maxMessageSize) {
      throw new TypeError(`message of ${encoded.data.length} bytes exceeds maxMessageSize ${this.#maxMessageSize}`);
    }
    this.#channel.notify('dataProducer.send', this.#id, {
      ppid: encoded.ppid,
      data: encoded.data,
      subchannels,
      requiredSubchannel,
    });
  }
}
