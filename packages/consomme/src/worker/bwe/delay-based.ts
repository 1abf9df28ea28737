/**
 * The delay-based half of Google Congestion Control
 * (draft-ietf-rmcat-gcc-02 §5): packet groups → trend of the queuing delay →
 * over-use signal → AIMD rate. It reacts to a queue building up before the
 * queue overflows, which the loss-based half cannot.
 * https://datatracker.ietf.org/doc/html/draft-ietf-rmcat-gcc-02#section-5
 */
import { AimdRateControl, type RateControlState } from './aimd-rate-control.js';
import { InterArrival } from './inter-arrival.js';
import { OveruseDetector, type DelaySignal } from './overuse-detector.js';
import type { PacketResult } from './send-history.js';
import { Trendline } from './trendline.js';

export class DelayBasedBwe {
  readonly #interArrival = new InterArrival();
  readonly #trendline = new Trendline();
  readonly #detector = new OveruseDetector();
  readonly #rate: AimdRateControl;
  #lastTrend = 0;

  constructor(initialBps: number) {
    this.#rate = new AimdRateControl(initialBps);
  }

  get estimate(): number {
    return this.#rate.estimate;
  }

  get signal(): DelaySignal {
    return this.#detector.signal;
  }

  get rateControlState(): RateControlState {
    return this.#rate.state;
  }

  get linkCapacity(): number | undefined {
    return this.#rate.linkCapacity;
  }

  get lastDecreaseMs(): number | undefined {
    return this.#rate.lastDecreaseMs;
  }

  /** The last modified trend (ms) and the detector's threshold, for traces. */
  get trend(): { readonly trendMs: number; readonly thresholdMs: number } {
    return { trendMs: this.#lastTrend, thresholdMs: this.#detector.thresholdMs };
  }

  setEstimate(bps: number): void {
    this.#rate.setEstimate(bps);
  }

  /**
   * One feedback's packet results. Returns the signal the rate controller
   * acted on: over-use if any group in this feedback showed it, so a burst of
   * groups cannot hide it behind a later normal one.
   */
  onFeedback(results: readonly PacketResult[], ackedBps: number | undefined, nowMs: number, rttMs: number): DelaySignal {
    const received = results.filter((r) => r.arrivalTimeMs !== undefined && Number.isFinite(r.arrivalTimeMs));
    if (received.length === 0) return this.#detector.signal;
    // In arrival order: the groups are about how the path delivered packets.
    received.sort((a, b) => a.arrivalTimeMs! - b.arrivalTimeMs! || a.seq - b.seq);
    let sawOveruse = false;
    for (const r of received) {
      const delta = this.#interArrival.add(r.sendTimeMs, r.arrivalTimeMs!);
      if (delta === undefined) continue;
      if (delta === 'reset') {
        this.#trendline.reset();
        this.#detector.reset();
        continue;
      }
      const trend = this.#trendline.update(delta);
      if (trend === undefined) continue;
      this.#lastTrend = trend.modifiedTrend;
      if (this.#detector.detect(trend.modifiedTrend, delta.sendDeltaMs, delta.arrivalTimeMs) === 'overusing') sawOveruse = true;
    }
    const signal = sawOveruse ? 'overusing' : this.#detector.signal;
    this.#rate.update(signal, ackedBps, nowMs, rttMs);
    return signal;
  }
}
