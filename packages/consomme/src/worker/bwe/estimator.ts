/**
 * Send-side bandwidth estimation for one transport: how many bits per second
 * the SFU may send to a receiver, from the transport-cc feedback
 * (draft-holmer-rmcat-transport-wide-cc-extensions-01) the receiver returns,
 * following Google Congestion Control (draft-ietf-rmcat-gcc-02):
 * - `SendHistory` matches feedback with what was sent;
 * - `DelayBasedBwe` backs off when the queuing delay grows;
 * - `LossBasedBwe` backs off when more than 10 % is lost;
 * - `ProbeController` / `ProbeEstimator` ask for and read padding bursts
 *   that find spare capacity quickly.
 * The estimate is min(delay-based, loss-based), clamped to [min, max].
 *
 * Pure decision code: no timers, no sockets, every call takes the caller's
 * clock (ms). The caller sends, records each packet with `onPacketSent`,
 * feeds the feedback, polls `nextProbe` every 20..50 ms and sends the
 * clusters it returns as padding.
 */
import { DelayBasedBwe } from './delay-based.js';
import { AckedBitrate } from './acked-bitrate.js';
import { LossBasedBwe } from './loss-based.js';
import type { DelaySignal } from './overuse-detector.js';
import type { RateControlState } from './aimd-rate-control.js';
import type { ProbeCluster } from './probe-cluster.js';
import { ProbeController, type ProbeLimits } from './probe-controller.js';
import { ProbeEstimator } from './probe-estimator.js';
import { SendHistory, type TransportCcView } from './send-history.js';

export type { ProbeCluster } from './probe-cluster.js';
export type { TransportCcView } from './send-history.js';

export interface SendSideBweOptions {
  /** Estimate before any feedback, bps. Default 600 000. */
  readonly initialBitrate?: number;
  /** Lowest estimate, bps. Default 30 000. */
  readonly minBitrate?: number;
  /** Highest estimate, bps; 0 for none. Default 0. */
  readonly maxBitrate?: number;
  /** The caller's clock when the transport starts sending, ms: initial probes are due from then. */
  readonly now: number;
}

export interface BweState {
  /** The estimate, bps (same as `estimate`). */
  readonly estimate: number;
  readonly delayBasedBps: number;
  readonly lossBasedBps: number;
  /** Throughput the receiver acknowledged, bps; undefined until measured. */
  readonly ackedBps: number | undefined;
  readonly delaySignal: DelaySignal;
  readonly rateControl: RateControlState;
  /** Last evaluated loss fraction, 0..1. */
  readonly lossFraction: number;
  /** Mean acknowledged bitrate at over-use, bps; undefined while unknown. */
  readonly linkCapacityBps: number | undefined;
  /** The delay trend the detector last saw and its threshold, ms. */
  readonly trendMs: number;
  readonly thresholdMs: number;
  readonly rttMs: number;
  /** Last valid probe result, bps. */
  readonly lastProbeBps: number | undefined;
}

/** Like mediasoup's 'bwe' trace info, with a few more figures. */
export interface BweTraceInfo {
  readonly type: 'transport-cc';
  /** What the allocator would like to send, bps (0: not said). */
  readonly desiredBitrate: number;
  /** `desiredBitrate` within [minBitrate, maxBitrate]. */
  readonly effectiveDesiredBitrate: number;
  readonly minBitrate: number;
  /** 0 for none. */
  readonly maxBitrate: number;
  readonly startBitrate: number;
  /** Highest rate a probe may currently ask for, bps (0: no probing). */
  readonly maxPaddingBitrate: number;
  /** The estimate, bps. */
  readonly availableBitrate: number;
  readonly ackedBitrate: number | undefined;
  readonly delaySignal: DelaySignal;
  readonly lossFraction: number;
  readonly rttMs: number;
}

const DEFAULT_INITIAL_BPS = 600_000;
const DEFAULT_MIN_BPS = 30_000;
const DEFAULT_RTT_MS = 100;
const MAX_RTT_MS = 10_000;

function checkBitrate(name: string, bps: number, allowZero: boolean): void {
  if (typeof bps !== 'number' || !Number.isFinite(bps) || bps < 0 || (!allowZero && bps === 0)) {
    throw new TypeError(`bwe: ${name} must be a ${allowZero ? 'non-negative' : 'positive'} finite number of bps, got ${String(bps)}`);
  }
}

export class SendSideBwe {
  readonly #history = new SendHistory();
  readonly #acked = new AckedBitrate();
  readonly #delay: DelayBasedBwe;
  readonly #loss: LossBasedBwe;
  readonly #probes: ProbeController;
  readonly #probeEstimator = new ProbeEstimator();
  readonly #startBps: number;
  #minBps: number;
  #maxBps: number;
  #desiredBps = 0;
  #rttMs = DEFAULT_RTT_MS;
  #lastProbeBps: number | undefined;
  /** The cluster last handed out and the end of its sending window. */
  #activeProbe: { id: number; startMs: number; endMs: number } | undefined;

  constructor(options: SendSideBweOptions) {
    const min = options.minBitrate ?? DEFAULT_MIN_BPS;
    const max = options.maxBitrate ?? 0;
    checkBitrate('minBitrate', min, true);
    checkBitrate('maxBitrate', max, true);
    if (max > 0 && max < min) throw new TypeError(`bwe: maxBitrate ${max} is below minBitrate ${min}`);
    if (typeof options.now !== 'number' || !Number.isFinite(options.now)) throw new TypeError('bwe: now must be a finite number of ms');
    this.#minBps = min;
    this.#maxBps = max;
    const initial = options.initialBitrate ?? DEFAULT_INITIAL_BPS;
    checkBitrate('initialBitrate', initial, false);
    this.#startBps = this.#clamp(initial);
    this.#delay = new DelayBasedBwe(this.#startBps);
    this.#loss = new LossBasedBwe(this.#startBps);
    this.#probes = new ProbeController(this.#startBps, options.now, max);
    this.#probes.onEstimate(this.#startBps, options.now);
  }

  /**
   * Records a packet sent with transport-wide sequence number `seq` (16 bits).
   * `probeClusterId` tags the padding of a cluster from `nextProbe`; media
   * sent during a cluster's window is counted with it without a tag.
   */
  onPacketSent(seq: number, sizeBytes: number, nowMs: number, probeClusterId?: number): void {
    let cluster = probeClusterId;
    const active = this.#activeProbe;
    const padding = cluster !== undefined;
    if (cluster === undefined && active !== undefined && nowMs >= active.startMs && nowMs <= active.endMs) cluster = active.id;
    this.#history.onPacketSent(seq, sizeBytes, nowMs, cluster);
    if (cluster !== undefined) this.#probeEstimator.onPacketSent(cluster, sizeBytes, padding);
  }

  /** One parsed transport-cc feedback packet, received at `nowMs`. */
  onTransportCcFeedback(feedback: TransportCcView, nowMs: number): void {
    const results = this.#history.onFeedback(feedback);
    if (results.length === 0) return;
    this.#acked.update(results);
    const acked = this.#acked.bitrate;
    const probeResults = this.#probeEstimator.onResults(results, nowMs);
    const signal = this.#delay.onFeedback(results, acked, nowMs, this.#rttMs);
    for (const probe of probeResults) {
      this.#lastProbeBps = probe.bps;
      // A probe that met a growing queue says nothing reliable about spare capacity.
      if (signal !== 'overusing' && probe.bps > this.estimate) {
        const lifted = this.#clamp(probe.bps);
        this.#delay.setEstimate(lifted);
        this.#loss.setEstimate(lifted);
      }
    }
    this.#delay.setEstimate(this.#clamp(this.#delay.estimate));
    this.#loss.onFeedback(results, nowMs, this.#rttMs, this.#delay.estimate);
    if (this.#loss.estimate < this.#minBps) this.#loss.setEstimate(this.#minBps);
    this.#probes.onEstimate(this.estimate, nowMs);
    for (const probe of probeResults) this.#probes.onProbeResult(probe.id, probe.bps, this.#limits());
  }

  /** Round-trip time from RTCP (receiver reports), ms. */
  onRtt(ms: number): void {
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) return;
    this.#rttMs = Math.min(ms, MAX_RTT_MS);
  }

  setMinBitrate(bps: number): void {
    checkBitrate('minBitrate', bps, true);
    if (this.#maxBps > 0 && bps > this.#maxBps) throw new TypeError(`bwe: minBitrate ${bps} is above maxBitrate ${this.#maxBps}`);
    this.#minBps = bps;
    this.#bound();
  }

  /** 0 removes the limit. Lowers the estimate at once. */
  setMaxBitrate(bps: number): void {
    checkBitrate('maxBitrate', bps, true);
    if (bps > 0 && bps < this.#minBps) throw new TypeError(`bwe: maxBitrate ${bps} is below minBitrate ${this.#minBps}`);
    this.#maxBps = bps;
    this.#bound();
  }

  /** What the allocator would like to send, bps (0: nothing said). Probing above the estimate needs it. */
  setDesiredBitrate(bps: number): void {
    checkBitrate('desiredBitrate', bps, true);
    this.#desiredBps = bps;
  }

  /** Bits per second the transport may send now. */
  get estimate(): number {
    return this.#clamp(Math.min(this.#delay.estimate, this.#loss.estimate));
  }

  get state(): BweState {
    const trend = this.#delay.trend;
    return {
      estimate: this.estimate,
      delayBasedBps: this.#delay.estimate,
      lossBasedBps: this.#loss.estimate,
      ackedBps: this.#acked.bitrate,
      delaySignal: this.#delay.signal,
      rateControl: this.#delay.rateControlState,
      lossFraction: this.#loss.lossFraction,
      linkCapacityBps: this.#delay.linkCapacity,
      trendMs: trend.trendMs,
      thresholdMs: trend.thresholdMs,
      rttMs: this.#rttMs,
      lastProbeBps: this.#lastProbeBps,
    };
  }

  /** The probe cluster to send now, if any. Poll every 20..50 ms. */
  nextProbe(nowMs: number): ProbeCluster | undefined {
    const cluster = this.#probes.next(nowMs, this.#limits());
    if (cluster !== undefined) {
      this.#probeEstimator.register(cluster, nowMs);
      this.#activeProbe = { id: cluster.id, startMs: nowMs, endMs: nowMs + cluster.durationMs };
    }
    return cluster;
  }

  /** The figures of a 'bwe' trace event. */
  traceInfo(): BweTraceInfo {
    const desired = this.#desiredBps;
    return {
      type: 'transport-cc',
      desiredBitrate: desired,
      effectiveDesiredBitrate: desired > 0 ? this.#clamp(desired) : 0,
      minBitrate: this.#minBps,
      maxBitrate: this.#maxBps,
      startBitrate: this.#startBps,
      maxPaddingBitrate: ProbeController.cap(this.#limits()),
      availableBitrate: this.estimate,
      ackedBitrate: this.#acked.bitrate,
      delaySignal: this.#delay.signal,
      lossFraction: this.#loss.lossFraction,
      rttMs: this.#rttMs,
    };
  }

  #limits(): ProbeLimits {
    return { estimateBps: this.estimate, desiredBps: this.#desiredBps, maxBps: this.#maxBps };
  }

  #clamp(bps: number): number {
    const upper = this.#maxBps > 0 ? Math.min(bps, this.#maxBps) : bps;
    return Math.max(this.#minBps, upper);
  }

  /** Keeps both halves inside the bounds, so neither winds up beyond what can be used. */
  #bound(): void {
    this.#delay.setEstimate(this.#clamp(this.#delay.estimate));
    const loss = this.#clamp(this.#loss.estimate);
    if (loss !== this.#loss.estimate) this.#loss.setEstimate(loss);
  }
}
