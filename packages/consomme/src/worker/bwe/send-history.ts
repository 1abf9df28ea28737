/**
 * What the send side remembers of each packet it sent with a transport-wide
 * sequence number, so that transport-cc feedback
 * (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1) can be turned
 * into per-packet results: size, send time (our clock), arrival time (the
 * receiver's clock) or lost.
 * https://datatracker.ietf.org/doc/html/draft-holmer-rmcat-transport-wide-cc-extensions-01#section-3.1
 *
 * Memory is a fixed ring of 2^14 slots indexed by the extended sequence
 * number; a slot also forgets a packet sent more than 10 s before the newest
 * one, since feedback that late says nothing about the path now.
 *
 * Each packet is reported at most once as received and at most once as lost,
 * so duplicated or overlapping feedback (receivers repeat statuses after
 * reordering) never counts bytes or losses twice. A packet first reported
 * lost and later received (it was only late) is reported again, as received.
 */
import type { TransportCc } from '../../wire/rtcp/transport-cc.js';
import { extendSeq, SeqUnwrapper } from '../../wire/rtp/seq.js';

export interface PacketResult {
  /** Extended (monotonic) transport-wide sequence number. */
  readonly seq: number;
  readonly sizeBytes: number;
  /** Our clock, ms. */
  readonly sendTimeMs: number;
  /** The receiver's clock, ms (only differences mean anything); undefined when lost. */
  readonly arrivalTimeMs: number | undefined;
  readonly probeClusterId?: number;
}

/** The fields of a transport-cc packet that the send side reads. */
export type TransportCcView = Pick<TransportCc, 'baseSequenceNumber' | 'referenceTime' | 'packets'>;

const SLOTS = 1 << 14;
const MASK = SLOTS - 1;
const MAX_AGE_MS = 10_000;
const REFERENCE_MOD = 1 << 24;
const REFERENCE_HALF = 1 << 23;
const REFERENCE_UNIT_US = 64_000;

const UNREPORTED = 0;
const REPORTED_LOST = 1;
const REPORTED_RECEIVED = 2;

export class SendHistory {
  readonly #unwrapper = new SeqUnwrapper();
  readonly #seq = new Float64Array(SLOTS).fill(-1);
  readonly #size = new Float64Array(SLOTS);
  readonly #sendTime = new Float64Array(SLOTS);
  /** Probe cluster id, 0 for none (ids start at 1). */
  readonly #cluster = new Float64Array(SLOTS);
  readonly #reported = new Uint8Array(SLOTS);
  #newestSendMs = -Infinity;
  /** Last reference time, unwrapped past its 24-bit range. */
  #reference: number | undefined;

  /** Records one sent packet. `transportSeq` is the 16-bit header extension value. */
  onPacketSent(transportSeq: number, sizeBytes: number, sendTimeMs: number, probeClusterId?: number): void {
    if (!Number.isFinite(sizeBytes) || sizeBytes <= 0 || !Number.isFinite(sendTimeMs)) return;
    const ext = this.#unwrapper.unwrap(transportSeq & 0xffff);
    const slot = ext & MASK;
    this.#seq[slot] = ext;
    this.#size[slot] = sizeBytes;
    this.#sendTime[slot] = sendTimeMs;
    this.#cluster[slot] = probeClusterId !== undefined && Number.isInteger(probeClusterId) && probeClusterId > 0 ? probeClusterId : 0;
    this.#reported[slot] = UNREPORTED;
    if (sendTimeMs > this.#newestSendMs) this.#newestSendMs = sendTimeMs;
  }

  /**
   * The packets this feedback newly tells about, in sequence order. Statuses
   * for packets never sent (or forgotten) are ignored.
   */
  onFeedback(feedback: TransportCcView): PacketResult[] {
    const highest = this.#unwrapper.highest;
    if (highest === undefined || !Number.isFinite(feedback.referenceTime)) return [];
    let arrivalUs = this.#unwrapReference(feedback.referenceTime) * REFERENCE_UNIT_US;
    const base = extendSeq(feedback.baseSequenceNumber & 0xffff, highest);
    const out: PacketResult[] = [];
    const packets = feedback.packets;
    for (let i = 0; i < packets.length; i++) {
      const status = packets[i]!;
      // Deltas chain through every received status, known packet or not.
      if (status.received) arrivalUs += Number.isFinite(status.deltaUs) ? status.deltaUs : 0;
      const ext = base + i;
      if (ext > highest) break;
      const slot = ext & MASK;
      if (this.#seq[slot] !== ext || this.#sendTime[slot]! < this.#newestSendMs - MAX_AGE_MS) continue;
      // Out of any clock's range (only a forged reference time gets here): nothing to learn from it.
      if (status.received && !Number.isFinite(arrivalUs)) continue;
      const before = this.#reported[slot]!;
      if (before === REPORTED_RECEIVED || (before === REPORTED_LOST && !status.received)) continue;
      this.#reported[slot] = status.received ? REPORTED_RECEIVED : REPORTED_LOST;
      const cluster = this.#cluster[slot]!;
      const result = {
        seq: ext,
        sizeBytes: this.#size[slot]!,
        sendTimeMs: this.#sendTime[slot]!,
        arrivalTimeMs: status.received ? arrivalUs / 1000 : undefined,
      };
      out.push(cluster > 0 ? { ...result, probeClusterId: cluster } : result);
    }
    return out;
  }

  /** The 24-bit signed reference time made continuous across its wrap (every ~298 h). */
  #unwrapReference(reference: number): number {
    if (this.#reference === undefined) {
      this.#reference = reference;
      return reference;
    }
    let d = (reference - this.#reference) % REFERENCE_MOD;
    if (d < 0) d += REFERENCE_MOD;
    if (d >= REFERENCE_HALF) d -= REFERENCE_MOD;
    this.#reference += d;
    return this.#reference;
  }
}
