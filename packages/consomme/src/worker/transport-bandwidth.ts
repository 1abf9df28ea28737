import type { TransportCc } from '../wire/rtcp/transport-cc.js';
import { SendSideBwe, type ProbeCluster } from './bwe/estimator.js';
import { allocateBitrate, type AllocatorConsumer } from './bwe/allocator.js';
import type { ConsumerLayers } from './consumer.js';

/** What the bandwidth manager uses of a consumer (WorkerConsumer has it). */
export interface BandwidthConsumer {
  readonly id: string;
  readonly producerId: string;
  readonly active: boolean;
  readonly layered: boolean;
  readonly priority: number;
  readonly preferredLayers: ConsumerLayers | undefined;
  readonly targetLayers: ConsumerLayers | undefined;
  readonly canSendProbePadding: boolean;
  sendBitrate(now: number): number;
  setTargetLayers(spatial: number, temporal: number, urgent?: boolean): void;
  /** Sends one probe packet tagged with the cluster; returns its bytes (0: cannot). */
  sendProbePadding(probeClusterId: number, size: number): number;
}

export interface OutgoingBitrateStats {
  availableOutgoingBitrate?: number;
  maxOutgoingBitrate?: number;
  minOutgoingBitrate?: number;
}

/** What the bandwidth manager needs from its transport. */
export interface BandwidthHost {
  consumers(): Iterable<BandwidthConsumer>;
  /** The producer's per-layer bitrates (see WorkerProducer.layerBitrates). */
  layerBitrates(consumer: BandwidthConsumer, now: number): number[][] | undefined;
  trace(type: 'bwe' | 'probation', info: Record<string, unknown>): void;
}

/** Re-share at least this often even when the estimate holds (layer bitrates move). */
const ALLOCATE_INTERVAL_MS = 1000;
/** Padding packets of a probe: RTP header, extensions and 255 padding bytes, under any MTU. */
const PROBE_PACKET_BYTES = 300;
/** Spare estimate an up-switch needs at first (the allocator's default) and at most. */
const BASE_HEADROOM = 1.1;
const MAX_HEADROOM = 2;
/** An estimate drop this soon after an up-switch means the new layer did not fit. */
const FAILED_SWITCH_WINDOW_MS = 4000;
/** Without such a failure for this long, the headroom relaxes a step. */
const HEADROOM_RELAX_MS = 20_000;
/** Loss above this re-shares at every feedback (at most every LOSSY_REALLOCATE_MS). */
const LOSSY = 0.1;
const LOSSY_REALLOCATE_MS = 200;
/** After the estimate fell by 40% or more at once, no up-switch for this long. */
const HOLD_AFTER_DROP_MS = 5000;
/** A probe cluster's packets at most (100 ms at 5 Mbps is about 60 kB). */
const MAX_PROBE_PACKETS = 60;
const TICK_MS = 20;

/**
 * A sending transport's congestion control: the send-side estimate from
 * the endpoint's transport-cc feedback, the allocator that turns it into
 * layers for the layered consumers, and probing through RTX padding.
 *
 * It acts only once feedback is flowing: a transport whose endpoint sends
 * no transport-cc (plain RTP, REMB-only endpoints) keeps giving every
 * consumer its preferred layers.
 */
export class TransportBandwidth {
  readonly #bwe: SendSideBwe;
  readonly #host: BandwidthHost;
  #feedbackSeen = false;
  #lastAllocationMs = -Infinity;
  #lastAllocatedEstimate = 0;
  #maxOutgoing = 0;
  #minOutgoing = 0;
  #traceBwe = false;
  /**
   * Up-switch headroom, adaptive: every up-switch the link could not carry
   * (the estimate fell right after it) makes the next one need more spare,
   * so a layer that just does not fit is not retried every few seconds
   * (each retry costs the viewer a freeze).
   */
  #headroom = BASE_HEADROOM;
  #lastUpSwitchMs = -Infinity;
  #lastFailedSwitchMs = -Infinity;
  #holdUpSwitchUntil = -Infinity;
  /** The probe cluster being sent. */
  #probe: { cluster: ProbeCluster; startMs: number; sentBytes: number; packets: number } | undefined;
  #traceProbation = false;

  constructor(initialBitrate: number, now: number, host: BandwidthHost) {
    this.#bwe = new SendSideBwe({ initialBitrate, now });
    this.#host = host;
  }

  get active(): boolean {
    return this.#feedbackSeen;
  }

  get availableOutgoingBitrate(): number {
    return this.#bwe.estimate;
  }

  get maxOutgoingBitrate(): number {
    return this.#maxOutgoing;
  }

  get minOutgoingBitrate(): number {
    return this.#minOutgoing;
  }

  /** For the transport's getStats (max/min only when set). */
  stats(): OutgoingBitrateStats {
    const out: OutgoingBitrateStats = { availableOutgoingBitrate: this.availableOutgoingBitrate };
    if (this.#maxOutgoing > 0) out.maxOutgoingBitrate = this.#maxOutgoing;
    if (this.#minOutgoing > 0) out.minOutgoingBitrate = this.#minOutgoing;
    return out;
  }

  setTrace(types: ReadonlySet<string>): void {
    this.#traceBwe = types.has('bwe');
    this.#traceProbation = types.has('probation');
  }

  onPacketSent(transportSeq: number, bytes: number, now: number, probeClusterId?: number): void {
    this.#bwe.onPacketSent(transportSeq, bytes, now, probeClusterId);
  }

  onFeedback(feedback: TransportCc, now: number): void {
    this.#bwe.onTransportCcFeedback(feedback, now);
    const first = !this.#feedbackSeen;
    this.#feedbackSeen = true;
    const estimate = this.#bwe.estimate;
    // A drop acts at once (the link is full now), and so does heavy loss (the estimate is still
    // coming down, what arrives is the measure); a rise waits for the regular pass.
    const lossy = this.#bwe.state.lossFraction > LOSSY && now - this.#lastAllocationMs >= LOSSY_REALLOCATE_MS;
    if (first || lossy || estimate < this.#lastAllocatedEstimate * 0.9) {
      const bigDrop = !first && estimate < this.#lastAllocatedEstimate * 0.6;
      if (lossy || bigDrop) this.#holdUpSwitchUntil = now + HOLD_AFTER_DROP_MS;
      if (!first && now - this.#lastUpSwitchMs < FAILED_SWITCH_WINDOW_MS) {
        this.#headroom = Math.min(MAX_HEADROOM, this.#headroom * 1.25);
        this.#lastFailedSwitchMs = now;
        this.#lastUpSwitchMs = -Infinity;
      }
      this.allocate(now, lossy || bigDrop);
    }
  }

  onRtt(ms: number): void {
    this.#bwe.onRtt(ms);
  }

  setMaxOutgoingBitrate(bps: number, now: number): void {
    if (bps !== 0 && this.#minOutgoing !== 0 && bps < this.#minOutgoing) throw new TypeError('maxOutgoingBitrate must be 0 or not below minOutgoingBitrate');
    this.#maxOutgoing = bps;
    this.#bwe.setMaxBitrate(bps);
    this.allocate(now);
  }

  setMinOutgoingBitrate(bps: number, now: number): void {
    if (bps !== 0 && this.#maxOutgoing !== 0 && bps > this.#maxOutgoing) throw new TypeError('minOutgoingBitrate must be 0 or not above maxOutgoingBitrate');
    this.#minOutgoing = bps;
    this.#bwe.setMinBitrate(bps === 0 ? 30_000 : bps);
    this.allocate(now);
  }

  /**
   * Every transport tick (about 20 ms): the periodic allocation, and probe
   * clusters paced over their duration at their target rate. An unpaced
   * burst would slip through a shaper's burst allowance and prove a
   * capacity the path does not have.
   */
  onTick(now: number): void {
    if (!this.#feedbackSeen) return;
    if (now - this.#lastAllocationMs >= ALLOCATE_INTERVAL_MS) this.allocate(now);
    if (!this.#probe) {
      // No probing into a link that is losing packets or just fell: the burst would push out
      // the keyframe a consumer is switching down on.
      if (now < this.#holdUpSwitchUntil || this.#bwe.state.lossFraction > LOSSY) return;
      const cluster = this.#bwe.nextProbe(now);
      if (!cluster) return;
      this.#probe = { cluster, startMs: now, sentBytes: 0, packets: 0 };
    }
    const probe = this.#probe;
    const { cluster } = probe;
    const prober = this.#pickProber();
    // Due so far: the target rate since the start, one tick ahead.
    const due = Math.min(cluster.minBytes, (cluster.targetBps * (now - probe.startMs + TICK_MS)) / 8000);
    while (prober && (probe.sentBytes < due || probe.packets < cluster.minPackets) && probe.packets < MAX_PROBE_PACKETS) {
      const bytes = prober.sendProbePadding(cluster.id, PROBE_PACKET_BYTES);
      if (bytes === 0) break;
      probe.sentBytes += bytes;
      probe.packets++;
    }
    const done =
      !prober ||
      probe.packets >= MAX_PROBE_PACKETS ||
      (probe.sentBytes >= cluster.minBytes && probe.packets >= cluster.minPackets) ||
      now - probe.startMs > cluster.durationMs * 2;
    if (!done) return;
    this.#probe = undefined;
    if (this.#traceProbation) {
      this.#host.trace('probation', { clusterId: cluster.id, targetBitrate: cluster.targetBps, packets: probe.packets, bytes: probe.sentBytes, durationMs: now - probe.startMs });
    }
  }

  /**
   * Shares the estimate: first what non-layered consumers send (they cannot
   * adapt), the rest among layered consumers by priority.
   */
  allocate(now: number, congested = false): void {
    const layered: BandwidthConsumer[] = [];
    let fixed = 0;
    for (const consumer of this.#host.consumers()) {
      if (!consumer.active) continue;
      if (consumer.layered) layered.push(consumer);
      else fixed += consumer.sendBitrate(now);
    }
    // While packets are being lost the estimate is still coming down: share only what arrives.
    const state = this.#bwe.state;
    const loss = state.lossFraction;
    const estimate = loss > 0.02 ? Math.min(this.#bwe.estimate * (1 - loss), state.ackedBps ?? Infinity) : this.#bwe.estimate;
    this.#lastAllocationMs = now;
    this.#lastAllocatedEstimate = estimate;
    const entries: AllocatorConsumer[] = [];
    for (const consumer of layered) {
      const preferred = consumer.preferredLayers!;
      const current = consumer.targetLayers;
      // Right after a big drop, nobody goes up: the estimate has yet to settle.
      const hold = now < this.#holdUpSwitchUntil && current !== undefined;
      entries.push({
        id: consumer.id,
        priority: consumer.priority,
        preferredSpatial: hold ? Math.min(preferred.spatialLayer, current.spatialLayer) : preferred.spatialLayer,
        preferredTemporal: hold && current.spatialLayer <= preferred.spatialLayer ? current.temporalLayer : (preferred.temporalLayer ?? 0),
        bitrates: this.#host.layerBitrates(consumer, now) ?? [],
        currentSpatial: current?.spatialLayer ?? -1,
        currentTemporal: current?.temporalLayer ?? -1,
      });
    }
    if (this.#headroom > BASE_HEADROOM && now - this.#lastFailedSwitchMs > HEADROOM_RELAX_MS) {
      this.#headroom = Math.max(BASE_HEADROOM, this.#headroom / 1.25);
      this.#lastFailedSwitchMs = now;
    }
    const result = allocateBitrate(Math.max(0, estimate - fixed), entries, { upSwitchHeadroom: this.#headroom });
    for (const [i, consumer] of layered.entries()) {
      const granted = result.layers.get(consumer.id);
      if (!granted || granted.spatial < 0) continue;
      const before = entries[i]!;
      if (granted.spatial > before.currentSpatial || (granted.spatial === before.currentSpatial && granted.temporal > before.currentTemporal)) {
        if (before.currentSpatial >= 0) this.#lastUpSwitchMs = now;
      }
      // Under heavy loss or a big drop, a consumer moving down stops sending its current layer at
      // once: the link cannot carry it, and the lower layer's keyframe must not queue behind it.
      consumer.setTargetLayers(granted.spatial, granted.temporal, congested || loss > LOSSY);
    }
    this.#bwe.setDesiredBitrate(result.desiredBitrate + fixed);
    if (this.#traceBwe) {
      this.#host.trace('bwe', { ...this.#bwe.traceInfo(), usedBitrate: result.usedBitrate + fixed, fixedBitrate: fixed, upSwitchHeadroom: this.#headroom });
    }
  }

  /** A video consumer that can send RTX padding (its stream is live). */
  #pickProber(): BandwidthConsumer | undefined {
    for (const consumer of this.#host.consumers()) if (consumer.canSendProbePadding) return consumer;
    return undefined;
  }
}

/** The `bitrate` of a set{Max,Min}OutgoingBitrate request: a finite number ≥ 0, floored. */
export function bitrateArgument(data: unknown): number {
  const bitrate = (data as { bitrate?: unknown } | undefined)?.bitrate;
  if (typeof bitrate !== 'number' || !Number.isFinite(bitrate) || bitrate < 0) throw new TypeError('invalid bitrate');
  return Math.floor(bitrate);
}
