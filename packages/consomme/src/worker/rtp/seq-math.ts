/**
 * Wraparound arithmetic for RTP's 16-bit sequence numbers and 32-bit
 * timestamps (RFC 3550 §5.1, https://www.rfc-editor.org/rfc/rfc3550#section-5.1).
 *
 * Everything stateful in worker/rtp works on *extended* sequence numbers:
 * plain JS integers that keep counting past 65535 (the cycle count lives in
 * the high bits, as in RFC 3550 §6.4.1). Doubles hold them exactly for far
 * longer than any stream lives, and `n & 0xffff` folds them back to the wire
 * value for any integer up to 2^53 because 2^32 is a multiple of 2^16.
 *
 * This is the only place in worker/rtp that knows the modulus; the lead may
 * later merge it with wire/rtp/seq.ts.
 */

export const SEQ_MODULO = 0x10000;
const SEQ_HALF = 0x8000;
const TS_MODULO = 0x1_0000_0000;
const TS_HALF = 0x8000_0000;

/** Folds any integer (extended or negative) to a 16-bit wire sequence number. */
export function toSeq16(n: number): number {
  return n & 0xffff;
}

/**
 * Signed distance `a - b` on the 16-bit circle, in [-32768, 32767].
 * Exactly half the circle away counts as "behind", which keeps the relation
 * antisymmetric except at that single point.
 */
export function seqDiff(a: number, b: number): number {
  const d = (a - b) & 0xffff;
  return d >= SEQ_HALF ? d - SEQ_MODULO : d;
}

/** True when `a` comes after `b` on the 16-bit circle. */
export function isSeqNewer(a: number, b: number): boolean {
  return seqDiff(a, b) > 0;
}

/** `seq + n` on the 16-bit circle (n may be negative). */
export function seqAdd(seq: number, n: number): number {
  return (seq + n) & 0xffff;
}

/**
 * Extended value of the 16-bit `seq` closest to the extended `reference`.
 * Stateless so that every class picks its own reference (highest seen,
 * last output, …) and none of them drifts when packets arrive out of order.
 */
export function extendSeq(seq: number, reference: number): number {
  return reference + seqDiff(seq, reference & 0xffff);
}

/**
 * Turns 16-bit sequence numbers into extended ones, anchored on the highest
 * value seen so that reordered and duplicate packets never move the anchor.
 */
export class SeqUnwrapper {
  #highest = 0;
  #started = false;

  /** Extended value of `seq`; raises the anchor when `seq` is the newest yet. */
  unwrap(seq: number): number {
    if (!this.#started) {
      this.#started = true;
      this.#highest = seq & 0xffff;
      return this.#highest;
    }
    const ext = extendSeq(seq, this.#highest);
    if (ext > this.#highest) this.#highest = ext;
    return ext;
  }

  /** Extended value of `seq` without moving the anchor (undefined before the first unwrap). */
  peek(seq: number): number | undefined {
    return this.#started ? extendSeq(seq, this.#highest) : undefined;
  }

  /** Highest extended value seen, or undefined before the first packet. */
  get highest(): number | undefined {
    return this.#started ? this.#highest : undefined;
  }

  /** Forgets the anchor: the next unwrap starts a new stream. */
  reset(): void {
    this.#started = false;
    this.#highest = 0;
  }
}

/** Folds any integer to a 32-bit wire timestamp. */
export function toTs32(n: number): number {
  return ((n % TS_MODULO) + TS_MODULO) % TS_MODULO;
}

/** Signed distance `a - b` between two 32-bit RTP timestamps. */
export function tsDiff(a: number, b: number): number {
  const d = toTs32(a - b);
  return d >= TS_HALF ? d - TS_MODULO : d;
}

/** True when timestamp `a` comes after `b` on the 32-bit circle. */
export function isTsNewer(a: number, b: number): boolean {
  return tsDiff(a, b) > 0;
}

/** `ts + n` on the 32-bit circle (n may be negative or fractional; it is rounded). */
export function tsAdd(ts: number, n: number): number {
  return toTs32(ts + Math.round(n));
}
