/** Transport-level types of the mediasoup v3 API. */

export type AppData = Record<string, unknown>;

export type TransportProtocol = 'udp' | 'tcp';

export interface TransportPortRange {
  /** Lowest port in the range. */
  min: number;
  /** Highest port in the range. */
  max: number;
}

export interface TransportListenInfo {
  /** Network protocol. */
  protocol: TransportProtocol;
  /** Listening IPv4 or IPv6 address. */
  ip: string;
  /** Announced IPv4, IPv6 or hostname (useful behind NAT). */
  announcedAddress?: string;
  /** @deprecated Use announcedAddress. */
  announcedIp?: string;
  /** Listening port. 0 or absent picks one from the worker's range (or portRange). */
  port?: number;
  /** Listening port range; ignored when port is given and not 0. */
  portRange?: TransportPortRange;
  /** Socket flags (accepted for compatibility; ipv6Only and udpReusePort are honoured where Node can). */
  flags?: { ipv6Only?: boolean; udpReusePort?: boolean };
  /** Send buffer size (bytes). */
  sendBufferSize?: number;
  /** Receive buffer size (bytes). */
  recvBufferSize?: number;
}

export interface TransportListenIp {
  ip: string;
  announcedIp?: string;
}

export interface TransportTuple {
  localAddress: string;
  /** @deprecated Use localAddress. */
  localIp: string;
  localPort: number;
  remoteIp?: string;
  remotePort?: number;
  protocol: TransportProtocol;
}

export type IceRole = 'controlled' | 'controlling';
export type IceState = 'new' | 'connected' | 'completed' | 'disconnected' | 'closed';

export interface IceParameters {
  usernameFragment: string;
  password: string;
  iceLite?: boolean;
}

export interface IceCandidate {
  foundation: string;
  priority: number;
  /** @deprecated Use address. */
  ip: string;
  address: string;
  protocol: TransportProtocol;
  port: number;
  type: 'host';
  tcpType?: 'passive';
}

export type DtlsRole = 'auto' | 'client' | 'server';
export type DtlsState = 'new' | 'connecting' | 'connected' | 'failed' | 'closed';
export type FingerprintAlgorithm = 'sha-1' | 'sha-224' | 'sha-256' | 'sha-384' | 'sha-512';

export interface DtlsFingerprint {
  algorithm: FingerprintAlgorithm;
  value: string;
}

export interface DtlsParameters {
  role?: DtlsRole;
  fingerprints: DtlsFingerprint[];
}

export type SrtpCryptoSuite =
  | 'AEAD_AES_256_GCM'
  | 'AEAD_AES_128_GCM'
  | 'AES_CM_128_HMAC_SHA1_80'
  | 'AES_CM_128_HMAC_SHA1_32';

export type SctpState = 'new' | 'connecting' | 'connected' | 'failed' | 'closed';

/** Counters of what the media plane dropped, by reason. Never thrown: counted. */
export type DropCounters = Record<string, number>;

export interface WebRtcTransportStats {
  type: 'webrtc-transport';
  transportId: string;
  timestamp: number;
  sctpState?: SctpState;
  bytesReceived: number;
  recvBitrate: number;
  bytesSent: number;
  sendBitrate: number;
  rtpBytesReceived: number;
  rtpRecvBitrate: number;
  rtpBytesSent: number;
  rtpSendBitrate: number;
  rtxBytesReceived: number;
  rtxRecvBitrate: number;
  rtxBytesSent: number;
  rtxSendBitrate: number;
  probationBytesSent: number;
  probationSendBitrate: number;
  availableOutgoingBitrate?: number;
  /** Set by setMaxOutgoingBitrate / setMinOutgoingBitrate (absent when 0). */
  maxOutgoingBitrate?: number;
  minOutgoingBitrate?: number;
  availableIncomingBitrate?: number;
  maxIncomingBitrate?: number;
  iceRole: IceRole;
  iceState: IceState;
  iceSelectedTuple?: TransportTuple;
  dtlsState: DtlsState;
  /** Consommé extension: the negotiated SRTP crypto suite once DTLS is connected. */
  srtpCryptoSuite?: SrtpCryptoSuite;
  /** Consommé extension: transport-cc feedback packets sent to the endpoint about what it produces. */
  rtcpTransportCcSent?: number;
  /** Consommé extension: REMB packets sent to the endpoint (while `setMaxIncomingBitrate` caps it). */
  rtcpRembSent?: number;
  /** Consommé extension: datagrams and frames dropped, by reason. */
  dropped: DropCounters;
}

export type ProducerTraceEventType = 'rtp' | 'keyframe' | 'nack' | 'pli' | 'fir';
export type ConsumerTraceEventType = 'rtp' | 'keyframe' | 'nack' | 'pli' | 'fir';
export type TransportTraceEventType = 'probation' | 'bwe';

/** A 'trace' event (enableTraceEvent): what happened, when (ms since the epoch), which way, and details. */
export interface TraceEventData<Type extends string = string> {
  type: Type;
  timestamp: number;
  direction: 'in' | 'out';
  info: Record<string, unknown>;
}

export type ProducerTraceEventData = TraceEventData<ProducerTraceEventType>;
export type ConsumerTraceEventData = TraceEventData<ConsumerTraceEventType>;
export type TransportTraceEventData = TraceEventData<TransportTraceEventType>;
