/**
 * What the path carried each time the delay-based controller had to back off:
 * a running mean and spread of the acknowledged bitrate at over-use
 * (draft-ietf-rmcat-gcc-02 §5.5, "close to convergence"). Near that mean the
 * rate controller creeps up additively; far from it (or before the first
 * over-use) it grows multiplicatively to find the capacity fast.
 *
 * The spread is kept as a variance normalized by the mean, in kbps, and held
 * in a band so that "near" is a few percent of a high rate and a few kbps of
 * a low one.
 */

const SMOOTHING = 0.05;
const MIN_NORMALIZED_VARIANCE = 0.4;
const MAX_NORMALIZED_VARIANCE = 2.5;
const STD_DEVS = 3;

export class LinkCapacity {
  /** kbps; undefined while unknown. */
  #meanKbps: number | undefined;
  #normalizedVariance = MIN_NORMALIZED_VARIANCE;

  /** Mean, bps; undefined while unknown. */
  get estimate(): number | undefined {
    return this.#meanKbps === undefined ? undefined : this.#meanKbps * 1000;
  }

  /** Upper edge of "near the capacity", bps. */
  get upperBound(): number | undefined {
    return this.#meanKbps === undefined ? undefined : (this.#meanKbps + STD_DEVS * this.#stdKbps()) * 1000;
  }

  /** Lower edge, bps. */
  get lowerBound(): number | undefined {
    return this.#meanKbps === undefined ? undefined : Math.max(0, this.#meanKbps - STD_DEVS * this.#stdKbps()) * 1000;
  }

  /** An acknowledged bitrate measured at over-use. */
  onOveruse(ackedBps: number): void {
    const sample = ackedBps / 1000;
    if (!Number.isFinite(sample) || sample <= 0) return;
    // Far below what we knew: the path changed, the old mean would only slow the recovery.
    const lower = this.lowerBound;
    if (lower !== undefined && ackedBps < lower) this.reset();
    const mean = this.#meanKbps;
    if (mean === undefined) {
      this.#meanKbps = sample;
      return;
    }
    const next = (1 - SMOOTHING) * mean + SMOOTHING * sample;
    const variance = (1 - SMOOTHING) * this.#normalizedVariance + (SMOOTHING * (next - sample) ** 2) / Math.max(next, 1);
    this.#meanKbps = next;
    this.#normalizedVariance = Math.min(MAX_NORMALIZED_VARIANCE, Math.max(MIN_NORMALIZED_VARIANCE, variance));
  }

  /** Forget: the next increase is multiplicative again. */
  reset(): void {
    this.#meanKbps = undefined;
    this.#normalizedVariance = MIN_NORMALIZED_VARIANCE;
  }

  #stdKbps(): number {
    return Math.sqrt(this.#normalizedVariance * (this.#meanKbps ?? 0));
  }
}
