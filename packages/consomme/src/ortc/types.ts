/**
 * The RTP and SCTP parameter and capability shapes of the mediasoup v3 API.
 *
 * Field names are exactly mediasoup's: these objects cross the signaling
 * channel unchanged to and from `mediasoup-client`, which validates them.
 * Semantics: https://mediasoup.org/documentation/v3/mediasoup/rtp-parameters-and-capabilities/
 * and https://mediasoup.org/documentation/v3/mediasoup/sctp-parameters/
 */

export type MediaKind = 'audio' | 'video';

/** What an endpoint (or the router) can receive. */
export type RtpCapabilities = {
  codecs?: RtpCodecCapability[];
  headerExtensions?: RtpHeaderExtension[];
};

/**
 * One codec an endpoint can handle. In `RouterOptions.mediaCodecs` the
 * `preferredPayloadType` may be omitted: the router assigns one.
 */
export type RtpCodecCapability = {
  kind: MediaKind;
  mimeType: string;
  preferredPayloadType?: number;
  clockRate: number;
  channels?: number;
  parameters?: RtpCodecParametersParameters;
  rtcpFeedback?: RtcpFeedback[];
};

/** Codec-specific fmtp parameters (a=fmtp), e.g. `{ 'packetization-mode': 1 }`. */
export type RtpCodecParametersParameters = Record<string, string | number>;

/**
 * Direction from the router's point of view: 'recvonly' means the router
 * accepts it from producers but never sends it to consumers.
 */
export type RtpHeaderExtensionDirection = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

export type RtpHeaderExtensionUri =
  | 'urn:ietf:params:rtp-hdrext:sdes:mid'
  | 'urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id'
  | 'urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id'
  | 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time'
  | 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01'
  | 'urn:ietf:params:rtp-hdrext:ssrc-audio-level'
  | 'https://aomediacodec.github.io/av1-rtp-spec/#dependency-descriptor-rtp-header-extension'
  | 'urn:3gpp:video-orientation'
  | 'http://www.webrtc.org/experiments/rtp-hdrext/abs-capture-time'
  | 'urn:ietf:params:rtp-hdrext:toffset'
  | 'http://www.webrtc.org/experiments/rtp-hdrext/playout-delay'
  | 'urn:mediasoup:params:rtp-hdrext:packet-id';

/** A header extension an endpoint supports (RFC 8285 a=extmap in capabilities). */
export type RtpHeaderExtension = {
  kind: MediaKind;
  uri: RtpHeaderExtensionUri;
  preferredId: number;
  preferredEncrypt?: boolean;
  direction?: RtpHeaderExtensionDirection;
};

/** The parameters of one sent or received media stream (with its simulcast layers). */
export type RtpParameters = {
  mid?: string;
  codecs: RtpCodecParameters[];
  headerExtensions?: RtpHeaderExtensionParameters[];
  encodings?: RtpEncodingParameters[];
  rtcp?: RtcpParameters;
  /** Set by mediasoup-client on producers; "streamId trackId". */
  msid?: string;
};

export type RtpCodecParameters = {
  mimeType: string;
  payloadType: number;
  clockRate: number;
  channels?: number;
  parameters?: RtpCodecParametersParameters;
  rtcpFeedback?: RtcpFeedback[];
};

/** An a=rtcp-fb entry, e.g. `{ type: 'nack', parameter: 'pli' }`. */
export type RtcpFeedback = {
  type: string;
  parameter?: string;
};

export type RtpEncodingParameters = {
  ssrc?: number;
  rid?: string;
  codecPayloadType?: number;
  rtx?: { ssrc: number };
  dtx?: boolean;
  scalabilityMode?: string;
  scaleResolutionDownBy?: number;
  maxBitrate?: number;
  maxFramerate?: number;
  adaptivePtime?: boolean;
  priority?: 'very-low' | 'low' | 'medium' | 'high';
  networkPriority?: 'very-low' | 'low' | 'medium' | 'high';
  active?: boolean;
};

export type RtpHeaderExtensionParameters = {
  uri: RtpHeaderExtensionUri;
  id: number;
  encrypt?: boolean;
  parameters?: RtpCodecParametersParameters;
};

export type RtcpParameters = {
  cname?: string;
  reducedSize?: boolean;
  /** Accepted for mediasoup-client compatibility; RTCP is always muxed. */
  mux?: boolean;
};

/** How a producer's payload types and SSRCs are rewritten inside the router. */
export type RtpMapping = {
  codecs: RtpMappingCodec[];
  encodings: RtpMappingEncoding[];
};

export type RtpMappingCodec = {
  payloadType: number;
  mappedPayloadType: number;
};

export type RtpMappingEncoding = {
  ssrc?: number;
  rid?: string;
  scalabilityMode?: string;
  mappedSsrc: number;
};

export type NumSctpStreams = {
  /** Outgoing streams (OS). */
  OS: number;
  /** Maximum incoming streams (MIS). */
  MIS: number;
};

export type SctpCapabilities = {
  numStreams: NumSctpStreams;
};

export type SctpParameters = {
  port: number;
  OS: number;
  MIS: number;
  maxMessageSize: number;
};

export type SctpStreamParameters = {
  streamId: number;
  ordered?: boolean;
  maxPacketLifeTime?: number;
  maxRetransmits?: number;
};
