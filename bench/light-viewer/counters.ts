/**
 * What a light viewer counts: per SSRC the packets and bytes received and the highest
 * extended sequence number (losses are the gaps), and one histogram of forwarding delay.
 * Windows are taken by snapshot and difference, so counting itself never resets.
 */
import { SeqUnwrapper } from '../../packages/consomme/src/wire/rtp/index.js';

export class SsrcCounter {
  packets = 0;
  bytes = 0;
  readonly #seq = new SeqUnwrapper();
  /** Extended sequence number of the first packet seen. */
  first = -1;
  /**
   * Interarrival jitter in RTP timestamp units (RFC 3550 §6.4.1 and A.8), kept as a float;
   * stays 0 while `clockRate` is unknown (0).
   */
  jitter = 0;
  /** The stream's RTP clock rate in Hz, from the negotiated payload type; 0 when unknown. */
  clockRate = 0;
  #lastTs = -1;
  #lastArrivalMs = 0;

  add(seq: number, length: number): void {
    const ext = this.#seq.unwrap(seq);
    if (this.first < 0) this.first = ext;
    this.packets++;
    this.bytes += length;
  }

  /**
   * Updates the jitter with one packet's RTP timestamp and arrival time (ms, any monotonic
   * origin). The transit difference is taken from deltas, so the 32-bit timestamp wrap and
   * the unrelated clock origins cancel out.
   */
  arrival(rtpTimestamp: number, arrivalMs: number): void {
    if (this.clockRate === 0) return;
    if (this.#lastTs >= 0) {
      const dTs = (rtpTimestamp - this.#lastTs) | 0; // signed 32-bit difference
      const d = ((arrivalMs - this.#lastArrivalMs) * this.clockRate) / 1000 - dTs;
      this.jitter += (Math.abs(d) - this.jitter) / 16;
    }
    this.#lastTs = rtpTimestamp;
    this.#lastArrivalMs = arrivalMs;
  }

  get highest(): number {
    return this.#seq.highest ?? -1;
  }

  snapshot(): SsrcSnapshot {
    return { packets: this.packets, bytes: this.bytes, highest: this.highest, first: this.first };
  }
}

export interface SsrcSnapshot {
  packets: number;
  bytes: number;
  highest: number;
  first: number;
}

/** Packets received and lost between two snapshots (`before` undefined: since the first packet). */
export function windowOf(before: SsrcSnapshot | undefined, after: SsrcSnapshot): { packets: number; bytes: number; lost: number } {
  const packets = after.packets - (before?.packets ?? 0);
  const bytes = after.bytes - (before?.bytes ?? 0);
  const expected = before && before.highest >= 0 ? after.highest - before.highest : after.highest - after.first + 1;
  return { packets, bytes, lost: Math.max(0, expected - packets) };
}

const BUCKET_US = 10;
const BUCKETS = 20_000; // 10 µs steps up to 200 ms; later ones go into the last bucket

/** Delays in 10 µs buckets: cheap to add to per packet and to merge across viewers. */
export class DelayHistogram {
  readonly counts = new Uint32Array(BUCKETS);
  total = 0;
  /** Samples below zero (clock trouble) are counted apart and left out. */
  negative = 0;

  addNs(ns: bigint): void {
    if (ns < 0n) {
      this.negative++;
      return;
    }
    const bucket = Math.min(BUCKETS - 1, Math.floor(Number(ns) / 1000 / BUCKET_US));
    this.counts[bucket]!++;
    this.total++;
  }

  reset(): void {
    this.counts.fill(0);
    this.total = 0;
    this.negative = 0;
  }

  merge(other: DelayHistogram): void {
    for (let i = 0; i < BUCKETS; i++) this.counts[i]! += other.counts[i]!;
    this.total += other.total;
    this.negative += other.negative;
  }

  /** The q-quantile (0..1) in ms, at the middle of its bucket; NaN when empty. */
  quantileMs(q: number): number {
    if (this.total === 0) return NaN;
    const rank = Math.max(1, Math.ceil(q * this.total));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return ((i + 0.5) * BUCKET_US) / 1000;
    }
    return (BUCKETS * BUCKET_US) / 1000;
  }
}
