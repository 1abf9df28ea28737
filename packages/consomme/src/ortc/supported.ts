import type {
  MediaKind,
  RtcpFeedback,
  RtpCapabilities,
  RtpCodecCapability,
  RtpHeaderExtension,
  RtpHeaderExtensionDirection,
  RtpHeaderExtensionUri,
} from './types.js';

/*
 * What the router can forward. Each entry stands for one combination of
 * parameters that needs its own payload type (an H264 profile and
 * packetization mode, a VP9 profile, a multiopus channel layout), which is how
 * `generateRouterRtpCapabilities` picks the entry a configured codec maps to.
 *
 * Header extension ids, encryption and directions follow mediasoup's own
 * router capabilities, so mediasoup-client negotiates the same extmap ids and
 * a browser sees identical SDP with either server.
 */

// `parameter: ''` spelled out: mediasoup's router capabilities carry it too.
const VIDEO_FEEDBACK: readonly RtcpFeedback[] = [
  { type: 'nack', parameter: '' },
  { type: 'nack', parameter: 'pli' },
  { type: 'ccm', parameter: 'fir' },
  { type: 'goog-remb', parameter: '' },
  { type: 'transport-cc', parameter: '' },
];
const OPUS_FEEDBACK: readonly RtcpFeedback[] = [
  { type: 'nack', parameter: '' },
  { type: 'transport-cc', parameter: '' },
];
const G711_FEEDBACK: readonly RtcpFeedback[] = [{ type: 'transport-cc', parameter: '' }];

function audio(
  mimeType: string,
  clockRate: number,
  channels: number,
  rtcpFeedback: readonly RtcpFeedback[],
  extra: Partial<RtpCodecCapability> = {},
): RtpCodecCapability {
  return { kind: 'audio', mimeType, clockRate, channels, parameters: {}, rtcpFeedback: rtcpFeedback.map((fb) => ({ ...fb })), ...extra };
}

function video(mimeType: string, parameters: Record<string, string | number> = {}): RtpCodecCapability {
  return { kind: 'video', mimeType, clockRate: 90000, parameters, rtcpFeedback: VIDEO_FEEDBACK.map((fb) => ({ ...fb })) };
}

/** Level 3.1 (0x1f) is only the default: a configured level replaces it. */
const H264_PROFILE_LEVEL_IDS = [
  '42e01f', // Constrained Baseline
  '42001f', // Baseline
  '4d001f', // Main
  '640c1f', // Constrained High
  '64001f', // High
] as const;

function h264Codecs(): RtpCodecCapability[] {
  const out: RtpCodecCapability[] = [];
  for (const packetizationMode of [1, 0]) {
    for (const profileLevelId of H264_PROFILE_LEVEL_IDS) {
      out.push(
        video('video/H264', {
          'level-asymmetry-allowed': 1,
          'packetization-mode': packetizationMode,
          'profile-level-id': profileLevelId,
        }),
      );
    }
  }
  return out;
}

function codecs(): RtpCodecCapability[] {
  return [
    audio('audio/opus', 48000, 2, OPUS_FEEDBACK),
    // Channel mappings as in RFC 7845 section 5.1.1.2 for quad, 5.1 and 7.1.
    audio('audio/multiopus', 48000, 4, OPUS_FEEDBACK, {
      parameters: { channel_mapping: '0,1,2,3', num_streams: 2, coupled_streams: 2 },
    }),
    audio('audio/multiopus', 48000, 6, OPUS_FEEDBACK, {
      parameters: { channel_mapping: '0,4,1,2,3,5', num_streams: 4, coupled_streams: 2 },
    }),
    audio('audio/multiopus', 48000, 8, OPUS_FEEDBACK, {
      parameters: { channel_mapping: '0,6,1,2,3,4,5,7', num_streams: 5, coupled_streams: 3 },
    }),
    // Static payload types from RFC 3551 section 6.
    audio('audio/PCMU', 8000, 1, G711_FEEDBACK, { preferredPayloadType: 0 }),
    audio('audio/PCMA', 8000, 1, G711_FEEDBACK, { preferredPayloadType: 8 }),
    // G722 samples at 16 kHz but its RTP clock is 8000 (RFC 3551 section 4.5.2).
    audio('audio/G722', 8000, 1, G711_FEEDBACK, { preferredPayloadType: 9 }),
    audio('audio/telephone-event', 48000, 1, []),
    audio('audio/telephone-event', 32000, 1, []),
    audio('audio/telephone-event', 16000, 1, []),
    audio('audio/telephone-event', 8000, 1, []),
    video('video/VP8'),
    video('video/VP9', { 'profile-id': 0 }),
    video('video/VP9', { 'profile-id': 1 }),
    video('video/VP9', { 'profile-id': 2 }),
    video('video/VP9', { 'profile-id': 3 }),
    ...h264Codecs(),
    video('video/H265'),
    video('video/AV1'),
  ];
}

const HEADER_EXTENSIONS: ReadonlyArray<readonly [MediaKind, RtpHeaderExtensionUri, number, RtpHeaderExtensionDirection]> = [
  ['audio', 'urn:ietf:params:rtp-hdrext:sdes:mid', 1, 'sendrecv'],
  ['video', 'urn:ietf:params:rtp-hdrext:sdes:mid', 1, 'sendrecv'],
  // Simulcast layer names only matter on the way in: consumers get one SSRC.
  ['video', 'urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id', 2, 'recvonly'],
  ['video', 'urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id', 3, 'recvonly'],
  ['audio', 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time', 4, 'sendrecv'],
  ['video', 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time', 4, 'sendrecv'],
  // Receive-only for audio: the router estimates its send bandwidth from video alone.
  ['audio', 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01', 5, 'recvonly'],
  ['video', 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01', 5, 'sendrecv'],
  // Sent to consumers of AV1 producers only (see getConsumableRtpParameters): Chromium does not
  // decode AV1 with spatial layers without it.
  ['video', 'https://aomediacodec.github.io/av1-rtp-spec/#dependency-descriptor-rtp-header-extension', 8, 'sendrecv'],
  ['audio', 'urn:ietf:params:rtp-hdrext:ssrc-audio-level', 10, 'sendrecv'],
  ['video', 'urn:3gpp:video-orientation', 11, 'sendrecv'],
  ['video', 'urn:ietf:params:rtp-hdrext:toffset', 12, 'sendrecv'],
  ['audio', 'http://www.webrtc.org/experiments/rtp-hdrext/abs-capture-time', 13, 'sendrecv'],
  ['video', 'http://www.webrtc.org/experiments/rtp-hdrext/abs-capture-time', 13, 'sendrecv'],
  ['audio', 'http://www.webrtc.org/experiments/rtp-hdrext/playout-delay', 14, 'sendrecv'],
  ['video', 'http://www.webrtc.org/experiments/rtp-hdrext/playout-delay', 14, 'sendrecv'],
];

function headerExtensions(): RtpHeaderExtension[] {
  return HEADER_EXTENSIONS.map(([kind, uri, preferredId, direction]) => ({
    kind,
    uri,
    preferredId,
    preferredEncrypt: false,
    direction,
  }));
}

/** A fresh copy on every call: callers may mutate what they get. */
export function getSupportedRtpCapabilities(): RtpCapabilities {
  return { codecs: codecs(), headerExtensions: headerExtensions() };
}
