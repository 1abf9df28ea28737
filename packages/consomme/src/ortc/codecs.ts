import { generateProfileLevelIdStringForAnswer, isSameProfile } from 'h264-profile-level-id';
import type { RtcpFeedback, RtpCodecCapability, RtpCodecParameters } from './types.js';

/*
 * Codec comparison rules shared by every negotiation step.
 */

/** Anything with the codec fields both capabilities and parameters carry. */
export type CodecLike = Pick<RtpCodecCapability, 'mimeType' | 'clockRate' | 'channels' | 'parameters' | 'rtcpFeedback'>;

export type MatchCodecsOptions = {
  /**
   * Also compare what decides decoder compatibility: the H264 profile and
   * packetization mode (RFC 6184 section 8.1), the VP9 profile-id.
   */
  strict?: boolean;
  /**
   * With `strict`, write the negotiated H264 profile-level-id (the level an
   * answer may use) into BOTH codecs' parameters. Pass copies.
   */
  modify?: boolean;
};

const RTX = /^(audio|video)\/rtx$/i;

export function isRtxCodec(codec: { mimeType: string } | undefined): boolean {
  return codec !== undefined && RTX.test(codec.mimeType);
}

/** fmtp values arrive as numbers or strings ('1' vs 1) depending on the source. */
function param(codec: CodecLike, key: string, fallback: number): string {
  const value = codec.parameters?.[key];
  return String(value ?? fallback);
}

export function matchCodecs(a: CodecLike, b: CodecLike, { strict = false, modify = false }: MatchCodecsOptions = {}): boolean {
  const mimeType = a.mimeType.toLowerCase();
  if (mimeType !== b.mimeType.toLowerCase()) return false;
  if (a.clockRate !== b.clockRate) return false;
  if (a.channels !== b.channels) return false;

  switch (mimeType) {
    case 'audio/multiopus':
      // The stream layout is part of the codec: a decoder set up for 5.1
      // cannot play a 7.1 bitstream.
      return (
        param(a, 'num_streams', 0) === param(b, 'num_streams', 0) &&
        param(a, 'coupled_streams', 0) === param(b, 'coupled_streams', 0)
      );
    case 'video/h264':
      return strict ? matchH264(a, b, modify) : true;
    case 'video/vp9':
      return strict ? param(a, 'profile-id', 0) === param(b, 'profile-id', 0) : true;
    default:
      return true;
  }
}

function matchH264(a: CodecLike, b: CodecLike, modify: boolean): boolean {
  // An absent packetization-mode means mode 0 (RFC 6184 section 8.1).
  if (param(a, 'packetization-mode', 0) !== param(b, 'packetization-mode', 0)) return false;
  const aParams = a.parameters ?? {};
  const bParams = b.parameters ?? {};
  if (!isSameProfile(aParams, bParams)) return false;
  let answer: string | undefined;
  try {
    answer = generateProfileLevelIdStringForAnswer(aParams, bParams);
  } catch {
    return false;
  }
  if (modify) {
    for (const params of [aParams, bParams]) {
      if (answer) params['profile-level-id'] = answer;
      else delete params['profile-level-id'];
    }
  }
  return true;
}

/** The feedback entries of `a` that `b` also lists, in `a`'s order. */
export function reduceRtcpFeedback(a: CodecLike, b: CodecLike): RtcpFeedback[] {
  const out: RtcpFeedback[] = [];
  for (const fb of a.rtcpFeedback ?? []) {
    const same = (b.rtcpFeedback ?? []).some(
      (other) => other.type === fb.type && (other.parameter ?? '') === (fb.parameter ?? ''),
    );
    if (same) out.push({ ...fb });
  }
  return out;
}

/**
 * From RTP parameters' codecs, keep one media codec and the RTX codec bound
 * to it: the first media codec, or the first one matching `capCodec`
 * strictly. Throws TypeError when `capCodec` matches none.
 */
export function reduceCodecs(codecs: RtpCodecParameters[], capCodec?: CodecLike): RtpCodecParameters[] {
  const media = capCodec
    ? codecs.find((codec) => !isRtxCodec(codec) && matchCodecs(codec, capCodec, { strict: true }))
    : codecs.find((codec) => !isRtxCodec(codec));
  if (!media) throw new TypeError(capCodec ? 'no matching codec found' : 'no media codec found');
  const rtx = codecs.find((codec) => isRtxCodec(codec) && Number(codec.parameters?.['apt']) === media.payloadType);
  return rtx ? [media, rtx] : [media];
}
