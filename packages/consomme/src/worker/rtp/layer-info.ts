/**
 * What a consumer needs to know about a video packet to pick layers: its
 * spatial and temporal layer, whether it starts or ends a (layer) frame, and
 * the codec's picture numbering. Read once per packet by the producer, then
 * shared by every consumer, so the payload descriptor is parsed once.
 *
 * VP8: RFC 7741 §4.2 (TID, Y, picture ID, TL0PICIDX).
 * VP9: draft-ietf-payload-vp9 §4.2 (SID, TID, U, B, E, P).
 * AV1: the dependency descriptor header extension (`readAv1`), since the
 * AV1 payload has no layer fields of its own outside the OBUs.
 * Other codecs carry one layer: temporal 0, frame start = first packet after a marker.
 */
import { parseVp8Descriptor } from '../../wire/rtp/codecs/vp8.js';
import { parseVp9Descriptor } from '../../wire/rtp/codecs/vp9.js';
import { DTI_SWITCH, type DependencyDescriptor, type TemplateStructure } from '../../wire/rtp/dependency-descriptor.js';

export type LayeredCodec = 'vp8' | 'vp9' | 'av1' | 'other';

export function layeredCodecOf(mimeType: string): LayeredCodec {
  const m = mimeType.toLowerCase();
  if (m === 'video/vp8') return 'vp8';
  if (m === 'video/vp9') return 'vp9';
  if (m === 'video/av1') return 'av1';
  return 'other';
}

export class PacketLayerInfo {
  /** Index of the producer encoding (simulcast stream) the packet came on. */
  encodingIdx = 0;
  /** Simulcast: the encoding index; SVC: the SID. */
  spatialLayer = 0;
  temporalLayer = 0;
  keyFrame = false;
  /** First packet of a frame (of a layer frame for VP9). */
  frameStart = false;
  /** Last packet of a layer frame (VP9 E bit); the marker for other codecs. */
  layerFrameEnd = false;
  /** A frame at this temporal layer that does not depend on earlier frames of the same or higher layer. */
  temporalSwitchPoint = false;
  /** -1 when the descriptor has none. */
  pictureId = -1;
  pictureIdBits = 0;
  tl0PicIdx = -1;

  /**
   * Fills the fields from one packet's payload. `previousMarker` is whether
   * the last packet of this stream ended a frame (for codecs without a
   * start bit). Never throws; unreadable descriptors give layer 0.
   */
  read(codec: LayeredCodec, payload: Uint8Array, keyFrame: boolean, marker: boolean, previousMarker: boolean): void {
    this.keyFrame = keyFrame;
    this.spatialLayer = this.encodingIdx;
    this.temporalLayer = 0;
    this.pictureId = -1;
    this.pictureIdBits = 0;
    this.tl0PicIdx = -1;
    this.layerFrameEnd = marker;
    this.frameStart = previousMarker || keyFrame;
    this.temporalSwitchPoint = true;
    if (codec === 'vp8') {
      const d = parseVp8Descriptor(payload);
      if (!d) return;
      this.frameStart = d.startOfPartition && d.partitionIndex === 0;
      this.temporalLayer = d.temporalLayerId ?? 0;
      this.temporalSwitchPoint = this.temporalLayer === 0 || d.layerSync;
      this.pictureId = d.pictureId ?? -1;
      this.pictureIdBits = d.pictureIdBits;
      this.tl0PicIdx = d.tl0PicIdx ?? -1;
    } else if (codec === 'vp9') {
      const d = parseVp9Descriptor(payload);
      if (!d) return;
      this.frameStart = d.startOfFrame;
      this.layerFrameEnd = d.endOfFrame;
      this.temporalLayer = d.temporalLayerId ?? 0;
      this.spatialLayer = d.spatialLayerId ?? 0;
      this.temporalSwitchPoint = this.temporalLayer === 0 || d.switchingUp;
      this.pictureId = d.pictureId ?? -1;
      this.pictureIdBits = d.pictureIdBits;
      this.tl0PicIdx = d.tl0PicIdx ?? -1;
    }
  }

  /**
   * Fills the fields from an AV1 packet's dependency descriptor, parsed with
   * the stream's latest template structure. The frame's template gives its
   * spatial and temporal id; S/E bits give the layer frame's bounds.
   */
  readAv1(dd: DependencyDescriptor, structure: TemplateStructure, keyFrame: boolean): void {
    this.spatialLayer = dd.spatialId;
    this.temporalLayer = dd.temporalId;
    this.frameStart = dd.startOfFrame;
    this.layerFrameEnd = dd.endOfFrame;
    // The structure rides on the first packet of a key frame; a base frame that references
    // nothing is one too (the aggregation header's N bit says the same when it is set).
    this.keyFrame = keyFrame || (dd.startOfFrame && dd.spatialId === 0 && dd.fdiffs.length === 0 && dd.structure !== undefined);
    this.temporalSwitchPoint = dd.temporalId === 0 || isSwitch(dd, structure);
    this.pictureId = -1;
    this.pictureIdBits = 0;
    this.tl0PicIdx = -1;
  }
}

/**
 * A frame is a temporal switching point when it is a "switch" for a decode
 * target of its spatial layer at its temporal layer or above: from it on,
 * that target (and so the frame's own layer, which it contains) decodes
 * without earlier frames. libwebrtc marks T1 frames "discardable" for the
 * T1 target but "switch" for the T2 one, hence "or above".
 */
function isSwitch(dd: DependencyDescriptor, structure: TemplateStructure): boolean {
  const layers = structure.decodeTargetLayers;
  for (let dt = 0; dt < layers.length; dt++) {
    const l = layers[dt]!;
    if (l.spatialId === dd.spatialId && l.temporalId >= dd.temporalId && dd.dtis[dt] === DTI_SWITCH) return true;
  }
  return false;
}
