/**
 * Receive statistics of one incoming RTP stream (producer side):
 * sequence tracking (RFC 3550 Appendix A.1), loss (A.3), interarrival
 * jitter (A.8), and what an RR report block needs (§6.4.2,
 * https://www.rfc-editor.org/rfc/rfc3550#section-6.4.2):
 *
 *   +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 *   |                 SSRC_1 (SSRC of first source)                 |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   | fraction lost |       cumulative number of packets lost       |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |           extended highest sequence number received           |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                      interarrival jitter                      |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                         last SR (LSR)                         |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                   delay since last SR (DLSR)                  |
 *   +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 *
 * Unlike the letter of A.3, duplicates are detected (over a window of
 * recent sequence numbers) and not counted as received, so the loss count
 * cannot go negative just because the sender retransmitted.
 */
import { msToCompactNtp, ntpMiddle32 } from './ntp.js';
import { RateCalculator } from './rate-calculator.js';
import { timestampDiff } from '../../wire/rtp/seq.js';
import { ScoreHistory, scoreSample } from './stream-score.js';

export interface RtpStreamRecvStatsOptions {
  /** SSRC put in report blocks. Default 0 (set it when known). */
  readonly ssrc?: number;
  readonly clockRate: number;
  /** A forward jump at least this big is a suspected restart (A.1 MAX_DROPOUT). Default 3000. */
  readonly maxDropout?: number;
  /** Late packets up to this far behind are placed; duplicates are detected within it. Default 1024 (power of two). */
  readonly maxMisorder?: number;
}

/**
 * 'new': newest packet so far. 'reordered': late, first copy. 'duplicate':
 * seen before. 'too-old': further behind than the reorder window. 'bad-seq':
 * a big jump ahead. Both of the last two are held uncounted until the next
 * packet follows on and confirms that the sender restarted its sequence
 * (A.1); the packet that confirms it reports 'new'.
 */
export type RecvPacketVerdict = 'new' | 'reordered' | 'duplicate' | 'too-old' | 'bad-seq';

/** The plain fields of an RR report block. */
export interface ReceiverReportBlock {
  readonly ssrc: number;
  /** Fraction lost since the previous block, in 1/256 units (0..255). */
  readonly fractionLost: number;
  /** Cumulative lost, clamped to the 24-bit signed field. */
  readonly totalLost: number;
  /** Extended highest sequence number received, 32-bit. */
  readonly highestSeq: number;
  /** Interarrival jitter in timestamp units, 32-bit. */
  readonly jitter: number;
  /** Middle 32 bits of the last SR's NTP time, or 0. */
  readonly lsr: number;
  /** Delay since that SR, in 1/65536 s, or 0. */
  readonly dlsr: number;
}

export interface LastSenderReport {
  readonly ntpSeconds: number;
  readonly ntpFraction: number;
  readonly rtpTimestamp: number;
  readonly arrivalMs: number;
}

export class RtpStreamRecvStats {
  readonly ssrc: number;
  readonly clockRate: number;
  readonly #maxDropout: number;
  readonly #window: number;
  // seen[ext & mask] === ext ⇔ ext already counted: duplicate detection without allocation.
  readonly #seen: Float64Array;

  #started = false;
  #base = 0;
  #highest = 0;
  #badSeq = -1;
  // Span of sequence numbers before a confirmed restart (A.1 re-init).
  #expectedCarry = 0;

  #packetsReceived = 0;
  #bytesReceived = 0;
  #uniqueReceived = 0;
  #packetsDuplicated = 0;
  #packetsRetransmitted = 0;
  #packetsRepaired = 0;

  #jitter = 0;
  #hasTransit = false;
  #lastArrivalMs = 0;
  #lastTimestamp = 0;

  #rrExpectedPrior = 0;
  #rrReceivedPrior = 0;
  #scoreExpectedPrior = 0;
  #scoreReceivedPrior = 0;
  #scoreRepairedPrior = 0;
  readonly #score = new ScoreHistory(0);

  readonly #rate = new RateCalculator();
  #lastFractionLost = 0;
  #lastSr: LastSenderReport | undefined = undefined;
  #lastSrMiddle = 0;

  constructor(options: RtpStreamRecvStatsOptions) {
    this.ssrc = (options.ssrc ?? 0) >>> 0;
    this.clockRate = options.clockRate;
    this.#maxDropout = options.maxDropout ?? 3000;
    let window = 1;
    while (window < (options.maxMisorder ?? 1024)) window *= 2;
    this.#window = window;
    this.#seen = new Float64Array(window).fill(Number.NaN);
  }

  get packetsReceived(): number { return this.#packetsReceived; }
  get bytesReceived(): number { return this.#bytesReceived; }
  get packetsDuplicated(): number { return this.#packetsDuplicated; }
  /** Packets the caller flagged as retransmissions (RTX or same-SSRC resends). */
  get packetsRetransmitted(): number { return this.#packetsRetransmitted; }
  /** Retransmissions that filled a hole (the first copy to arrive). */
  get packetsRepaired(): number { return this.#packetsRepaired; }
  /** Extended highest sequence number (undefined before the first packet). */
  get highestSeq(): number | undefined { return this.#started ? this.#highest : undefined; }
  get expected(): number { return this.#started ? this.#expectedCarry + this.#highest - this.#base + 1 : 0; }
  get cumulativeLost(): number { return this.expected - this.#uniqueReceived; }
  /** Interarrival jitter in timestamp units. */
  get jitter(): number { return this.#jitter; }
  get jitterMs(): number { return (this.#jitter * 1000) / this.clockRate; }
  get score(): number { return this.#score.score; }
  /** Fraction lost (0..255) put in the last report block. */
  get fractionLost(): number { return this.#lastFractionLost; }
  /** Received bits per second over the last second (duplicates included). */
  bitrate(nowMs: number): number { return this.#rate.bitrate(nowMs); }
  get lastSenderReport(): LastSenderReport | undefined { return this.#lastSr; }

  /** Accounts one received packet; `isRetransmission` for RTX-decoded or resent packets. */
  onPacket(seq: number, rtpTimestamp: number, sizeBytes: number, arrivalMs: number, isRetransmission = false): RecvPacketVerdict {
    this.#packetsReceived++;
    this.#bytesReceived += sizeBytes;
    this.#rate.update(sizeBytes, arrivalMs);
    if (isRetransmission) this.#packetsRetransmitted++;
    seq &= 0xffff;

    if (!this.#started) {
      this.#started = true;
      this.#base = seq;
      this.#highest = seq;
      this.#markNew(seq, isRetransmission, false);
      this.#updateJitter(rtpTimestamp, arrivalMs, isRetransmission);
      return 'new';
    }

    const udelta = (seq - this.#highest) & 0xffff;
    if (udelta !== 0 && udelta < this.#maxDropout) {
      const ext = this.#highest + udelta;
      this.#highest = ext;
      this.#badSeq = -1;
      this.#markNew(ext, isRetransmission, false);
      this.#updateJitter(rtpTimestamp, arrivalMs, isRetransmission);
      return 'new';
    }
    const behind = (0x10000 - udelta) & 0xffff;
    if (behind < this.#window) {
      const ext = this.#highest - behind;
      if (this.#seen[ext & (this.#window - 1)] === ext) {
        this.#packetsDuplicated++;
        return 'duplicate';
      }
      // Late packets from before the first one widen the expected range.
      if (ext < this.#base) this.#base = ext;
      this.#markNew(ext, isRetransmission, true);
      return 'reordered';
    }
    if (seq !== this.#badSeq) {
      // Held, not counted: a stray packet unless the next one follows it.
      this.#badSeq = (seq + 1) & 0xffff;
      return udelta >= 0x8000 ? 'too-old' : 'bad-seq';
    }
    // Two sequential packets after a big jump: the sender restarted (A.1).
    // The held packet counts too, so the new range starts one before.
    this.#expectedCarry += this.#highest - this.#base + 1;
    const ext = this.#highest + udelta;
    this.#base = ext - 1;
    this.#highest = ext;
    this.#badSeq = -1;
    this.#seen.fill(Number.NaN);
    this.#hasTransit = false;
    this.#markNew(ext - 1, false, false);
    this.#markNew(ext, isRetransmission, false);
    this.#updateJitter(rtpTimestamp, arrivalMs, isRetransmission);
    return 'new';
  }

  /** Records a received SR for this SSRC (its LSR/DLSR go into our next RR). */
  onSenderReport(ntpSeconds: number, ntpFraction: number, rtpTimestamp: number, arrivalMs: number): void {
    this.#lastSr = { ntpSeconds, ntpFraction, rtpTimestamp, arrivalMs };
    this.#lastSrMiddle = ntpMiddle32(ntpSeconds, ntpFraction);
  }

  /**
   * The report block for an RR/SR sent at `nowMs`; starts a new "fraction
   * lost" interval. Undefined before the first packet (RFC 3550 §6.4: no
   * block for a source we have not heard).
   */
  buildReportBlock(nowMs: number): ReceiverReportBlock | undefined {
    if (!this.#started) return undefined;
    const expected = this.expected;
    const expectedInterval = expected - this.#rrExpectedPrior;
    const receivedInterval = this.#uniqueReceived - this.#rrReceivedPrior;
    this.#rrExpectedPrior = expected;
    this.#rrReceivedPrior = this.#uniqueReceived;
    const lostInterval = expectedInterval - receivedInterval;
    const fractionLost = expectedInterval <= 0 || lostInterval <= 0 ? 0 : Math.min(255, Math.floor((lostInterval * 256) / expectedInterval));
    this.#lastFractionLost = fractionLost;
    const totalLost = Math.max(-0x800000, Math.min(0x7fffff, this.cumulativeLost));
    const sr = this.#lastSr;
    return {
      ssrc: this.ssrc,
      fractionLost,
      totalLost,
      highestSeq: this.#highest % 0x1_0000_0000,
      jitter: Math.min(0xffffffff, Math.floor(this.#jitter)),
      lsr: sr === undefined ? 0 : this.#lastSrMiddle,
      dlsr: sr === undefined ? 0 : msToCompactNtp(nowMs - sr.arrivalMs),
    };
  }

  /**
   * Closes a score interval (call it on a steady timer, e.g. every 2 s,
   * independent of RR timing) and returns the updated 0..10 score. An
   * interval without packets scores 0: the stream is inactive.
   */
  updateScore(): number {
    const expected = this.expected;
    const expectedInterval = expected - this.#scoreExpectedPrior;
    const receivedInterval = this.#uniqueReceived - this.#scoreReceivedPrior;
    const repairedInterval = this.#packetsRepaired - this.#scoreRepairedPrior;
    this.#scoreExpectedPrior = expected;
    this.#scoreReceivedPrior = this.#uniqueReceived;
    this.#scoreRepairedPrior = this.#packetsRepaired;
    return this.#score.push(
      scoreSample({
        expected: receivedInterval > 0 ? Math.max(expectedInterval, receivedInterval) : 0,
        lost: expectedInterval - receivedInterval,
        repaired: repairedInterval,
        jitterMs: this.jitterMs,
      }),
    );
  }

  #markNew(ext: number, isRetransmission: boolean, late: boolean): void {
    this.#seen[ext & (this.#window - 1)] = ext;
    this.#uniqueReceived++;
    if (isRetransmission && late) this.#packetsRepaired++;
  }

  // A.8, with arrival converted to timestamp units through the clock rate.
  // Only in-order originals count: a retransmission's arrival says nothing
  // about network jitter, and packets of one frame share a timestamp but
  // leave the sender's pacer at different times.
  #updateJitter(rtpTimestamp: number, arrivalMs: number, isRetransmission: boolean): void {
    if (isRetransmission) return;
    if (this.#hasTransit && rtpTimestamp === this.#lastTimestamp) return;
    if (this.#hasTransit) {
      const arrivalDelta = ((arrivalMs - this.#lastArrivalMs) * this.clockRate) / 1000;
      const d = Math.abs(arrivalDelta - timestampDiff(rtpTimestamp, this.#lastTimestamp));
      this.#jitter += (d - this.#jitter) / 16;
    }
    this.#hasTransit = true;
    this.#lastArrivalMs = arrivalMs;
    this.#lastTimestamp = rtpTimestamp;
  }
}
