import { SctpAssociation } from '../wire/sctp/association.js';
import { parseDcepMessage, serializeDcepAck } from '../wire/dcep/index.js';
import type { SctpStreamParameters } from '../ortc/types.js';
import type { SctpSendResult } from './data-consumer.js';
import type { DropCounters } from './drop-counters.js';

/** WebRTC PPID of DCEP messages (RFC 8832 §8.1). */
const PPID_DCEP = 50;

export type SctpTransportState = 'new' | 'connecting' | 'connected' | 'failed' | 'closed';

export interface SctpBridgeOptions {
  numStreams: { OS: number; MIS: number };
  maxMessageSize: number;
  sendBufferSize: number;
}

/** What the bridge needs from its WebRtcTransport. */
export interface SctpBridgeHost {
  /** One SCTP packet as DTLS application data. */
  sendDtlsData(packet: Buffer): void;
  stateChanged(state: SctpTransportState): void;
  message(streamId: number, ppid: number, data: Buffer): void;
  bufferedAmount(streamId: number, amount: number): void;
  /** Whether a data producer or consumer uses the stream (DCEP must not take it). */
  streamInUse(streamId: number): boolean;
  readonly dropped: DropCounters;
}

/**
 * SCTP over DTLS for one WebRtcTransport (RFC 8261): starts the association
 * once DTLS is up, moves DTLS application data in and out, and answers DCEP
 * (RFC 8832) for channels the endpoint opens in-band. mediasoup-client
 * negotiates its channels out of band, so DCEP here only serves other peers.
 */
export class SctpBridge {
  readonly #host: SctpBridgeHost;
  readonly #options: SctpBridgeOptions;
  #association: SctpAssociation | undefined;
  #state: SctpTransportState = 'new';
  readonly #dcepStreams = new Set<number>();

  constructor(options: SctpBridgeOptions, host: SctpBridgeHost) {
    this.#options = options;
    this.#host = host;
  }

  get state(): SctpTransportState {
    return this.#state;
  }

  /** What the SCTP stack dropped, by reason, prefixed 'sctp-' for the transport's counters. */
  dropped(): Record<string, number> {
    const out: Record<string, number> = {};
    const dropped = this.#association?.stats.dropped ?? {};
    for (const [reason, count] of Object.entries(dropped)) if (count) out[`sctp-${reason}`] = count;
    return out;
  }

  /** Streams the endpoint opened in-band with DCEP: no data producer or consumer may take them. */
  isDcepStream(streamId: number): boolean {
    return this.#dcepStreams.has(streamId);
  }

  /** DTLS is connected: the DTLS client starts the SCTP handshake. */
  start(isDtlsClient: boolean): void {
    if (this.#association) return;
    const association = new SctpAssociation({
      isClient: isDtlsClient,
      maxMessageSize: this.#options.maxMessageSize,
      numStreams: this.#options.numStreams,
      sendBufferSize: this.#options.sendBufferSize,
      send: (packet) => this.#host.sendDtlsData(packet),
    });
    this.#association = association;
    association.on('statechange', (state) => this.#setState(state));
    association.on('message', (streamId, ppid, data) => {
      if (ppid === PPID_DCEP) this.#onDcep(streamId, data);
      else this.#host.message(streamId, ppid, data);
    });
    association.on('bufferedamount', (streamId, amount) => this.#host.bufferedAmount(streamId, amount));
    // The endpoint closed an in-band channel: its stream is free again (the association answers the reset itself).
    association.on('streamreset', (ids) => {
      for (const id of ids) this.#dcepStreams.delete(id);
    });
    association.start();
  }

  /** DTLS application data from the endpoint. Never throws. */
  handleDtlsData(data: Buffer): void {
    if (!this.#association) {
      this.#host.dropped.add('sctp-before-dtls');
      return;
    }
    this.#association.handlePacket(data);
  }

  send(streamId: number, ppid: number, data: Buffer, params: SctpStreamParameters | undefined): SctpSendResult {
    const association = this.#association;
    if (!association || this.#state !== 'connected') return 'closed';
    const opts: { ordered: boolean; maxRetransmits?: number; maxPacketLifeTime?: number } = { ordered: params?.ordered ?? true };
    if (params?.maxRetransmits !== undefined) opts.maxRetransmits = params.maxRetransmits;
    if (params?.maxPacketLifeTime !== undefined) opts.maxPacketLifeTime = params.maxPacketLifeTime;
    return association.send(streamId, ppid, data, opts);
  }

  bufferedAmount(streamId: number): number {
    return this.#association?.bufferedAmount(streamId) ?? 0;
  }

  resetStream(streamId: number): void {
    if (this.#state === 'connected') this.#association?.resetStreams([streamId]);
  }

  close(): void {
    this.#association?.close();
    this.#setState('closed');
  }

  #setState(state: SctpTransportState): void {
    if (this.#state === state) return;
    this.#state = state;
    this.#host.stateChanged(state);
  }

  #onDcep(streamId: number, data: Buffer): void {
    const message = parseDcepMessage(data);
    if (!message) {
      this.#host.dropped.add('dcep-malformed');
      return;
    }
    if (message.type !== 'open') return; // an ACK for nothing we opened: ignore
    if (this.#host.streamInUse(streamId)) {
      // RFC 8832 §6: the stream is taken; the opener will time out or reset it.
      this.#host.dropped.add('dcep-open-stream-in-use');
      return;
    }
    this.#dcepStreams.add(streamId);
    this.#association?.send(streamId, PPID_DCEP, serializeDcepAck(), { ordered: true });
  }
}
