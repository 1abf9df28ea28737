import { UnsupportedError } from '../errors.js';
import { isRtxCodec, matchCodecs } from './codecs.js';
import { randomSsrcBase } from './random.js';
import { DEPENDENCY_DESCRIPTOR_URI } from '../wire/rtp/dependency-descriptor.js';
import type {
  MediaKind,
  RtpCapabilities,
  RtpCodecCapability,
  RtpCodecParameters,
  RtpEncodingParameters,
  RtpMapping,
  RtpMappingEncoding,
  RtpParameters,
} from './types.js';

export type ProducerType = 'simple' | 'simulcast' | 'svc';

/**
 * As mediasoup: several encodings are simulcast; one encoding with spatial
 * layers is SVC, and so is one VP9/AV1 encoding with temporal layers only;
 * one VP8/H264 encoding with temporal layers is handled as a one-stream
 * simulcast (so consumers can still drop temporal layers).
 */
export function producerType(kind: MediaKind, encodingCount: number, mode: { spatialLayers: number; temporalLayers: number }, mimeType: string): ProducerType {
  if (kind !== 'video') return 'simple';
  if (encodingCount > 1) return 'simulcast';
  if (mode.spatialLayers > 1) return 'svc';
  if (mode.temporalLayers > 1) return /^video\/(vp9|av1)$/i.test(mimeType) ? 'svc' : 'simulcast';
  return 'simple';
}

/*
 * A producer's stream enters the router under the router's own payload types
 * and fresh SSRCs, so every consumer of the same producer sees one
 * consistent, router-owned description (the "consumable" parameters) no
 * matter which browser produced it.
 */

/**
 * Maps the producer's payload types onto the router's and gives each encoding
 * (simulcast layer) a router SSRC; consecutive from a random base.
 *
 * Expects `rtpParameters` already passed through `validateRtpParameters`.
 * Throws UnsupportedError when a media codec (or the RTX of one) has no
 * strict match among the router's codecs, TypeError when an RTX codec's
 * `apt` names no media codec of the producer.
 */
export function getProducerRtpParametersMapping(rtpParameters: RtpParameters, caps: RtpCapabilities): RtpMapping {
  const capCodecs = caps.codecs ?? [];
  const matched = new Map<RtpCodecParameters, RtpCodecCapability>();

  for (const codec of rtpParameters.codecs) {
    if (isRtxCodec(codec)) continue;
    // Strict: a Main-profile H264 stream must not land on a Baseline payload type.
    const capCodec = capCodecs.find(
      (cap) => !isRtxCodec(cap) && matchCodecs(structuredClone(codec), structuredClone(cap), { strict: true }),
    );
    if (!capCodec) {
      throw new UnsupportedError(`unsupported codec [mimeType:${codec.mimeType}, payloadType:${codec.payloadType}]`);
    }
    matched.set(codec, capCodec);
  }

  for (const codec of rtpParameters.codecs) {
    if (!isRtxCodec(codec)) continue;
    const apt = codec.parameters?.['apt'];
    const media = rtpParameters.codecs.find((c) => !isRtxCodec(c) && c.payloadType === apt);
    if (!media) throw new TypeError(`missing media codec for RTX payloadType ${codec.payloadType} (apt ${String(apt)})`);
    const capMedia = matched.get(media)!;
    const capRtx = capCodecs.find((cap) => isRtxCodec(cap) && cap.parameters?.['apt'] === capMedia.preferredPayloadType);
    if (!capRtx) throw new UnsupportedError(`no RTX codec for router payloadType ${String(capMedia.preferredPayloadType)}`);
    matched.set(codec, capRtx);
  }

  const encodings = rtpParameters.encodings ?? [];
  const base = randomSsrcBase(encodings.length);
  return {
    codecs: rtpParameters.codecs.map((codec) => ({
      payloadType: codec.payloadType,
      mappedPayloadType: matched.get(codec)!.preferredPayloadType!,
    })),
    encodings: encodings.map((encoding, i) => {
      const entry: RtpMappingEncoding = { mappedSsrc: base + i };
      if (encoding.ssrc !== undefined) entry.ssrc = encoding.ssrc;
      if (encoding.rid) entry.rid = encoding.rid;
      if (encoding.scalabilityMode) entry.scalabilityMode = encoding.scalabilityMode;
      return entry;
    }),
  };
}

/**
 * The producer's stream as the router re-sends it: router payload types (with
 * the router's RTX), the router's sendable header extensions for `kind`, one
 * encoding per producer encoding carrying its mapped SSRC.
 *
 * The producer's codec `parameters` are kept (they describe the actual
 * bitstream); RTCP feedback is the router's.
 */
export function getConsumableRtpParameters(
  kind: MediaKind,
  rtpParameters: RtpParameters,
  caps: RtpCapabilities,
  mapping: RtpMapping,
): RtpParameters {
  const capCodecs = caps.codecs ?? [];
  const codecs: RtpCodecParameters[] = [];

  for (const codec of rtpParameters.codecs) {
    if (isRtxCodec(codec)) continue;
    const mappedPt = mapping.codecs.find((entry) => entry.payloadType === codec.payloadType)?.mappedPayloadType;
    const capCodec = capCodecs.find((cap) => cap.preferredPayloadType === mappedPt);
    if (mappedPt === undefined || !capCodec) throw new TypeError(`no mapping for payloadType ${codec.payloadType}`);
    codecs.push(withChannels(capCodec, mappedPt, structuredClone(codec.parameters ?? {})));
    const capRtx = capCodecs.find((cap) => isRtxCodec(cap) && cap.parameters?.['apt'] === mappedPt);
    if (capRtx?.preferredPayloadType !== undefined) {
      codecs.push(withChannels(capRtx, capRtx.preferredPayloadType, { ...capRtx.parameters }));
    }
  }

  // The dependency descriptor goes to consumers of AV1 only: it numbers frames across every
  // layer, and for the other codecs we switch simulcast streams and rewrite picture ids in the
  // payload, which a forwarded descriptor would contradict.
  const av1 = rtpParameters.codecs.some((codec) => codec.mimeType.toLowerCase() === 'video/av1');
  const headerExtensions = (caps.headerExtensions ?? [])
    .filter((ext) => ext.kind === kind && (ext.direction === 'sendrecv' || ext.direction === 'sendonly'))
    .filter((ext) => av1 || ext.uri !== DEPENDENCY_DESCRIPTOR_URI)
    .map((ext) => ({ uri: ext.uri, id: ext.preferredId, encrypt: ext.preferredEncrypt ?? false, parameters: {} }));

  const encodings = (rtpParameters.encodings ?? []).map((encoding, i): RtpEncodingParameters => {
    // rid, rtx and codecPayloadType describe the producer's wire, not the router's.
    const { rid: _rid, rtx: _rtx, codecPayloadType: _pt, ...rest } = structuredClone(encoding);
    const mapped = mapping.encodings[i];
    if (!mapped) throw new TypeError(`no mapping for encodings[${i}]`);
    return { ...rest, ssrc: mapped.mappedSsrc };
  });

  const rtcp: RtpParameters['rtcp'] = { reducedSize: true };
  if (rtpParameters.rtcp?.cname !== undefined) rtcp.cname = rtpParameters.rtcp.cname;
  return { codecs, headerExtensions, encodings, rtcp };
}

function withChannels(
  cap: RtpCodecCapability,
  payloadType: number,
  parameters: NonNullable<RtpCodecParameters['parameters']>,
): RtpCodecParameters {
  const codec: RtpCodecParameters = {
    mimeType: cap.mimeType,
    payloadType,
    clockRate: cap.clockRate,
    parameters,
    rtcpFeedback: structuredClone(cap.rtcpFeedback ?? []),
  };
  if (cap.channels !== undefined) codec.channels = cap.channels;
  return codec;
}
