import type { SctpStreamParameters } from '../ortc/types.js';
import type { RequestHandler, WorkerContext } from './context.js';

export interface DataConsumerInit {
  dataConsumerId: string;
  dataProducerId: string;
  type: 'sctp' | 'direct';
  sctpStreamParameters?: SctpStreamParameters;
  label: string;
  protocol: string;
  paused: boolean;
  subchannels: number[];
}

export type SctpSendResult = 'ok' | 'too-large' | 'closed' | 'buffer-full';

export interface DataConsumerHost {
  /** SCTP data consumers: queue a message on the consumer's stream. */
  sendSctp(consumer: WorkerDataConsumer, ppid: number, data: Buffer): SctpSendResult;
  bufferedAmount(consumer: WorkerDataConsumer): number;
  /** Largest message the association takes (maxSctpMessageSize). */
  readonly maxMessageSize: number;
  /** Count a message dropped on our side. */
  dropped(reason: string): void;
}

/** WebRTC PPIDs of empty messages (RFC 8831 §6.6): the one byte on the wire is not part of the message. */
const PPID_STRING_EMPTY = 56;
const PPID_BINARY_EMPTY = 57;

/**
 * Messages of a reliable channel that did not fit in the SCTP send buffer
 * wait here (in order) instead of being dropped, up to this many bytes. The
 * sender's own flow control (its bufferedAmount) sees only its hop to us, so
 * without this a fast file transfer would lose messages on our hop to the
 * receiver.
 */
const MAX_PENDING_BYTES = 16 * 1024 * 1024;

/**
 * The sending end of a data consumer: filters by pause state and subchannels,
 * then sends over SCTP to its endpoint or, on a DirectTransport, hands the
 * message to Node.
 */
export class WorkerDataConsumer implements RequestHandler {
  readonly id: string;
  readonly dataProducerId: string;
  readonly type: 'sctp' | 'direct';
  readonly sctpStreamParameters: SctpStreamParameters | undefined;
  readonly streamId: number | undefined;
  readonly label: string;
  readonly protocol: string;
  readonly #ctx: WorkerContext;
  readonly #host: DataConsumerHost;
  #paused: boolean;
  #dataProducerPaused = false;
  #subchannels: Set<number>;
  #bufferedAmountLowThreshold = 0;
  #aboveThreshold = false;
  #messagesSent = 0;
  #bytesSent = 0;
  #closed = false;
  readonly #reliable: boolean;
  #pending: { ppid: number; data: Buffer }[] = [];
  #pendingBytes = 0;
  #bufferFullReported = false;

  constructor(init: DataConsumerInit, ctx: WorkerContext, host: DataConsumerHost) {
    this.id = init.dataConsumerId;
    this.dataProducerId = init.dataProducerId;
    this.type = init.type;
    this.sctpStreamParameters = init.sctpStreamParameters;
    this.streamId = init.sctpStreamParameters?.streamId;
    this.label = init.label;
    this.protocol = init.protocol;
    this.#paused = init.paused;
    this.#subchannels = new Set(init.subchannels);
    this.#ctx = ctx;
    this.#host = host;
    const p = init.sctpStreamParameters;
    this.#reliable = p !== undefined && p.maxRetransmits === undefined && p.maxPacketLifeTime === undefined;
  }

  get paused(): boolean {
    return this.#paused;
  }

  get messagesSent(): number {
    return this.#messagesSent;
  }

  get bytesSent(): number {
    return this.#bytesSent;
  }

  close(): void {
    this.#closed = true;
    this.#pending = [];
    this.#pendingBytes = 0;
  }

  get hasPending(): boolean {
    return this.#pending.length > 0;
  }

  /** Room freed up in the SCTP send buffer: send what waits, in order. */
  drain(): void {
    while (this.#pending.length > 0 && !this.#closed) {
      const next = this.#pending[0]!;
      const result = this.#host.sendSctp(this, next.ppid, next.data);
      if (result === 'buffer-full') return;
      this.#pending.shift();
      this.#pendingBytes -= next.data.length;
      if (result === 'ok') {
        this.#messagesSent++;
        this.#bytesSent += next.data.length;
      }
    }
    this.#bufferFullReported = false;
    this.#noteBuffered();
  }

  /** The association failed or closed: what waits will never go. */
  dropPending(): void {
    this.#pending = [];
    this.#pendingBytes = 0;
  }

  /** Remember that we are above the low threshold, so that dropping to it fires 'bufferedamountlow'. */
  #noteBuffered(): void {
    if (this.#host.bufferedAmount(this) + this.#pendingBytes > this.#bufferedAmountLowThreshold) this.#aboveThreshold = true;
  }

  setDataProducerPaused(paused: boolean): void {
    if (this.#dataProducerPaused === paused) return;
    this.#dataProducerPaused = paused;
    this.#ctx.notify(this.id, paused ? 'dataproducerpause' : 'dataproducerresume');
  }

  /** A message from the data producer. Never throws. */
  deliver(ppid: number, data: Buffer, subchannels?: number[], requiredSubchannel?: number): void {
    if (this.#closed || this.#paused || this.#dataProducerPaused) return;
    if (requiredSubchannel !== undefined && !this.#subchannels.has(requiredSubchannel)) return;
    if (subchannels !== undefined && subchannels.length > 0 && !subchannels.some((s) => this.#subchannels.has(s))) return;
    this.#send(ppid, data);
  }

  /** The SCTP stack's buffered amount for our stream changed. */
  onBufferedAmount(sctpAmount: number): void {
    // Room again: a later overflow is a new episode worth reporting.
    this.#bufferFullReported = false;
    const amount = sctpAmount + this.#pendingBytes;
    if (amount > this.#bufferedAmountLowThreshold) {
      this.#aboveThreshold = true;
    } else if (this.#aboveThreshold) {
      this.#aboveThreshold = false;
      this.#ctx.notify(this.id, 'bufferedamountlow', { bufferedAmount: amount });
    }
  }

  handleRequest(method: string, data: unknown): unknown {
    switch (method) {
      case 'dataConsumer.pause':
        this.#paused = true;
        return undefined;
      case 'dataConsumer.resume':
        this.#paused = false;
        return undefined;
      case 'dataConsumer.getBufferedAmount':
        return this.type === 'sctp' ? this.#host.bufferedAmount(this) + this.#pendingBytes : 0;
      case 'dataConsumer.setBufferedAmountLowThreshold':
        this.#bufferedAmountLowThreshold = (data as { threshold: number }).threshold;
        return undefined;
      case 'dataConsumer.setSubchannels':
        this.#subchannels = new Set((data as { subchannels: number[] }).subchannels);
        return { subchannels: [...this.#subchannels] };
      case 'dataConsumer.send': {
        const m = data as { ppid: number; data: Uint8Array };
        const result = this.#send(m.ppid, Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength));
        if (result === 'too-large') throw new TypeError('message larger than the SCTP maxMessageSize');
        if (result === 'closed') throw new Error('SCTP association not connected');
        return undefined;
      }
      case 'dataConsumer.getStats':
        return [
          {
            type: 'data-consumer',
            timestamp: Date.now(),
            label: this.label,
            protocol: this.protocol,
            messagesSent: this.#messagesSent,
            bytesSent: this.#bytesSent,
            bufferedAmount: this.type === 'sctp' ? this.#host.bufferedAmount(this) + this.#pendingBytes : 0,
          },
        ];
      case 'dataConsumer.dump':
        return { id: this.id, dataProducerId: this.dataProducerId, type: this.type, sctpStreamParameters: this.sctpStreamParameters, paused: this.#paused };
      default:
        throw new TypeError(`unknown method '${method}'`);
    }
  }

  #send(ppid: number, data: Buffer): SctpSendResult {
    if (this.type === 'direct') {
      const payload = ppid === PPID_STRING_EMPTY || ppid === PPID_BINARY_EMPTY ? Buffer.alloc(0) : data;
      this.#messagesSent++;
      this.#bytesSent += payload.length;
      this.#ctx.notify(this.id, 'message', { ppid, data: payload });
      return 'ok';
    }
    if (data.length > this.#host.maxMessageSize) return 'too-large';
    // Keep order: once something waits, everything after it waits too.
    const result = this.#pending.length > 0 ? 'buffer-full' : this.#host.sendSctp(this, ppid, data);
    if (result === 'ok') {
      this.#messagesSent++;
      this.#bytesSent += data.length;
      this.#noteBuffered();
    } else if (result === 'buffer-full') {
      if (!this.#bufferFullReported) {
        this.#bufferFullReported = true;
        this.#ctx.notify(this.id, 'sctpsendbufferfull');
      }
      // Unreliable channels drop (their messages may be lost anyway); reliable ones wait.
      if (this.#reliable && this.#pendingBytes + data.length <= MAX_PENDING_BYTES) {
        this.#pending.push({ ppid, data: Buffer.from(data) });
        this.#pendingBytes += data.length;
        this.#noteBuffered();
        return 'ok';
      }
      this.#host.dropped('sctp-send-buffer-full');
    }
    return result;
  }
}
