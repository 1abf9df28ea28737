/**
 * The receiving end of transport-wide congestion control
 * (draft-holmer-rmcat-transport-wide-cc-extensions-01): record the
 * transport-wide sequence number and arrival time of every RTP packet a
 * transport receives, and turn them into transport-cc feedback packets for the
 * sender, whose own bandwidth estimator (Chromium's GCC) reads them.
 * https://datatracker.ietf.org/doc/html/draft-holmer-rmcat-transport-wide-cc-extensions-01
 *
 * Pure decision code: the caller feeds packets with their arrival time and
 * calls `onTimer` (or `build` when `onPacket` says the batch is large) with
 * the same clock; it gets back serialized RTCP packets to send. No timers,
 * no sockets; bounded memory whatever the sender does.
 */
import { encodeTransportCc, type TransportCcPacketStatus } from '../../wire/rtcp/transport-cc.js';
import { SeqUnwrapper } from '../../wire/rtp/seq.js';

export interface TransportCcFeedbackOptions {
  /** SSRC written as the feedback's sender. Default 0. */
  readonly senderSsrc?: number;
  /** Feedback period, ms. Default 100 (libwebrtc's receivers use 50..250). */
  readonly intervalMs?: number;
  /** Feedback goes out early once this many packets wait. Default 100. */
  readonly flushAtPackets?: number;
  /** Largest feedback packet, bytes; a bigger window is split. Default 1200, well under the MTU with SRTCP. */
  readonly maxPacketBytes?: number;
}

/** Arrival history, in sequence-number slots. A power of two. */
const HISTORY = 8192;
const MASK = HISTORY - 1;
/** Statuses reported per build at most; a sender that jumps further ahead has its older gap skipped. */
const MAX_WINDOW = 4096;
/**
 * A packet this far behind the next sequence number to report still moves
 * the window back (libwebrtc's receivers do the same), so a reordered packet
 * is reported as received. Older ones are only stored.
 */
const MAX_REREPORT = 512;
const TICK_US = 250;
const TICKS_PER_REFERENCE = 256; // 64 ms / 250 µs
const MIN_DELTA_TICKS = -0x8000;
const MAX_DELTA_TICKS = 0x7fff;
/** Header, SSRCs, base, count, reference time and counter. */
const FIXED_BYTES = 20;
const EMPTY: readonly Buffer[] = Object.freeze([]);

export class TransportCcFeedback {
  readonly #senderSsrc: number;
  readonly #intervalMs: number;
  readonly #flushAtPackets: number;
  readonly #maxPacketBytes: number;
  readonly #unwrapper = new SeqUnwrapper();
  /** Extended sequence number held by each slot (-1: none), and its arrival time in µs. */
  readonly #slotSeq = new Float64Array(HISTORY).fill(-1);
  readonly #slotArrivalUs = new Float64Array(HISTORY);
  /** First extended sequence number of the next feedback; past `highest` when nothing waits. */
  #windowStart: number | undefined;
  #mediaSsrc = 0;
  #pending = 0;
  #feedbackPacketCount = 0;
  #lastBuildMs: number | undefined;
  #lastReference = 0;
  #packetsBuilt = 0;

  constructor(options: TransportCcFeedbackOptions = {}) {
    this.#senderSsrc = options.senderSsrc ?? 0;
    this.#intervalMs = options.intervalMs ?? 100;
    this.#flushAtPackets = options.flushAtPackets ?? 100;
    this.#maxPacketBytes = Math.max(64, options.maxPacketBytes ?? 1200);
  }

  /** Feedback packets built so far. */
  get packetsBuilt(): number {
    return this.#packetsBuilt;
  }

  /**
   * Records one packet's transport-wide sequence number (16 bits) and arrival
   * time. Returns true when enough packets wait that feedback should be
   * built now rather than at the next period.
   */
  onPacket(transportSeq: number, arrivalMs: number, mediaSsrc: number): boolean {
    const ext = this.#unwrapper.unwrap(transportSeq & 0xffff);
    const highest = this.#unwrapper.highest!;
    // Older than the history can tell apart from a newer packet in the same slot.
    if (ext <= highest - HISTORY) return false;
    const slot = ext & MASK;
    if (this.#slotSeq[slot] === ext) return false; // a duplicate keeps its first arrival
    this.#slotSeq[slot] = ext;
    this.#slotArrivalUs[slot] = Math.round(arrivalMs * 1000);
    this.#mediaSsrc = mediaSsrc >>> 0;
    const start = this.#windowStart;
    if (start === undefined || (ext < start && ext >= start - MAX_REREPORT)) this.#windowStart = ext;
    this.#pending++;
    return this.#pending >= this.#flushAtPackets;
  }

  /** Periodic call: the feedback due now (often none). */
  onTimer(nowMs: number): readonly Buffer[] {
    if (this.#lastBuildMs !== undefined && nowMs - this.#lastBuildMs < this.#intervalMs) return EMPTY;
    return this.build(nowMs);
  }

  /** Feedback for everything received since the last one, split as needed; empty when nothing new arrived. */
  build(nowMs: number): readonly Buffer[] {
    this.#lastBuildMs = nowMs;
    const highest = this.#unwrapper.highest;
    let start = this.#windowStart;
    if (highest === undefined || start === undefined || start > highest || this.#pending === 0) return EMPTY;
    if (highest - start + 1 > MAX_WINDOW) start = highest - MAX_WINDOW + 1;
    const out: Buffer[] = [];
    while (start <= highest) {
      const { buffer, next } = this.#buildOne(start, highest);
      out.push(buffer);
      start = next;
    }
    this.#windowStart = highest + 1;
    this.#pending = 0;
    return out;
  }

  /** One feedback packet from `start`, as far towards `highest` as its size and delta range allow. */
  #buildOne(start: number, highest: number): { buffer: Buffer; next: number } {
    const packets: TransportCcPacketStatus[] = [];
    let reference: number | undefined;
    let previousTicks = 0;
    let deltaBytes = 0;
    let ext = start;
    for (; ext <= highest; ext++) {
      const slot = ext & MASK;
      const seq = ext & 0xffff;
      // Worst case for the chunks: every 7 statuses take a 2-byte vector; 3 bytes of padding.
      const chunkBytes = 2 * Math.ceil((packets.length + 1) / 7);
      if (this.#slotSeq[slot] !== ext) {
        if (packets.length > 0 && FIXED_BYTES + chunkBytes + deltaBytes + 3 > this.#maxPacketBytes) break;
        packets.push({ seq, received: false, deltaUs: 0 });
        continue;
      }
      const ticks = Math.floor(this.#slotArrivalUs[slot]! / TICK_US);
      if (reference === undefined) {
        // The reference time is the first received packet's arrival, floored to 64 ms.
        reference = Math.floor(ticks / TICKS_PER_REFERENCE);
        previousTicks = reference * TICKS_PER_REFERENCE;
      }
      const delta = ticks - previousTicks;
      // A gap beyond ±8.19 s needs a new feedback packet with its own reference time.
      if (delta < MIN_DELTA_TICKS || delta > MAX_DELTA_TICKS) break;
      const bytes = delta >= 0 && delta <= 255 ? 1 : 2;
      if (packets.length > 0 && FIXED_BYTES + chunkBytes + deltaBytes + bytes + 3 > this.#maxPacketBytes) break;
      packets.push({ seq, received: true, deltaUs: delta * TICK_US });
      deltaBytes += bytes;
      previousTicks = ticks;
    }
    // All lost: the reference time is not used by any delta; repeat the last one.
    const referenceTime = reference === undefined ? this.#lastReference : ((reference & 0xff_ffff) << 8) >> 8;
    this.#lastReference = referenceTime;
    const buffer = encodeTransportCc({
      senderSsrc: this.#senderSsrc,
      mediaSsrc: this.#mediaSsrc,
      baseSequenceNumber: start & 0xffff,
      referenceTime,
      feedbackPacketCount: this.#feedbackPacketCount,
      packets,
    });
    this.#feedbackPacketCount = (this.#feedbackPacketCount + 1) & 0xff;
    this.#packetsBuilt++;
    return { buffer, next: ext };
  }
}
