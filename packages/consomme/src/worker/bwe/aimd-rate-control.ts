/**
 * Rate control of the delay-based estimator (draft-ietf-rmcat-gcc-02 §5.5):
 * a three-state machine driven by the over-use detector.
 * https://datatracker.ietf.org/doc/html/draft-ietf-rmcat-gcc-02#section-5.5
 *
 *   signal \ state   hold       increase   decrease
 *   overusing        decrease   decrease   decrease
 *   normal           increase   increase   increase
 *   underusing       hold       hold       hold
 *
 * - Increase: multiplicative (8 % per second) while the link capacity is
 *   unknown or the path has shown it can carry more than we thought;
 *   additive (half a packet per response time) near the known capacity, so
 *   the queue is probed gently where it is known to build up.
 * - Decrease: to 0.85 x the acknowledged bitrate, i.e. below what the path
 *   delivered, so the queue drains. At most once per RTT (10..200 ms), since
 *   feedback newer than that cannot show the effect of the last cut yet,
 *   unless the estimate is over twice what got through.
 * - Hold on under-use: the queue is draining; raising the rate now would
 *   refill it as soon as it is empty.
 * Increases never take the estimate beyond 1.5 x the acknowledged bitrate
 * (+10 kbps): a sender that does not use its estimate learns nothing about
 * the path, so the estimate must not run away from what was proven.
 */
import { LinkCapacity } from './link-capacity.js';
import type { DelaySignal } from './overuse-detector.js';

export type RateControlState = 'hold' | 'increase' | 'decrease';

const BETA = 0.85;
const MULTIPLICATIVE_PER_SECOND = 1.08;
const MIN_INCREASE_BPS = 1000;
const MAX_STEP_MS = 1000;
const ACKED_HEADROOM = 1.5;
const ACKED_HEADROOM_BPS = 10_000;
const FRAMES_PER_SECOND = 30;
const PACKET_BITS = 1200 * 8;
const RESPONSE_EXTRA_MS = 100;

export class AimdRateControl {
  readonly #capacity = new LinkCapacity();
  #bps: number;
  #state: RateControlState = 'hold';
  #lastUpdateMs: number | undefined;
  #lastDecreaseMs: number | undefined;

  constructor(initialBps: number) {
    this.#bps = initialBps;
  }

  get estimate(): number {
    return this.#bps;
  }

  get state(): RateControlState {
    return this.#state;
  }

  /** Mean acknowledged bitrate at over-use, bps; undefined while unknown. */
  get linkCapacity(): number | undefined {
    return this.#capacity.estimate;
  }

  /** Time of the last decrease on the caller's clock, if any. */
  get lastDecreaseMs(): number | undefined {
    return this.#lastDecreaseMs;
  }

  /** Overrides the estimate (a probe result, a new bound). */
  setEstimate(bps: number): void {
    if (Number.isFinite(bps) && bps > 0) this.#bps = bps;
  }

  /** One update per feedback: the detector's signal and the acknowledged bitrate (bps) if known. */
  update(signal: DelaySignal, ackedBps: number | undefined, nowMs: number, rttMs: number): number {
    if (ackedBps !== undefined && !(Number.isFinite(ackedBps) && ackedBps > 0)) ackedBps = undefined;
    const dt = this.#lastUpdateMs === undefined ? 0 : Math.min(MAX_STEP_MS, Math.max(0, nowMs - this.#lastUpdateMs));
    this.#lastUpdateMs = nowMs;
    if (signal === 'overusing') this.#state = 'decrease';
    else if (signal === 'underusing') this.#state = 'hold';
    else this.#state = 'increase';

    if (this.#state === 'increase') this.#increase(ackedBps, dt, rttMs);
    else if (this.#state === 'decrease') this.#decrease(ackedBps, nowMs, rttMs);
    return this.#bps;
  }

  #increase(ackedBps: number | undefined, dt: number, rttMs: number): void {
    const upper = this.#capacity.upperBound;
    if (ackedBps !== undefined && upper !== undefined && ackedBps > upper) this.#capacity.reset();
    const increase = this.#capacity.estimate === undefined ? this.#multiplicative(dt) : this.#additive(dt, rttMs);
    let next = this.#bps + increase;
    if (ackedBps !== undefined) next = Math.min(next, Math.max(ACKED_HEADROOM * ackedBps + ACKED_HEADROOM_BPS, this.#bps));
    if (Number.isFinite(next)) this.#bps = next;
  }

  #decrease(ackedBps: number | undefined, nowMs: number, rttMs: number): void {
    const interval = Math.min(200, Math.max(10, rttMs));
    const last = this.#lastDecreaseMs;
    const overshooting = ackedBps !== undefined && this.#bps > 2 * ackedBps;
    if (last !== undefined && nowMs - last < interval && !overshooting) return;
    const target = BETA * (ackedBps ?? this.#bps);
    if (target < this.#bps && target > 0) this.#bps = target;
    if (ackedBps !== undefined) this.#capacity.onOveruse(ackedBps);
    this.#lastDecreaseMs = nowMs;
  }

  #multiplicative(dt: number): number {
    const factor = Math.pow(MULTIPLICATIVE_PER_SECOND, dt / 1000);
    return Math.max(MIN_INCREASE_BPS * (dt / 1000), this.#bps * (factor - 1));
  }

  #additive(dt: number, rttMs: number): number {
    const bitsPerFrame = this.#bps / FRAMES_PER_SECOND;
    const packetsPerFrame = Math.max(1, Math.ceil(bitsPerFrame / PACKET_BITS));
    const packetBits = bitsPerFrame / packetsPerFrame;
    const responseMs = Math.max(0, rttMs) + RESPONSE_EXTRA_MS;
    const alpha = 0.5 * Math.min(dt / responseMs, 1);
    return Math.max(MIN_INCREASE_BPS * (dt / 1000), alpha * packetBits);
  }
}
