/**
 * Over-use detector with an adaptive threshold (draft-ietf-rmcat-gcc-02 §5.4).
 * https://datatracker.ietf.org/doc/html/draft-ietf-rmcat-gcc-02#section-5.4
 *
 * The trend is compared with a threshold that follows it: it rises slowly
 * while the trend is above it and falls faster below. A fixed threshold
 * either starves against loss-based flows (TCP keeps the queue full, the
 * trend stays high, we would back off forever) or misses congestion on a
 * jittery path; the adaptive one tracks what "normal" looks like. Samples far
 * above the threshold (a spike: a route change, a radio hiccup) do not move it.
 *
 * Over-use is only signalled after the trend has stayed above the threshold
 * for more than 10 ms of send time, across at least two samples, and is not
 * falling, so one late group cannot cut the rate.
 */

export type DelaySignal = 'normal' | 'overusing' | 'underusing';

const INITIAL_THRESHOLD_MS = 12.5;
const MIN_THRESHOLD_MS = 6;
const MAX_THRESHOLD_MS = 600;
/** Threshold gain when the trend is above it (slow rise) and below it (faster fall), per ms. */
const K_UP = 0.0087;
const K_DOWN = 0.039;
const SPIKE_MS = 15;
const MAX_STEP_MS = 100;
const OVERUSE_TIME_MS = 10;

export class OveruseDetector {
  #threshold = INITIAL_THRESHOLD_MS;
  #lastUpdateMs: number | undefined;
  #timeOverUsingMs = -1;
  #overuseCount = 0;
  #previousTrend = 0;
  #signal: DelaySignal = 'normal';

  get signal(): DelaySignal {
    return this.#signal;
  }

  get thresholdMs(): number {
    return this.#threshold;
  }

  /**
   * One trend sample. `sendDeltaMs` is the send spacing of the group that
   * produced it; `atMs` is any monotonic clock (the group's arrival time).
   */
  detect(modifiedTrend: number, sendDeltaMs: number, atMs: number): DelaySignal {
    if (!Number.isFinite(modifiedTrend)) return this.#signal;
    if (modifiedTrend > this.#threshold) {
      // The first sample over counts half its spacing: it crossed somewhere in between.
      if (this.#timeOverUsingMs < 0) this.#timeOverUsingMs = Math.max(0, sendDeltaMs) / 2;
      else this.#timeOverUsingMs += Math.max(0, sendDeltaMs);
      this.#overuseCount++;
      if (this.#timeOverUsingMs > OVERUSE_TIME_MS && this.#overuseCount > 1 && modifiedTrend >= this.#previousTrend) {
        this.#timeOverUsingMs = 0;
        this.#overuseCount = 0;
        this.#signal = 'overusing';
      }
    } else if (modifiedTrend < -this.#threshold) {
      this.#timeOverUsingMs = -1;
      this.#overuseCount = 0;
      this.#signal = 'underusing';
    } else {
      this.#timeOverUsingMs = -1;
      this.#overuseCount = 0;
      this.#signal = 'normal';
    }
    this.#previousTrend = modifiedTrend;
    this.#adaptThreshold(modifiedTrend, atMs);
    return this.#signal;
  }

  reset(): void {
    this.#threshold = INITIAL_THRESHOLD_MS;
    this.#lastUpdateMs = undefined;
    this.#timeOverUsingMs = -1;
    this.#overuseCount = 0;
    this.#previousTrend = 0;
    this.#signal = 'normal';
  }

  #adaptThreshold(trend: number, atMs: number): void {
    const last = this.#lastUpdateMs ?? atMs;
    this.#lastUpdateMs = atMs;
    const magnitude = Math.abs(trend);
    if (magnitude > this.#threshold + SPIKE_MS) return;
    const k = magnitude < this.#threshold ? K_DOWN : K_UP;
    const dt = Math.min(Math.max(0, atMs - last), MAX_STEP_MS);
    // Capped at one full step so a long gap moves the threshold to the trend, never past it.
    const next = this.#threshold + Math.min(1, k * dt) * (magnitude - this.#threshold);
    this.#threshold = Math.min(MAX_THRESHOLD_MS, Math.max(MIN_THRESHOLD_MS, next));
  }
}
