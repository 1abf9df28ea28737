/**
 * One SCTP association for WebRTC data channels: SCTP over DTLS (RFC 8261,
 * https://www.rfc-editor.org/rfc/rfc8261), with partial reliability (RFC 3758)
 * and stream reset (RFC 6525) as RFC 8831 §6 requires.
 *
 * The protocol engine is werift-sctp, wrapped so that the rest of Consommé
 * sees an object that never throws and never keeps the process alive:
 *  - every received packet is structurally checked first (packet.ts), and
 *    every rejection of the engine's promises is caught and counted;
 *  - DATA is bounded before the engine sees it: TSN window, receive window,
 *    stream count, data from before a stream reset (receive-guards.ts);
 *  - incoming stream resets wait for the data sent before them (RFC 6525
 *    §5.2.2), duplicates are answered without re-applying, and our own
 *    outgoing streams are reset in turn to finish closing (RFC 8831 §6.7);
 *  - timers are unref'd and all cleared on close() (werift-internals.ts);
 *  - messages above maxMessageSize are refused, never truncated, and the send
 *    buffer is bounded by sendBufferSize.
 *
 * Timing comes from the global setTimeout/Date.now, so tests that need a fake
 * clock can use node:test's `mock.timers`.
 */
import { SafeEmitter } from './events.js';
import { CHUNK_INIT, CHUNK_SHUTDOWN, inspectSctpPacket } from './packet.js';
import { enqueueMessage, FRAGMENT_SIZE, type OutboundOptions } from './outbound.js';
import { basePpid, isPartialPpid, userPayload, wirePayload } from './ppid.js';
import { installReceiveGuards, type ReceiveGuards } from './receive-guards.js';
import { countDrop, newStats, type SctpDropReason, type SctpStats } from './stats.js';
import { patchAbandon, patchForwardTsn, patchTimers, SCTP_STATE_CLOSED, werift, type WeriftSctp } from './werift-internals.js';

export type SctpState = 'new' | 'connecting' | 'connected' | 'failed' | 'closed';

/** A stream id outside the negotiated outbound streams also gives 'closed'. */
/** Most chunks queued at once (see #bufferedChunks). */
const MAX_BUFFERED_CHUNKS = 8192;

export type SctpSendResult = 'ok' | 'too-large' | 'closed' | 'buffer-full';

export interface SctpSendOptions {
  ordered: boolean;
  maxRetransmits?: number;
  /** Milliseconds. */
  maxPacketLifeTime?: number;
}

export interface SctpAssociationOptions {
  localPort?: number;
  remotePort?: number;
  /** The DTLS client starts with INIT. */
  isClient: boolean;
  maxMessageSize?: number;
  numStreams?: { OS: number; MIS: number };
  sendBufferSize?: number;
  /** One SCTP packet = one DTLS application-data record. Must not throw (caught and counted if it does). */
  send: (packet: Buffer) => void;
}

export interface SctpAssociationEvents {
  statechange: [state: SctpState];
  message: [streamId: number, ppid: number, data: Buffer];
  /** Streams the peer reset (its outgoing side, our incoming side). */
  streamreset: [streamIds: number[]];
  /** A stream's buffered amount dropped (after a SACK), for bufferedAmountLow. */
  bufferedamount: [streamId: number, amount: number];
}

const ENGINE_SHUTDOWN_STATES = new Set([6, 7, 8]);

interface HeldMessage {
  ppid: number;
  data: Buffer;
  outbound: OutboundOptions;
}

export class SctpAssociation extends SafeEmitter<SctpAssociationEvents> {
  readonly maxMessageSize: number;
  readonly sendBufferSize: number;
  readonly #sctp: WeriftSctp;
  readonly #send: (packet: Buffer) => void;
  readonly #remotePort: number;
  readonly #stats: SctpStats = newStats();
  readonly #clearTimers: () => void;
  readonly #guards: ReceiveGuards;
  #state: SctpState = 'new';
  #closed = false;
  #peerShutdown = false;
  #bufferedTotal = 0;
  #bufferedByStream = new Map<number, number>();
  #bufferedDirty = false;
  /** Fragments of a message sent with the deprecated partial PPIDs (52/54), with their running size. */
  readonly #partials = new Map<number, { parts: Buffer[]; bytes: number }>();
  /** Chunks queued or in flight: bounded so that the per-SACK recount stays cheap with tiny messages. */
  #bufferedChunks = 0;
  /**
   * Messages for streams whose outgoing reset (RFC 6525) is not acknowledged yet. The peer
   * restarts such a stream at the request's last TSN and then expects SSN 0, but werift
   * restarts our SSN only when the response arrives: a message sent in between would carry
   * the old SSN and stall the reused stream at the receiver for good. So they wait here
   * (usrsctp and dcsctp also pause a stream being reset).
   */
  readonly #held = new Map<number, HeldMessage[]>();

  constructor(options: SctpAssociationOptions) {
    super(() => this.#stats.listenerErrors++);
    this.maxMessageSize = options.maxMessageSize ?? 262144;
    this.sendBufferSize = options.sendBufferSize ?? 262144;
    this.#send = options.send;
    this.#remotePort = options.remotePort ?? 5000;
    const transport = { send: (packet: Buffer): void => this.#transmit(packet), onData: undefined };
    this.#sctp = new werift.SCTP(transport, options.localPort ?? 5000);
    const sctp = this.#sctp;
    sctp.isServer = !options.isClient;
    sctp.setRemotePort(this.#remotePort);
    sctp._outboundStreamsCount = clampStreams(options.numStreams?.OS ?? 1024);
    sctp._inboundStreamsMax = clampStreams(options.numStreams?.MIS ?? 1024);
    this.#clearTimers = patchTimers(sctp, () => this.#closed);
    patchAbandon(sctp, Date.now);
    const forwardTsnOnSack = patchForwardTsn(sctp);
    this.#guards = installReceiveGuards(sctp, {
      maxMessageSize: this.maxMessageSize,
      drop: (reason) => countDrop(this.#stats, reason),
      engineError: () => this.#stats.engineErrors++,
      incomingReset: (ids) => this.#onIncomingReset(ids),
    });
    sctp.onReceive.subscribe((streamId, ppid, data) => this.#deliver(streamId, ppid, data));
    sctp.stateChanged.connected.subscribe(() => this.#setState('connected'));
    sctp.stateChanged.closed.subscribe(() => this.#onEngineClosed());
    // Runs inside werift's response handling, before it forgets the request: look once it has.
    sctp.onReconfigStreams.subscribe(() => queueMicrotask(() => this.#releaseHeld()));
    sctp.onSackReceived = async () => {
      forwardTsnOnSack();
      this.#afterSack();
    };
  }

  get state(): SctpState {
    return this.#state;
  }

  get stats(): SctpStats {
    return { ...this.#stats, dropped: { ...this.#stats.dropped } };
  }

  start(): void {
    if (this.#state !== 'new') return;
    this.#setState('connecting');
    this.#sctp.start(this.#remotePort).catch(() => this.#stats.engineErrors++);
  }

  /** Feeds one received SCTP packet (one DTLS record). Never throws. */
  handlePacket(buf: Buffer): void {
    this.#stats.packetsReceived++;
    this.#stats.bytesReceived += buf.length;
    if (this.#closed) return this.#drop('closed');
    const info = inspectSctpPacket(buf);
    if (!info.ok) return this.#drop(info.problem);
    // Association restart (RFC 9260 §5.2) is not needed by WebRTC; a late INIT would reset the engine's TSNs.
    if (info.typeMask & (1 << CHUNK_INIT) && (this.#state === 'connected' || !this.#sctp.isServer)) return this.#drop('unexpected-init');
    // werift processes packets concurrently by design (awaits between chunks); its rejections are caught here.
    void this.#process(info.packet, info.typeMask);
  }

  send(streamId: number, ppid: number, data: Buffer, opts: SctpSendOptions): SctpSendResult {
    if (this.#state !== 'connected') return 'closed';
    if (!Number.isInteger(streamId) || streamId < 0 || streamId >= this.#sctp._outboundStreamsCount) return 'closed';
    if (data.length > this.maxMessageSize) return 'too-large';
    const wire = wirePayload(ppid, data);
    const size = wire.data.length;
    if (this.#bufferedTotal > 0 && this.#bufferedTotal + size > this.sendBufferSize) return 'buffer-full';
    if (this.#bufferedChunks >= MAX_BUFFERED_CHUNKS) return 'buffer-full';
    const expiry = opts.maxPacketLifeTime !== undefined ? (Date.now() + Math.max(0, opts.maxPacketLifeTime)) / 1000 : undefined;
    const maxRetransmits = opts.maxRetransmits !== undefined ? Math.max(0, Math.floor(opts.maxRetransmits)) : undefined;
    this.#bufferedTotal += size;
    // Keep the per-stream view current too: #afterSack compares against it, and a
    // stale map would swallow the 'bufferedamount' event a waiting sender needs.
    this.#bufferedByStream.set(streamId, (this.#bufferedByStream.get(streamId) ?? 0) + size);
    this.#bufferedChunks += Math.max(1, Math.ceil(size / 1200));
    this.#bufferedDirty = true;
    this.#stats.messagesSent++;
    const outbound = { expiry, maxRetransmits, ordered: opts.ordered };
    const held = this.#held.get(streamId);
    if (held !== undefined || this.#resetPending(streamId)) {
      if (held !== undefined) held.push({ ppid: wire.ppid, data: wire.data, outbound });
      else this.#held.set(streamId, [{ ppid: wire.ppid, data: wire.data, outbound }]);
      return 'ok';
    }
    enqueueMessage(this.#sctp, streamId, wire.ppid, wire.data, outbound);
    this.#sctp.transmit().catch(() => this.#stats.engineErrors++);
    return 'ok';
  }

  #resetPending(streamId: number): boolean {
    return this.#sctp.reconfigQueue.includes(streamId) || (this.#sctp.reconfigRequest?.streams.includes(streamId) ?? false);
  }

  /** Sends, in order, what waited for streams whose reset is now done (their SSN starts again at 0). */
  #releaseHeld(): void {
    if (this.#closed || this.#held.size === 0) return;
    let released = false;
    for (const [streamId, messages] of this.#held) {
      if (this.#resetPending(streamId)) continue;
      this.#held.delete(streamId);
      for (const m of messages) enqueueMessage(this.#sctp, streamId, m.ppid, m.data, m.outbound);
      released = true;
    }
    if (released) this.#sctp.transmit().catch(() => this.#stats.engineErrors++);
  }

  /** RFC 6525 outgoing SSN reset of our side of these streams (a data channel closing). */
  resetStreams(ids: number[]): void {
    if (this.#state !== 'connected') return;
    const valid = ids.filter((id) => Number.isInteger(id) && id >= 0 && id < this.#sctp._outboundStreamsCount);
    if (valid.length > 0) this.#guards.resetOutgoing(valid);
  }

  /** Bytes accepted by send() and not yet acknowledged (or abandoned), for one stream or all. */
  bufferedAmount(streamId?: number): number {
    if (streamId === undefined) return this.#bufferedTotal;
    if (this.#bufferedDirty) this.#recountBuffered();
    return this.#bufferedByStream.get(streamId) ?? 0;
  }

  /** Sends ABORT (if the association got anywhere) and clears every timer. Idempotent. */
  close(): void {
    if (this.#closed) return;
    const wasActive = this.#state === 'connecting' || this.#state === 'connected';
    this.#closed = true;
    if (wasActive) this.#sctp.stop().catch(() => this.#stats.engineErrors++);
    this.#teardown();
    this.#setState('closed');
  }

  #drop(reason: SctpDropReason): void {
    countDrop(this.#stats, reason);
  }

  #transmit(packet: Buffer): void {
    this.#stats.packetsSent++;
    this.#stats.bytesSent += packet.length;
    try {
      this.#send(packet);
    } catch {
      this.#stats.engineErrors++;
    }
  }

  async #process(packet: Buffer, typeMask: number): Promise<void> {
    try {
      await this.#sctp.handleData(packet);
    } catch {
      this.#drop('engine-error');
      this.#stats.engineErrors++;
    }
    if (this.#closed) return;
    if (typeMask & (1 << CHUNK_SHUTDOWN) && ENGINE_SHUTDOWN_STATES.has(this.#sctp.associationState)) {
      // The engine answers SHUTDOWN with SHUTDOWN ACK but never completes the handshake itself.
      this.#peerShutdown = true;
      this.#sctp.setState(SCTP_STATE_CLOSED);
      return;
    }
    await this.#guards.afterPacket();
    if (this.#guards.overrun()) this.#fail();
  }

  #deliver(streamId: number, ppid: number, data: Buffer): void {
    if (this.#closed) return;
    if (isPartialPpid(ppid)) {
      const partial = this.#partials.get(streamId) ?? { parts: [], bytes: 0 };
      partial.parts.push(data);
      partial.bytes += data.length;
      if (partial.bytes > this.maxMessageSize) {
        this.#partials.delete(streamId);
        return this.#drop('message-too-large');
      }
      this.#partials.set(streamId, partial);
      return;
    }
    const partial = this.#partials.get(streamId);
    if (partial !== undefined) {
      this.#partials.delete(streamId);
      if (basePpid(ppid) === ppid) data = Buffer.concat([...partial.parts, data]);
    }
    if (data.length > this.maxMessageSize) return this.#drop('message-too-large');
    this.#stats.messagesReceived++;
    this.emit('message', streamId, ppid, userPayload(ppid, data));
  }

  #afterSack(): void {
    const before = this.#bufferedByStream;
    this.#recountBuffered();
    for (const [streamId, amount] of before) {
      const now = this.#bufferedByStream.get(streamId) ?? 0;
      if (now < amount) this.emit('bufferedamount', streamId, now);
    }
  }

  #recountBuffered(): void {
    const byStream = new Map<number, number>();
    let total = 0;
    let chunks = 0;
    for (const queue of [this.#sctp.sentQueue, this.#sctp.outboundQueue]) {
      for (const c of queue) {
        if (c.acked || c.abandoned) continue;
        const n = c.userData.length;
        total += n;
        chunks++;
        byStream.set(c.streamId, (byStream.get(c.streamId) ?? 0) + n);
      }
    }
    for (const [streamId, messages] of this.#held) {
      for (const m of messages) {
        total += m.data.length;
        chunks += Math.max(1, Math.ceil(m.data.length / FRAGMENT_SIZE));
        byStream.set(streamId, (byStream.get(streamId) ?? 0) + m.data.length);
      }
    }
    this.#bufferedByStream = byStream;
    this.#bufferedTotal = total;
    this.#bufferedChunks = chunks;
    this.#bufferedDirty = false;
  }

  #onIncomingReset(ids: number[]): void {
    for (const id of ids) this.#partials.delete(id);
    this.emit('streamreset', ids);
  }

  #onEngineClosed(): void {
    if (this.#state === 'closed' || this.#state === 'failed') return;
    const graceful = this.#peerShutdown;
    this.#closed = true;
    this.#teardown();
    this.#setState(graceful ? 'closed' : 'failed');
  }

  #fail(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#sctp.stop().catch(() => this.#stats.engineErrors++);
    this.#teardown();
    this.#setState('failed');
  }

  #teardown(): void {
    this.#clearTimers();
    this.#partials.clear();
    this.#held.clear();
    this.#guards.clear();
  }

  #setState(state: SctpState): void {
    if (this.#state === state) return;
    if (this.#state === 'closed' || this.#state === 'failed') return;
    this.#state = state;
    this.emit('statechange', state);
  }
}

function clampStreams(n: number): number {
  return Number.isInteger(n) ? Math.min(65535, Math.max(1, n)) : 1024;
}
