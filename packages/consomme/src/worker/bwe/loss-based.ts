/**
 * The loss-based half of Google Congestion Control
 * (draft-ietf-rmcat-gcc-02 §6), from the fraction of packets lost over a
 * feedback interval:
 * - under 2 %: the path is fine, the estimate may grow (8 % per second, from
 *   the lowest value of the last second so a probe's lift does not compound);
 * - 2 % to 10 %: hold; some loss is normal on wireless paths and a drop-tail
 *   queue that the delay-based half keeps short;
 * - over 10 %: cut to (1 - loss / 2) of the estimate, at most once per
 *   300 ms + RTT so that one loss episode, reported by several feedbacks, is
 *   paid for once.
 * It never goes above the delay-based estimate: it only says when loss is a
 * reason to be lower.
 * https://datatracker.ietf.org/doc/html/draft-ietf-rmcat-gcc-02#section-6
 *
 * A fraction computed on very few packets is noise (one loss in three is
 * 33 %), so losses accumulate over feedbacks until 20 packets are counted, or
 * 10 over a second at low rates.
 */
import type { PacketResult } from './send-history.js';

export type LossDecision = 'increase' | 'hold' | 'decrease';

const LOW_LOSS = 0.02;
const HIGH_LOSS = 0.1;
const INCREASE_FACTOR = 1.08;
const INCREASE_BPS = 1000;
const HISTORY_MS = 1000;
const DECREASE_INTERVAL_MS = 300;
const MIN_PACKETS = 20;
const MIN_PACKETS_SLOW = 10;
const SLOW_INTERVAL_MS = 1000;

/** The rule of §6 for one loss fraction. */
export function lossDecision(lossFraction: number): LossDecision {
  if (lossFraction < LOW_LOSS) return 'increase';
  if (lossFraction <= HIGH_LOSS) return 'hold';
  return 'decrease';
}

export class LossBasedBwe {
  #bps: number;
  #expected = 0;
  #lost = 0;
  #lossFraction = 0;
  #lastEvaluationMs: number | undefined;
  #lastDecreaseMs: number | undefined;
  /** (time, estimate) over the last second, for the increase base. */
  #history: { t: number; bps: number }[] = [];

  constructor(initialBps: number) {
    this.#bps = initialBps;
  }

  get estimate(): number {
    return this.#bps;
  }

  /** The last evaluated loss fraction, 0..1. */
  get lossFraction(): number {
    return this.#lossFraction;
  }

  /** Overrides the estimate (a probe's lift, a bound); the increase starts from it. */
  setEstimate(bps: number): void {
    if (!Number.isFinite(bps) || bps <= 0) return;
    this.#bps = bps;
    this.#history = [];
  }

  /** One feedback's results; `capBps` is the delay-based estimate. Returns the new estimate. */
  onFeedback(results: readonly PacketResult[], nowMs: number, rttMs: number, capBps: number): number {
    for (const r of results) {
      this.#expected++;
      if (r.arrivalTimeMs === undefined) this.#lost++;
    }
    this.#lastEvaluationMs ??= nowMs;
    const elapsed = nowMs - this.#lastEvaluationMs;
    const fresh = this.#expected >= MIN_PACKETS || (this.#expected >= MIN_PACKETS_SLOW && elapsed >= SLOW_INTERVAL_MS);
    if (fresh) {
      this.#lossFraction = this.#lost / this.#expected;
      this.#expected = 0;
      this.#lost = 0;
      this.#lastEvaluationMs = nowMs;
    }
    const decision = lossDecision(this.#lossFraction);
    if (decision === 'increase') {
      const base = this.#historyMin(nowMs);
      this.#bps = Math.max(this.#bps, base * INCREASE_FACTOR + INCREASE_BPS);
    } else if (decision === 'decrease' && fresh) {
      const last = this.#lastDecreaseMs;
      if (last === undefined || nowMs - last >= DECREASE_INTERVAL_MS + Math.max(0, rttMs)) {
        this.#bps *= 1 - 0.5 * this.#lossFraction;
        this.#lastDecreaseMs = nowMs;
      }
    }
    if (Number.isFinite(capBps)) this.#bps = Math.min(this.#bps, capBps);
    this.#remember(nowMs);
    return this.#bps;
  }

  #historyMin(nowMs: number): number {
    this.#remember(nowMs);
    let min = this.#bps;
    for (const h of this.#history) if (h.bps < min) min = h.bps;
    return min;
  }

  #remember(nowMs: number): void {
    const h = this.#history;
    while (h.length > 0 && (h[0]!.t < nowMs - HISTORY_MS || h[0]!.t > nowMs)) h.shift();
    // Keep the minimum valid by dropping newer entries that are not lower than the current value.
    while (h.length > 0 && h[h.length - 1]!.bps >= this.#bps) h.pop();
    h.push({ t: nowMs, bps: this.#bps });
  }
}
