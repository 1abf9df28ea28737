import { RetransmissionBuffer } from './rtp/retransmission-buffer.js';
import { NackGenerator } from './rtp/nack-generator.js';
import { RtpStreamRecvStats } from './rtp/rtp-stream-recv-stats.js';
import { KeyFrameRequestThrottle } from './rtp/key-frame-request-throttle.js';
import { RateCalculator } from './rtp/rate-calculator.js';
import type { TemplateStructure } from '../wire/rtp/dependency-descriptor.js';

export interface ProducerStreamInit {
  index: number;
  ssrc: number | undefined;
  rtxSsrc: number | undefined;
  rid: string | undefined;
  mappedSsrc: number;
  clockRate: number;
  /** Spatial × temporal layers this stream can carry (SVC: several spatial in one stream). */
  spatialLayers: number;
  temporalLayers: number;
  nack: boolean;
  keyFrameRequestDelay: number;
  supportsPli: boolean;
  supportsFir: boolean;
  /** Forwarded packets are kept this long for consumers' resends (ms). */
  keepForResendMs: number;
}

/** How long a layer may stay silent before it counts as inactive. */
const LAYER_ACTIVE_WINDOW_MS = 1500;

/**
 * One received RTP stream of a producer: an encoding (a simulcast layer, or
 * the only stream of a simple or SVC producer). Loss, NACK, keyframe
 * requests, receive statistics and the bitrate of each layer it carries are
 * per stream, since each has its own SSRC and sequence space.
 */
export class ProducerStream {
  readonly index: number;
  readonly rid: string | undefined;
  readonly mappedSsrc: number;
  readonly clockRate: number;
  ssrc: number | undefined;
  rtxSsrc: number | undefined;
  stats: RtpStreamRecvStats;
  readonly nack: NackGenerator | undefined;
  readonly throttle: KeyFrameRequestThrottle;
  /** Bytes per layer, [spatial][temporal], over a sliding window. */
  readonly #layerRates: RateCalculator[][];
  readonly #layerLastSeen: Float64Array[];
  nackCount = 0;
  nackPacketCount = 0;
  pliCount = 0;
  firCount = 0;
  rtxPackets = 0;
  lastScore = -1;
  /** Whether the previous media packet ended a frame (codecs without a frame-start bit). */
  previousMarker = true;
  /** AV1: the latest dependency descriptor template structure (sent on key frames). */
  ddStructure: TemplateStructure | undefined;
  /**
   * The packets forwarded lately, as consumers received them from the router
   * (mapped SSRC, payload type and extension ids). Consumers answer NACKs by
   * rewriting these again, so a packet is kept once per producer rather than
   * once per consumer: at 80 consumers of a 1 Mbit/s stream that was 45 MiB.
   */
  readonly forwarded: RetransmissionBuffer;

  constructor(init: ProducerStreamInit) {
    this.index = init.index;
    this.ssrc = init.ssrc;
    this.rtxSsrc = init.rtxSsrc;
    this.rid = init.rid;
    this.mappedSsrc = init.mappedSsrc;
    this.clockRate = init.clockRate;
    this.stats = new RtpStreamRecvStats({ ssrc: init.ssrc ?? 0, clockRate: init.clockRate });
    this.nack = init.nack ? new NackGenerator() : undefined;
    this.forwarded = new RetransmissionBuffer({ maxAgeMs: init.keepForResendMs });
    this.throttle = new KeyFrameRequestThrottle({
      minIntervalMs: init.keyFrameRequestDelay > 0 ? init.keyFrameRequestDelay : 1000,
      supportsPli: init.supportsPli,
      supportsFir: init.supportsFir,
    });
    const spatial = Math.max(1, init.spatialLayers);
    const temporal = Math.max(1, init.temporalLayers);
    this.#layerRates = Array.from({ length: spatial }, () => Array.from({ length: temporal }, () => new RateCalculator({ windowMs: 1000 })));
    this.#layerLastSeen = Array.from({ length: spatial }, () => new Float64Array(temporal).fill(-Infinity));
  }

  learnSsrc(ssrc: number): void {
    this.ssrc = ssrc;
    this.stats = new RtpStreamRecvStats({ ssrc, clockRate: this.clockRate });
  }

  get spatialLayers(): number {
    return this.#layerRates.length;
  }

  get temporalLayers(): number {
    return this.#layerRates[0]!.length;
  }

  /** Counts a media packet of layer (spatial, temporal); layers beyond the declared ones count in the top one. */
  onLayerPacket(spatial: number, temporal: number, bytes: number, now: number): void {
    const s = Math.min(Math.max(0, spatial), this.#layerRates.length - 1);
    const row = this.#layerRates[s]!;
    const t = Math.min(Math.max(0, temporal), row.length - 1);
    row[t]!.update(bytes, now);
    this.#layerLastSeen[s]![t] = now;
  }

  /** Bitrate of one layer alone (bps), 0 when it has not been seen lately. */
  layerBitrate(spatial: number, temporal: number, now: number): number {
    const seen = this.#layerLastSeen[spatial]?.[temporal] ?? -Infinity;
    if (now - seen > LAYER_ACTIVE_WINDOW_MS) return 0;
    return this.#layerRates[spatial]?.[temporal]?.bitrate(now) ?? 0;
  }

  /** Whether the stream delivered anything lately. */
  active(now: number): boolean {
    for (const row of this.#layerLastSeen) for (const seen of row) if (now - seen <= LAYER_ACTIVE_WINDOW_MS) return true;
    return false;
  }
}
