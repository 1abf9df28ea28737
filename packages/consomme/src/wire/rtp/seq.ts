/**
 * Wraparound arithmetic for RTP sequence numbers (16 bits) and timestamps
 * (32 bits), RFC 3550 §5.1 and Appendix A.1.
 * https://www.rfc-editor.org/rfc/rfc3550#appendix-A.1
 *
 * Every comparison of sequence numbers or timestamps in the project goes
 * through this file, so that the half-range rule is decided in one place.
 *
 *   0 ............ b ............ b+2^15 ............ 2^16-1
 *                  |<-- newer than b -->|<-- older (wraps) -->
 *
 * At exactly half the range the two values are ambiguous; the tie is broken
 * by the raw value so that `isSeqNewer(a, b) !== isSeqNewer(b, a)` whenever
 * `a !== b`.
 */

const SEQ_MOD = 0x1_0000;
const SEQ_HALF = 0x8000;
const TS_MOD = 0x1_0000_0000;
const TS_HALF = 0x8000_0000;

/** True when sequence number `a` comes after `b` (modulo 2^16). */
export function isSeqNewer(a: number, b: number): boolean {
  const d = (a - b) & 0xffff;
  if (d === SEQ_HALF) return a > b;
  return d !== 0 && d < SEQ_HALF;
}

/** The shortest signed distance `a - b` between sequence numbers, in [-2^15, 2^15). */
export function seqDiff(a: number, b: number): number {
  return ((a - b + SEQ_HALF) & 0xffff) - SEQ_HALF;
}

/** Sequence number `seq + n` wrapped to 16 bits (n may be negative). */
export function seqAdd(seq: number, n: number): number {
  return (seq + n) & 0xffff;
}

/** True when RTP timestamp `a` comes after `b` (modulo 2^32). */
export function isTimestampNewer(a: number, b: number): boolean {
  const d = (a - b) >>> 0;
  if (d === TS_HALF) return a >>> 0 > b >>> 0;
  return d !== 0 && d < TS_HALF;
}

/** The shortest signed distance `a - b` between timestamps, in [-2^31, 2^31). */
export function timestampDiff(a: number, b: number): number {
  return (a - b) | 0;
}

/** Timestamp `ts + n` wrapped to 32 bits. */
export function timestampAdd(ts: number, n: number): number {
  // Rounded: callers add durations converted to clock ticks, which are fractional.
  return (ts + Math.round(n)) >>> 0;
}

/** Folds any integer to a 16-bit sequence number. */
export function toSeq16(n: number): number {
  return ((n % 0x10000) + 0x10000) % 0x10000;
}

/** Folds any integer to a 32-bit RTP timestamp. */
export function toTs32(n: number): number {
  return ((n % 0x1_0000_0000) + 0x1_0000_0000) % 0x1_0000_0000;
}

/**
 * Extended value of the 16-bit `seq` closest to the extended `reference`.
 * Stateless, so that each user picks its own reference (highest seen, last
 * output…) and none of them drifts when packets arrive out of order.
 */
export function extendSeq(seq: number, reference: number): number {
  return reference + seqDiff(seq, reference & 0xffff);
}

/**
 * Extends wrapping counters into monotonic ones. The reference point is the
 * highest value seen so far (not the last one), so that a late packet does
 * not move the window and a burst of reordering cannot flip later values into
 * the wrong cycle.
 *
 * The first value is placed in cycle 1 (value + modulus), which keeps
 * packets reordered from before the first one non-negative.
 */
class Unwrapper {
  readonly #mod: number;
  readonly #half: number;
  #highest = -1;

  protected constructor(mod: number, half: number) {
    this.#mod = mod;
    this.#half = half;
  }

  /** The extended value of `value`, without changing the state. */
  peek(value: number): number {
    const mod = this.#mod;
    if (this.#highest < 0) return mod + value;
    const h = this.#highest;
    let d = (value - (h % mod)) % mod;
    if (d < 0) d += mod;
    if (d > this.#half || (d === this.#half && value < h % mod)) d -= mod;
    return h + d;
  }

  /** The extended value of `value`; moves the reference point when it is the newest. */
  unwrap(value: number): number {
    const ext = this.peek(value);
    if (ext > this.#highest) this.#highest = ext;
    return ext;
  }

  /** The highest extended value returned so far, or undefined before the first. */
  get highest(): number | undefined {
    return this.#highest < 0 ? undefined : this.#highest;
  }

  reset(): void {
    this.#highest = -1;
  }
}

/** Extends 16-bit RTP sequence numbers; the first one maps to `2^16 + seq`. */
export class SeqUnwrapper extends Unwrapper {
  constructor() {
    super(SEQ_MOD, SEQ_HALF);
  }
}

/** Extends 32-bit RTP timestamps; the first one maps to `2^32 + ts`. */
export class TimestampUnwrapper extends Unwrapper {
  constructor() {
    super(TS_MOD, TS_HALF);
  }
}
