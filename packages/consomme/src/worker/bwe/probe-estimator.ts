/**
 * What a probe cluster measured. The rate a path delivers a burst at is its
 * bottleneck rate when the burst was sent faster than that, and the send rate
 * when it was not; so the measure is the smaller of the two:
 * - send rate: the bytes of all but the last packet sent over the send span;
 * - receive rate: the bytes of all but the first packet received over the
 *   arrival span (a packet's size counts for the gap after it is sent and
 *   before it is received);
 * - when packets came out clearly slower than they went in (under 90 %), the
 *   bottleneck was hit and the receive rate is a little optimistic (the
 *   queue was filling during the cluster): take 95 % of it.
 * The result is never above the cluster's target: a caller that sent the
 * burst unpaced over a fast first hop proves only the target.
 *
 * Media sent while the cluster is under way counts as part of it: it shares
 * the bottleneck with the padding, and leaving it out would read the
 * padding's share of the link as the whole link.
 *
 * A cluster is judged once every packet sent with its id is reported and it
 * reached its minimum size, or 1 s after it started, whatever is known then.
 * It needs 80 % of its minimum packet count received, spans under 1 s, and a
 * receive rate at most twice the send rate (more means the arrival times are
 * wrong: a receiver that batches its timestamps).
 */
import type { ProbeCluster } from './probe-cluster.js';
import type { PacketResult } from './send-history.js';

export interface ProbeResult {
  readonly id: number;
  readonly bps: number;
}

interface ClusterState {
  readonly cluster: ProbeCluster;
  readonly startMs: number;
  /** Every packet counted in the cluster (padding and media sent alongside). */
  sentPackets: number;
  /** The padding the caller tagged: decides when the caller is done. */
  paddingPackets: number;
  paddingBytes: number;
  reported: number;
  readonly received: { send: number; arrival: number; size: number }[];
}

const TIMEOUT_MS = 1000;
const ARRIVAL_RESOLUTION_MS = 0.25;
const MIN_RECEIVED_FRACTION = 0.8;
const MAX_SPAN_MS = 1000;
const MAX_RECEIVE_OVER_SEND = 2;
const BOTTLENECK_RATIO = 0.9;
const BOTTLENECK_FACTOR = 0.95;
/** Clusters tracked at once; a caller that never sends them cannot grow this. */
const MAX_CLUSTERS = 16;

export class ProbeEstimator {
  readonly #clusters = new Map<number, ClusterState>();

  /** A cluster handed to the caller. */
  register(cluster: ProbeCluster, nowMs: number): void {
    if (this.#clusters.size >= MAX_CLUSTERS) {
      const oldest = this.#clusters.keys().next().value;
      if (oldest !== undefined) this.#clusters.delete(oldest);
    }
    this.#clusters.set(cluster.id, { cluster, startMs: nowMs, sentPackets: 0, paddingPackets: 0, paddingBytes: 0, reported: 0, received: [] });
  }

  /** A packet of the cluster: its padding (`padding`), or media sent while it was under way. */
  onPacketSent(clusterId: number, sizeBytes: number, padding: boolean): void {
    const state = this.#clusters.get(clusterId);
    if (state === undefined) return;
    state.sentPackets++;
    if (!padding) return;
    state.paddingPackets++;
    state.paddingBytes += sizeBytes;
  }

  /** Accounts one feedback's results; returns the clusters judged valid now. */
  onResults(results: readonly PacketResult[], nowMs: number): ProbeResult[] {
    for (const r of results) {
      if (r.probeClusterId === undefined) continue;
      const state = this.#clusters.get(r.probeClusterId);
      if (state === undefined) continue;
      state.reported++;
      if (r.arrivalTimeMs !== undefined && Number.isFinite(r.arrivalTimeMs)) {
        state.received.push({ send: r.sendTimeMs, arrival: r.arrivalTimeMs, size: r.sizeBytes });
      }
    }
    const out: ProbeResult[] = [];
    for (const [id, state] of this.#clusters) {
      const c = state.cluster;
      const complete = state.paddingPackets >= c.minPackets && state.paddingBytes >= c.minBytes && state.reported >= state.sentPackets;
      const expired = nowMs - state.startMs >= TIMEOUT_MS;
      if (!complete && !expired) continue;
      this.#clusters.delete(id);
      const bps = measure(state);
      if (bps !== undefined) out.push({ id, bps });
    }
    return out;
  }
}

function measure(state: ClusterState): number | undefined {
  const packets = state.received;
  if (packets.length < Math.max(2, Math.ceil(state.cluster.minPackets * MIN_RECEIVED_FRACTION))) return undefined;
  const bySend = [...packets].sort((a, b) => a.send - b.send);
  const byArrival = [...packets].sort((a, b) => a.arrival - b.arrival);
  const total = packets.reduce((sum, p) => sum + p.size, 0);
  const sendSpan = bySend[bySend.length - 1]!.send - bySend[0]!.send;
  // Feedback times have 250 µs steps: a burst that crossed an idle fast path can arrive within
  // one step. That proves the path took it as fast as it was sent, so count one step.
  const receiveSpan = Math.max(ARRIVAL_RESOLUTION_MS, byArrival[byArrival.length - 1]!.arrival - byArrival[0]!.arrival);
  if (receiveSpan > MAX_SPAN_MS || sendSpan > MAX_SPAN_MS) return undefined;
  const receiveBps = ((total - byArrival[0]!.size) * 8000) / receiveSpan;
  // All sent in the same instant: the send rate is unbounded, the path alone shaped the burst.
  const sendBps = sendSpan > 0 ? ((total - bySend[bySend.length - 1]!.size) * 8000) / sendSpan : Infinity;
  if (receiveBps > MAX_RECEIVE_OVER_SEND * sendBps) return undefined;
  let bps = Math.min(sendBps, receiveBps);
  if (receiveBps < BOTTLENECK_RATIO * sendBps) bps = BOTTLENECK_FACTOR * receiveBps;
  bps = Math.min(bps, state.cluster.targetBps);
  return Number.isFinite(bps) && bps > 0 ? bps : undefined;
}
