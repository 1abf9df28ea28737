/**
 * Trend of the one-way queuing delay, from group delay variations.
 *
 * draft-ietf-rmcat-gcc-02 §5.3 estimates the queue's growth with a Kalman
 * filter; deployed GCC replaced it with a least-squares slope, which reacts
 * as fast and has fewer knobs, and that is what this does:
 * - accumulate the delay variations (the queue delay relative to the first
 *   group, up to an unknown constant);
 * - smooth that with an exponential filter (one group's jitter must not look
 *   like a trend);
 * - fit a line to the last `windowSize` (arrival time, smoothed delay) points;
 *   its slope is how many ms of queue build up per ms: 0 on a free path,
 *   (send rate / capacity - 1) on a saturated one.
 * The slope is scaled by the number of samples seen (capped at 60) and a gain,
 * so that the detector's threshold is in ms, as in §5.4, and a young filter
 * does not trigger on few samples.
 * https://datatracker.ietf.org/doc/html/draft-ietf-rmcat-gcc-02#section-5.3
 */
import type { GroupDelta } from './inter-arrival.js';

export interface TrendlineOptions {
  /** Points in the regression. Default 20. */
  readonly windowSize?: number;
  /** Weight of the previous smoothed value, 0..1. Default 0.9. */
  readonly smoothing?: number;
  /** Scale from slope to the detector's ms. Default 4. */
  readonly gain?: number;
}

const MAX_SAMPLES_SCALE = 60;

export interface TrendSample {
  /** The slope scaled for the detector, ms. */
  readonly modifiedTrend: number;
  /** The raw slope, ms/ms. */
  readonly slope: number;
}

export class Trendline {
  readonly #windowSize: number;
  readonly #smoothing: number;
  readonly #gain: number;
  #xs: number[] = [];
  #ys: number[] = [];
  #firstArrivalMs: number | undefined;
  #accumulated = 0;
  #smoothed = 0;
  #samples = 0;
  #slope = 0;

  constructor(options: TrendlineOptions = {}) {
    this.#windowSize = Math.max(2, options.windowSize ?? 20);
    this.#smoothing = options.smoothing ?? 0.9;
    this.#gain = options.gain ?? 4;
  }

  /** Adds one group delta. Returns the trend once the window is full, else undefined. */
  update(delta: GroupDelta): TrendSample | undefined {
    const variation = delta.arrivalDeltaMs - delta.sendDeltaMs;
    if (!Number.isFinite(variation)) return undefined;
    this.#firstArrivalMs ??= delta.arrivalTimeMs;
    this.#samples++;
    this.#accumulated += variation;
    this.#smoothed = this.#smoothing * this.#smoothed + (1 - this.#smoothing) * this.#accumulated;
    this.#xs.push(delta.arrivalTimeMs - this.#firstArrivalMs);
    this.#ys.push(this.#smoothed);
    if (this.#xs.length > this.#windowSize) {
      this.#xs.shift();
      this.#ys.shift();
    }
    if (this.#xs.length < this.#windowSize) return undefined;
    const slope = linearSlope(this.#xs, this.#ys);
    // A degenerate window (all points at one arrival time) keeps the last slope.
    if (slope !== undefined) this.#slope = slope;
    const scale = Math.min(this.#samples, MAX_SAMPLES_SCALE) * this.#gain;
    return { modifiedTrend: this.#slope * scale, slope: this.#slope };
  }

  reset(): void {
    this.#xs = [];
    this.#ys = [];
    this.#firstArrivalMs = undefined;
    this.#accumulated = 0;
    this.#smoothed = 0;
    this.#samples = 0;
    this.#slope = 0;
  }
}

/** Least-squares slope of y over x; undefined when x does not vary. */
export function linearSlope(xs: readonly number[], ys: readonly number[]): number | undefined {
  const n = xs.length;
  if (n < 2) return undefined;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    sx += xs[i]!;
    sy += ys[i]!;
  }
  const mx = sx / n;
  const my = sy / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i]! - mx;
    num += dx * (ys[i]! - my);
    den += dx * dx;
  }
  if (den === 0 || !Number.isFinite(num / den)) return undefined;
  return num / den;
}
