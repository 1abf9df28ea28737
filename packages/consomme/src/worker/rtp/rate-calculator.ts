/**
 * Bitrate over a sliding window (for the `bitrate` field of mediasoup-style
 * stats). Bytes land in fixed time buckets so per-packet work is one add
 * and no allocation; old buckets are zeroed lazily as time moves on.
 */

export interface RateCalculatorOptions {
  /** Window length. Default 1000 ms. */
  readonly windowMs?: number;
  /** Bucket count (resolution = windowMs / buckets). Default 10. */
  readonly buckets?: number;
}

export class RateCalculator {
  readonly #bucketMs: number;
  readonly #bytes: Float64Array;
  readonly #windowMs: number;
  // Index (in bucket units since time 0) of the newest bucket written.
  #newest = -Infinity;
  #total = 0;

  constructor(options: RateCalculatorOptions = {}) {
    const buckets = Math.max(1, Math.floor(options.buckets ?? 10));
    this.#windowMs = options.windowMs ?? 1000;
    this.#bucketMs = this.#windowMs / buckets;
    this.#bytes = new Float64Array(buckets);
  }

  /** Accounts `bytes` sent or received at `nowMs` (time must not go backwards much). */
  update(bytes: number, nowMs: number): void {
    const index = this.#advance(nowMs);
    const n = this.#bytes.length;
    const slot = ((index % n) + n) % n;
    this.#bytes[slot] = (this.#bytes[slot] as number) + bytes;
    this.#total += bytes;
  }

  /** Bits per second over the window ending at `nowMs`. */
  bitrate(nowMs: number): number {
    this.#advance(nowMs);
    return Math.round((this.#total * 8 * 1000) / this.#windowMs);
  }

  // Moves the window so that the bucket of `nowMs` is the newest; returns its index.
  #advance(nowMs: number): number {
    const index = Math.floor(nowMs / this.#bucketMs);
    if (index <= this.#newest) return Math.max(index, this.#newest - this.#bytes.length + 1);
    const n = this.#bytes.length;
    if (index - this.#newest >= n) {
      this.#bytes.fill(0);
      this.#total = 0;
    } else {
      for (let i = this.#newest + 1; i <= index; i++) {
        const slot = ((i % n) + n) % n;
        this.#total -= this.#bytes[slot] as number;
        this.#bytes[slot] = 0;
      }
    }
    this.#newest = index;
    return index;
  }
}
