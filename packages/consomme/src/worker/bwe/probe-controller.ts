/**
 * When to probe, and how high. Probes are the only way to learn quickly that
 * the path can carry much more than we send: the delay-based controller
 * grows at most 8 % per second and never beyond 1.5 x what was delivered.
 *
 * - At start: two clusters, at 3 x and 6 x the initial bitrate, back to back
 *   (capped by the maximum bitrate).
 * - Exponential continuation: when the last cluster of a series came back
 *   at 70 % of its target or more, the path was not the limit; probe again
 *   at twice the result, as long as the application wants more than that.
 * - Periodic: when the application wants more than the estimate (desired >
 *   estimate), the estimate has not dropped for 3 s (a network-limited
 *   estimate keeps cutting; probing it would only add queue) and no probe
 *   went out for 5 s: probe at 2 x the estimate.
 * - After a large drop (below 66 % of the highest estimate of the last 5 s):
 *   once the estimate has stopped falling for 2 s, one probe at 85 % of the
 *   estimate before the drop, so that a short congestion episode (cross
 *   traffic, a handover) does not cost 10 s of slow climbing.
 * Every probe beyond the initial ones is capped at 1.5 x the desired bitrate
 * and the maximum bitrate: probing far beyond what the application can use
 * only fills queues.
 */
import { makeProbeCluster, type ProbeCluster } from './probe-cluster.js';

export interface ProbeLimits {
  readonly estimateBps: number;
  /** What the allocator would like to send, bps; 0 when unknown. */
  readonly desiredBps: number;
  /** Upper bound, bps; 0 for none. */
  readonly maxBps: number;
}

const INITIAL_FACTORS = [3, 6] as const;
const CONTINUE_FRACTION = 0.7;
const RESULT_TIMEOUT_MS = 1000;
const PERIODIC_INTERVAL_MS = 5000;
const STABLE_FOR_PERIODIC_MS = 3000;
const DECREASE_FRACTION = 0.98;
const DROP_FRACTION = 0.66;
const DROP_WINDOW_MS = 5000;
const STABLE_FOR_RECOVERY_MS = 2000;
const RECOVERY_WITHIN_MS = 15_000;
const RECOVERY_FACTOR = 0.85;
const DESIRED_HEADROOM = 1.5;
/** A probe only a little above the estimate teaches nothing that growth would not. */
const MIN_GAIN = 1.1;

export class ProbeController {
  #nextId = 1;
  /** Targets waiting to go out, in order. */
  #queue: number[] = [];
  /** The last cluster of an exploring series, whose result decides whether to go on. */
  #awaiting: { id: number; targetBps: number; deadlineMs: number } | undefined;
  #lastProbeMs: number | undefined;
  #lastDecreaseMs: number;
  #previousEstimate: number | undefined;
  /** Estimates of the last 5 s, decreasing from the front (the front is the max). */
  #recent: { t: number; bps: number }[] = [];
  #drop: { preDropBps: number; atMs: number } | undefined;

  constructor(initialBps: number, nowMs: number, maxBps: number) {
    this.#lastDecreaseMs = nowMs;
    for (const f of INITIAL_FACTORS) {
      const target = maxBps > 0 ? Math.min(maxBps, initialBps * f) : initialBps * f;
      if (target >= initialBps * MIN_GAIN) this.#queue.push(target);
    }
  }

  /** The highest target a non-initial probe may have, bps (0: none allowed). */
  static cap(limits: ProbeLimits): number {
    if (limits.desiredBps <= 0) return 0;
    const desired = limits.desiredBps * DESIRED_HEADROOM;
    return limits.maxBps > 0 ? Math.min(limits.maxBps, desired) : desired;
  }

  /** Follows the estimate after every change, to see drops and stability. */
  onEstimate(bps: number, nowMs: number): void {
    const previous = this.#previousEstimate;
    if (previous !== undefined && bps < previous * DECREASE_FRACTION) this.#lastDecreaseMs = nowMs;
    this.#previousEstimate = bps;
    const recent = this.#recent;
    while (recent.length > 0 && recent[0]!.t < nowMs - DROP_WINDOW_MS) recent.shift();
    while (recent.length > 0 && recent[recent.length - 1]!.bps <= bps) recent.pop();
    recent.push({ t: nowMs, bps });
    const highest = recent[0]!.bps;
    if (bps < highest * DROP_FRACTION && this.#drop === undefined) this.#drop = { preDropBps: highest, atMs: nowMs };
  }

  /** A cluster's measured rate; may queue the next step of an exploring series. */
  onProbeResult(id: number, resultBps: number, limits: ProbeLimits): void {
    const awaiting = this.#awaiting;
    if (awaiting === undefined || awaiting.id !== id) return;
    this.#awaiting = undefined;
    if (resultBps < awaiting.targetBps * CONTINUE_FRACTION) return;
    const cap = ProbeController.cap(limits);
    if (limits.desiredBps <= resultBps) return;
    const target = Math.min(2 * resultBps, cap);
    if (target >= resultBps * MIN_GAIN) this.#queue.push(target);
  }

  /** The probe due now, if any. */
  next(nowMs: number, limits: ProbeLimits): ProbeCluster | undefined {
    if (this.#awaiting !== undefined && nowMs > this.#awaiting.deadlineMs) this.#awaiting = undefined;
    if (this.#drop !== undefined && nowMs - this.#drop.atMs > RECOVERY_WITHIN_MS) this.#drop = undefined;
    const estimate = limits.estimateBps;
    while (this.#queue.length > 0) {
      const target = this.#queue.shift()!;
      const capped = limits.maxBps > 0 ? Math.min(target, limits.maxBps) : target;
      if (capped >= estimate * MIN_GAIN) return this.#issue(capped, nowMs);
    }
    if (this.#awaiting !== undefined) return undefined;
    const wantsMore = limits.desiredBps > estimate;
    if (!wantsMore) return undefined;
    const cap = ProbeController.cap(limits);
    const stableMs = nowMs - this.#lastDecreaseMs;
    const drop = this.#drop;
    if (drop !== undefined && stableMs >= STABLE_FOR_RECOVERY_MS) {
      // Forget the drop and the estimates before it, so the same drop is not probed for again.
      this.#drop = undefined;
      this.#recent = [];
      const target = Math.min(drop.preDropBps * RECOVERY_FACTOR, cap);
      if (target >= estimate * MIN_GAIN) return this.#issue(target, nowMs);
    }
    const sinceProbe = this.#lastProbeMs === undefined ? Infinity : nowMs - this.#lastProbeMs;
    if (sinceProbe >= PERIODIC_INTERVAL_MS && stableMs >= STABLE_FOR_PERIODIC_MS) {
      const target = Math.min(2 * estimate, cap);
      if (target >= estimate * MIN_GAIN) return this.#issue(target, nowMs);
    }
    return undefined;
  }

  #issue(targetBps: number, nowMs: number): ProbeCluster {
    const id = this.#nextId++;
    this.#lastProbeMs = nowMs;
    this.#awaiting = { id, targetBps, deadlineMs: nowMs + RESULT_TIMEOUT_MS };
    return makeProbeCluster(id, targetBps);
  }
}
