import { UnsupportedError } from '../errors.js';
import { isRtxCodec, matchCodecs, reduceRtcpFeedback } from './codecs.js';
import { randomSsrcBase } from './random.js';
import { parseScalabilityMode } from './scalability.js';
import type { RtpCapabilities, RtpCodecCapability, RtpCodecParameters, RtpEncodingParameters, RtpParameters } from './types.js';
import { validateRtpCapabilities } from './validate.js';

/*
 * What a consumer endpoint receives: the producer's consumable parameters cut
 * down to what the endpoint's RTP capabilities say it can decode.
 */

const TRANSPORT_CC_URI = 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01';
const ABS_SEND_TIME_URI = 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time';

function remoteMediaMatch(codec: RtpCodecParameters, caps: RtpCapabilities): RtpCodecCapability | undefined {
  return (caps.codecs ?? []).find(
    (cap) => !isRtxCodec(cap) && matchCodecs(structuredClone(cap), structuredClone(codec), { strict: true }),
  );
}

/** Whether an endpoint with `caps` can decode at least one media codec of the producer. */
export function canConsume(consumableRtpParameters: RtpParameters, caps: RtpCapabilities): boolean {
  const remote = validateRtpCapabilities(structuredClone(caps));
  return consumableRtpParameters.codecs.some((codec) => !isRtxCodec(codec) && remoteMediaMatch(codec, remote) !== undefined);
}

export type GetConsumerRtpParametersOptions = {
  consumableRtpParameters: RtpParameters;
  remoteRtpCapabilities: RtpCapabilities;
  /** Pipe consumers forward every encoding as is, to another router. */
  pipe?: boolean;
  /** Offer RTX and NACK. Default: true for video, false for audio (as mediasoup). */
  enableRtx?: boolean;
};

/**
 * The consumer's RTP parameters (without `mid`, which the transport assigns).
 *
 * Codecs keep the router's payload types (mediasoup-client checks the first
 * one against its receive capabilities); RTCP feedback is what both sides
 * list; RTX stays only when enabled and the endpoint has RTX for that codec.
 * Congestion control feedback follows the header extensions kept:
 * transport-cc when its extension is there, else goog-remb with
 * abs-send-time, else neither. Non-pipe consumers get one encoding with a
 * fresh SSRC (RTX SSRC right after it) and a scalabilityMode covering all of
 * the producer's layers.
 *
 * Throws UnsupportedError when no media codec is compatible.
 */
export function getConsumerRtpParameters({
  consumableRtpParameters,
  remoteRtpCapabilities,
  pipe = false,
  enableRtx,
}: GetConsumerRtpParametersOptions): RtpParameters {
  const remote = validateRtpCapabilities(structuredClone(remoteRtpCapabilities));
  const source = consumableRtpParameters.codecs;
  const rtxWanted = enableRtx ?? source.some((codec) => codec.mimeType.toLowerCase().startsWith('video/'));

  const codecs: RtpCodecParameters[] = [];
  let rtxSupported = false;
  for (const codec of source) {
    if (isRtxCodec(codec)) continue;
    const cap = remoteMediaMatch(codec, remote);
    if (!cap) continue;
    const media = structuredClone(codec);
    // Without RTX a generic NACK would only ask for packets nobody resends.
    media.rtcpFeedback = reduceRtcpFeedback(cap, codec).filter((fb) => rtxWanted || fb.type !== 'nack' || fb.parameter);
    codecs.push(media);
    if (!rtxWanted) continue;
    const rtx = source.find((c) => isRtxCodec(c) && c.parameters?.['apt'] === codec.payloadType);
    const remoteRtx = (remote.codecs ?? []).find(
      (c) =>
        isRtxCodec(c) &&
        c.clockRate === codec.clockRate &&
        (cap.preferredPayloadType === undefined || c.parameters?.['apt'] === cap.preferredPayloadType),
    );
    if (rtx && remoteRtx) {
      codecs.push(structuredClone(rtx));
      rtxSupported = true;
    }
  }
  if (codecs.length === 0) throw new UnsupportedError('no compatible media codecs');

  // Kind counts too: a browser listing playout-delay for video only must not
  // get it on audio just because the router uses the same id for both.
  const kind = codecs[0]!.mimeType.split('/')[0]!.toLowerCase();
  const headerExtensions = structuredClone(consumableRtpParameters.headerExtensions ?? []).filter((ext) =>
    (remote.headerExtensions ?? []).some((cap) => cap.kind === kind && cap.uri === ext.uri && cap.preferredId === ext.id),
  );
  const has = (uri: string): boolean => headerExtensions.some((ext) => ext.uri === uri);
  const dropped: readonly string[] = has(TRANSPORT_CC_URI)
    ? ['goog-remb']
    : has(ABS_SEND_TIME_URI)
      ? ['transport-cc']
      : ['transport-cc', 'goog-remb'];
  for (const codec of codecs) codec.rtcpFeedback = (codec.rtcpFeedback ?? []).filter((fb) => !dropped.includes(fb.type));

  const sourceEncodings = consumableRtpParameters.encodings ?? [];
  const encodings = pipe ? pipeEncodings(sourceEncodings, rtxSupported) : [singleEncoding(sourceEncodings, rtxSupported)];
  const rtcp = { ...consumableRtpParameters.rtcp, reducedSize: true };
  return { codecs, headerExtensions, encodings, rtcp };
}

function singleEncoding(source: RtpEncodingParameters[], rtx: boolean): RtpEncodingParameters {
  const ssrc = randomSsrcBase(2);
  const encoding: RtpEncodingParameters = { ssrc };
  if (rtx) encoding.rtx = { ssrc: ssrc + 1 };
  // Simulcast layers reach the consumer as spatial layers of one stream.
  let mode = source.find((e) => e.scalabilityMode)?.scalabilityMode;
  if (source.length > 1) mode = `L${source.length}T${parseScalabilityMode(mode).temporalLayers}`;
  if (mode) encoding.scalabilityMode = mode;
  const maxBitrate = Math.max(0, ...source.map((e) => e.maxBitrate ?? 0));
  if (maxBitrate > 0) encoding.maxBitrate = maxBitrate;
  return encoding;
}

function pipeEncodings(source: RtpEncodingParameters[], rtx: boolean): RtpEncodingParameters[] {
  const base = randomSsrcBase(source.length);
  const rtxBase = randomSsrcBase(source.length);
  return source.map((e, i) => {
    const { rtx: _rtx, ...rest } = structuredClone(e);
    const encoding: RtpEncodingParameters = { ...rest, ssrc: base + i };
    if (rtx) encoding.rtx = { ssrc: rtxBase + i };
    return encoding;
  });
}
