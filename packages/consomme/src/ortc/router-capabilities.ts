import { UnsupportedError } from '../errors.js';
import { isRtxCodec, matchCodecs } from './codecs.js';
import { getSupportedRtpCapabilities } from './supported.js';
import type { RtpCapabilities, RtpCodecCapability } from './types.js';
import { validateRtpCodecCapability } from './validate.js';

/*
 * Dynamic payload types (RFC 3551 section 6) handed out in this order. Same
 * order as mediasoup, so a codec list without preferredPayloadType yields the
 * same numbers with either server (opus 100, VP8 101, its RTX 102, ...).
 */
const DYNAMIC_PAYLOAD_TYPES: readonly number[] = [
  ...Array.from({ length: 28 }, (_, i) => 100 + i),
  96,
  97,
  98,
  99,
];

/** Payload types RFC 3551 reserves for static audio/video codecs or RTCP. */
function isAssignable(pt: number): boolean {
  return pt >= 0 && pt <= 127 && !(pt >= 64 && pt <= 95);
}

/**
 * Builds a router's RTP capabilities from `RouterOptions.mediaCodecs`.
 *
 * Each configured codec is matched against the supported ones (mime type,
 * clock rate, channels, and strictly: H264 profile and packetization mode,
 * VP9 profile-id, multiopus layout). The result keeps the supported entry's
 * RTCP feedback and overlays the configured `parameters` on its defaults.
 * Every video codec gets a `video/rtx` companion. Header extensions are all
 * of the supported ones.
 *
 * Throws TypeError on malformed or duplicate payload types and
 * UnsupportedError on codecs the router cannot forward (RTX, FEC and RED
 * included: the router adds RTX itself).
 */
export function generateRouterRtpCapabilities(mediaCodecs: RtpCodecCapability[] = []): RtpCapabilities {
  if (!Array.isArray(mediaCodecs)) throw new TypeError('invalid mediaCodecs: not an array');
  const supported = getSupportedRtpCapabilities();
  const wanted = mediaCodecs.map((codec, i) => validateRtpCodecCapability(structuredClone(codec), `mediaCodecs[${i}]`));

  // Explicit payload types win, so reserve them all before assigning any.
  const used = new Set<number>();
  wanted.forEach((codec, i) => {
    const pt = codec.preferredPayloadType;
    if (pt === undefined) return;
    if (!isAssignable(pt)) throw new TypeError(`invalid mediaCodecs[${i}].preferredPayloadType: ${pt} is reserved`);
    if (used.has(pt)) throw new TypeError(`invalid mediaCodecs[${i}].preferredPayloadType: duplicated ${pt}`);
    used.add(pt);
  });
  const nextDynamic = (): number => {
    const pt = DYNAMIC_PAYLOAD_TYPES.find((candidate) => !used.has(candidate));
    if (pt === undefined) throw new UnsupportedError('cannot allocate more dynamic codec payload types');
    used.add(pt);
    return pt;
  };

  const codecs: RtpCodecCapability[] = [];
  wanted.forEach((wantedCodec, i) => {
    const match = isRtxCodec(wantedCodec)
      ? undefined
      : supported.codecs!.find((codec) => matchCodecs(wantedCodec, codec, { strict: true }));
    if (!match) {
      throw new UnsupportedError(
        `media codec not supported [mediaCodecs[${i}], mimeType:${wantedCodec.mimeType}, clockRate:${wantedCodec.clockRate}]`,
      );
    }
    const codec: RtpCodecCapability = structuredClone(match);
    codec.parameters = { ...match.parameters, ...wantedCodec.parameters };
    const staticPt = match.preferredPayloadType;
    if (wantedCodec.preferredPayloadType !== undefined) {
      codec.preferredPayloadType = wantedCodec.preferredPayloadType;
    } else if (staticPt !== undefined && !used.has(staticPt)) {
      used.add(staticPt);
      codec.preferredPayloadType = staticPt;
    } else {
      codec.preferredPayloadType = nextDynamic();
    }
    codecs.push(codec);
    if (codec.kind === 'video') {
      codecs.push({
        kind: 'video',
        mimeType: 'video/rtx',
        preferredPayloadType: nextDynamic(),
        clockRate: codec.clockRate,
        parameters: { apt: codec.preferredPayloadType },
        rtcpFeedback: [],
      });
    }
  });

  return { codecs, headerExtensions: supported.headerExtensions ?? [] };
}
