/**
 * A probe: a short burst of padding sent above the current estimate to learn
 * whether the path can carry more, much faster than additive or even
 * multiplicative growth can (8 % per second takes 9 s to double).
 */
export interface ProbeCluster {
  /** Tag for `onPacketSent(…, probeClusterId)` of every packet of the burst. Starts at 1. */
  readonly id: number;
  /** Rate to send the burst at, bps. */
  readonly targetBps: number;
  /** Spread the burst over this long, ms (paced: one packet every size × 8 / targetBps s). */
  readonly durationMs: number;
  /** Send at least this many packets, even if smaller. */
  readonly minPackets: number;
  /** Send at least this many bytes (targetBps × durationMs). */
  readonly minBytes: number;
}

/**
 * Long enough that the caller can pace it over several of its ticks, and
 * that a shaper's burst allowance (a few kB) is small against it.
 */
export const PROBE_DURATION_MS = 100;
export const PROBE_MIN_PACKETS = 5;

export function makeProbeCluster(id: number, targetBps: number): ProbeCluster {
  return {
    id,
    targetBps,
    durationMs: PROBE_DURATION_MS,
    minPackets: PROBE_MIN_PACKETS,
    minBytes: Math.ceil((targetBps * PROBE_DURATION_MS) / 8000),
  };
}
