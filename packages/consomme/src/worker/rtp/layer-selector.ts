/**
 * Per-consumer choice of what to forward from a layered producer.
 *
 * Simulcast (one RTP stream per spatial layer): the consumer forwards one
 * stream at a time. It moves to another stream only at a key frame of that
 * stream, and only towards its target: up when the key frame is on a stream
 * above the current one and not above the target, down when it is below the
 * current one and not below the target. Before anything was forwarded, the
 * first key frame on any stream up to the target starts it (a fast start
 * on whatever layer is ready, then up to the target at its key frame).
 *
 * SVC (one stream, spatial layers inside): packets of spatial layers above
 * the current one are dropped; the current layer goes down at any picture
 * start and up only at a key picture; the RTP marker moves to the end of
 * the highest forwarded layer frame.
 *
 * Temporal layers, both cases: at a frame start, the current temporal layer
 * goes down at once; it goes up to the target at a base-layer (TL0) frame,
 * or to a higher layer at that layer's switching point (VP8 Y bit, VP9 U
 * bit). Frames above the current temporal layer are dropped.
 *
 * Pure: no clock, no I/O; decisions per packet in O(1).
 */
import type { PacketLayerInfo } from './layer-info.js';

/** skip: another stream than the one forwarded (its sequence space does not matter); drop: filtered out of the forwarded stream. */
export type LayerDecision = 'forward' | 'drop' | 'skip';

export interface LayerSelectorOptions {
  readonly svc: boolean;
  readonly spatialLayers: number;
  readonly temporalLayers: number;
}

export class LayerSelector {
  readonly svc: boolean;
  readonly spatialLayers: number;
  readonly temporalLayers: number;
  #targetSpatial: number;
  #targetTemporal: number;
  #currentSpatial = -1;
  #currentTemporal = -1;
  /** Set by `onPacket` when the forwarded packet starts another stream (simulcast) or the first one. */
  streamChanged = false;
  /** Set by `onPacket` when the forwarded packet must carry the RTP marker (SVC: end of the top forwarded layer). */
  marker = false;

  constructor(options: LayerSelectorOptions) {
    this.svc = options.svc;
    this.spatialLayers = Math.max(1, options.spatialLayers);
    this.temporalLayers = Math.max(1, options.temporalLayers);
    this.#targetSpatial = this.spatialLayers - 1;
    this.#targetTemporal = this.temporalLayers - 1;
  }

  get currentSpatial(): number {
    return this.#currentSpatial;
  }

  get currentTemporal(): number {
    return this.#currentTemporal;
  }

  get targetSpatial(): number {
    return this.#targetSpatial;
  }

  get targetTemporal(): number {
    return this.#targetTemporal;
  }

  /** Returns true when the spatial target moved away from what is forwarded (a key frame is needed there). */
  setTarget(spatial: number, temporal: number): boolean {
    this.#targetSpatial = clamp(spatial, -1, this.spatialLayers - 1);
    this.#targetTemporal = clamp(temporal, -1, this.temporalLayers - 1);
    return this.#targetSpatial >= 0 && this.#targetSpatial !== this.#currentSpatial;
  }

  /** Forwarding stops (pause, producer pause): the next start waits for a key frame again. */
  reset(): void {
    this.#currentSpatial = -1;
    this.#currentTemporal = -1;
  }

  onPacket(info: PacketLayerInfo): LayerDecision {
    this.streamChanged = false;
    this.marker = false;
    if (this.#targetSpatial < 0) {
      if (this.#currentSpatial >= 0) this.reset();
      return this.svc ? 'drop' : 'skip';
    }
    return this.svc ? this.#onSvcPacket(info) : this.#onSimulcastPacket(info);
  }

  #onSimulcastPacket(info: PacketLayerInfo): LayerDecision {
    const stream = info.encodingIdx;
    if (stream !== this.#currentSpatial) {
      if (!(info.keyFrame && info.frameStart && this.#movesTowardTarget(stream))) return 'skip';
      this.#currentSpatial = stream;
      this.#currentTemporal = this.#targetTemporal;
      this.streamChanged = true;
    } else if (info.frameStart) {
      this.#updateTemporal(info);
    }
    return info.temporalLayer > this.#currentTemporal ? 'drop' : 'forward';
  }

  #onSvcPacket(info: PacketLayerInfo): LayerDecision {
    const pictureStart = info.frameStart && info.spatialLayer === 0;
    if (this.#currentSpatial < 0) {
      if (!(info.keyFrame && pictureStart)) return 'drop';
      this.#currentSpatial = this.#targetSpatial;
      this.#currentTemporal = this.#targetTemporal;
      this.streamChanged = true;
    } else if (pictureStart) {
      if (this.#targetSpatial < this.#currentSpatial || (this.#targetSpatial > this.#currentSpatial && info.keyFrame)) {
        this.#currentSpatial = this.#targetSpatial;
      }
      this.#updateTemporal(info);
    }
    if (info.spatialLayer > this.#currentSpatial || info.temporalLayer > this.#currentTemporal) return 'drop';
    this.marker = info.spatialLayer === this.#currentSpatial && info.layerFrameEnd;
    return 'forward';
  }

  #movesTowardTarget(stream: number): boolean {
    const current = this.#currentSpatial;
    const target = this.#targetSpatial;
    if (current < 0) return stream <= target;
    if (stream > current) return stream <= target;
    return stream >= target;
  }

  #updateTemporal(info: PacketLayerInfo): void {
    const target = this.#targetTemporal;
    if (target < this.#currentTemporal) this.#currentTemporal = target;
    else if (target > this.#currentTemporal) {
      if (info.temporalLayer === 0) this.#currentTemporal = target;
      else if (info.temporalSwitchPoint && info.temporalLayer <= target && info.temporalLayer > this.#currentTemporal) this.#currentTemporal = info.temporalLayer;
    }
  }
}

function clamp(value: number, min: number, max: number): number {
  if (!Number.isFinite(value)) return max;
  return Math.min(max, Math.max(min, Math.trunc(value)));
}
