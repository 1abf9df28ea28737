/**
 * A token bucket: `ratePerSecond` tokens flow in continuously up to `burst`;
 * each request takes one. The clock is injected so tests need no sleeping.
 */
export class TokenBucket {
  readonly #rate: number;
  readonly #burst: number;
  readonly #now: () => number;
  #tokens: number;
  #last: number;

  /** `now` returns milliseconds (default Date.now); the bucket starts full. */
  constructor(ratePerSecond: number, burst: number, now: () => number = Date.now) {
    if (!(ratePerSecond > 0) || !(burst >= 1)) throw new TypeError('ratePerSecond must be > 0 and burst >= 1');
    this.#rate = ratePerSecond;
    this.#burst = burst;
    this.#now = now;
    this.#tokens = burst;
    this.#last = now();
  }

  /** Take `n` tokens if there are enough; false (and nothing taken) otherwise. */
  take(n = 1): boolean {
    this.#refill();
    if (this.#tokens < n) return false;
    this.#tokens -= n;
    return true;
  }

  /** Tokens available now (fractional). */
  get available(): number {
    this.#refill();
    return this.#tokens;
  }

  #refill(): void {
    const now = this.#now();
    // A clock that steps back (NTP) must not drain the bucket.
    const elapsed = Math.max(0, now - this.#last);
    this.#last = now;
    this.#tokens = Math.min(this.#burst, this.#tokens + (elapsed * this.#rate) / 1000);
  }
}
