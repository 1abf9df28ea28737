/**
 * The Consommé app's signaling protocol over socket.io.
 *
 * Requests: the client emits `request` with `{ method, data }` and an ack
 * callback; the server acks with a `Reply` (`{ ok: true, data }` or
 * `{ ok: false, error: { code, message } }`). Every request is answered.
 *
 * Notifications: the server emits `notification` with `{ method, data }`.
 *
 * The server validates every request with the schemas below; the client
 * imports only the types.
 */
import { z } from 'zod';

export const PROTOCOL_VERSION = 1;

/** Error codes in a failed reply. */
export const ErrorCode = z.enum([
  'BAD_REQUEST', // the envelope or the data does not match the schema
  'UNKNOWN_METHOD',
  'TOO_LARGE', // the message is over the configured size
  'RATE_LIMITED', // over the configured requests per second
  'NOT_JOINED', // a room request before join
  'ALREADY_JOINED',
  'UNAUTHORIZED', // missing or invalid room token
  'ROOM_FULL',
  'NOT_FOUND', // unknown transport, producer, consumer or data producer id
  'CANNOT_CONSUME', // router.canConsume() said no
  'INVALID_PARAMETERS', // the media library refused the parameters (TypeError, UnsupportedError)
  'INVALID_STATE', // the media library refused in this state (InvalidStateError)
  'INTERNAL',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export interface ErrorInfo {
  code: ErrorCode;
  message: string;
}

export type Reply<T = unknown> = { ok: true; data: T } | { ok: false; error: ErrorInfo };

export const Envelope = z.object({ method: z.string().min(1).max(64), data: z.unknown().optional() });
export type Envelope = z.infer<typeof Envelope>;

const id = z.string().min(1).max(128);
const appData = z.record(z.string(), z.unknown()).optional();

/** A media source the app knows about; the UI keys tiles by peer and source. */
export const Source = z.enum(['mic', 'webcam', 'screen', 'screen-audio']);
export type Source = z.infer<typeof Source>;

// mediasoup-client's parameter objects are checked for shape here and in
// depth by the media library, which answers INVALID_PARAMETERS.
const rtpCodec = z.looseObject({
  mimeType: z.string().min(3).max(64),
  payloadType: z.number().int().min(0).max(127),
  clockRate: z.number().int().positive(),
  channels: z.number().int().positive().optional(),
  parameters: z.record(z.string(), z.unknown()).optional(),
  rtcpFeedback: z.array(z.looseObject({ type: z.string(), parameter: z.string().optional() })).optional(),
});
export const RtpParameters = z.looseObject({
  mid: z.string().max(32).optional(),
  codecs: z.array(rtpCodec).min(1).max(32),
  headerExtensions: z.array(z.looseObject({ uri: z.string(), id: z.number().int().min(1).max(255) })).max(32).optional(),
  encodings: z.array(z.looseObject({})).max(8).optional(),
  rtcp: z.looseObject({}).optional(),
});
export const RtpCapabilities = z.looseObject({
  codecs: z.array(z.looseObject({ mimeType: z.string(), kind: z.enum(['audio', 'video']) })).max(64).optional(),
  headerExtensions: z.array(z.looseObject({ uri: z.string() })).max(64).optional(),
});
export const DtlsParameters = z.looseObject({
  role: z.enum(['auto', 'client', 'server']).optional(),
  fingerprints: z.array(z.object({ algorithm: z.string().min(1).max(16), value: z.string().min(1).max(256) })).min(1).max(8),
});
export const SctpCapabilities = z.looseObject({
  numStreams: z.object({ OS: z.number().int().min(1).max(65535), MIS: z.number().int().min(1).max(65535) }),
});
export const SctpStreamParameters = z.looseObject({
  streamId: z.number().int().min(0).max(65534),
  ordered: z.boolean().optional(),
  maxPacketLifeTime: z.number().int().min(0).optional(),
  maxRetransmits: z.number().int().min(0).optional(),
});

/** Every request's data schema, by method. */
export const requests = {
  /** Join (or rejoin with `reconnect`, after the socket dropped) a room. Rooms are created on first join. */
  join: z.object({
    roomId: z.string().min(1).max(64).regex(/^[\w.-]+$/, 'letters, digits, _ . - only'),
    displayName: z.string().min(1).max(64),
    token: z.string().max(4096).optional(),
    reconnect: z.object({ peerId: id, key: z.string().min(16).max(128) }).optional(),
  }),
  /** Create a WebRTC transport for this peer. */
  createTransport: z.object({
    direction: z.enum(['send', 'recv']),
    sctpCapabilities: SctpCapabilities.optional(),
    forceTcp: z.boolean().optional(),
  }),
  connectTransport: z.object({ transportId: id, dtlsParameters: DtlsParameters }),
  restartIce: z.object({ transportId: id }),
  /** The client's device capabilities; after this the server creates consumers for it. */
  ready: z.object({ rtpCapabilities: RtpCapabilities }),
  produce: z.object({
    transportId: id,
    kind: z.enum(['audio', 'video']),
    rtpParameters: RtpParameters,
    source: Source,
    paused: z.boolean().optional(),
    appData,
  }),
  closeProducer: z.object({ producerId: id }),
  pauseProducer: z.object({ producerId: id }),
  resumeProducer: z.object({ producerId: id }),
  resumeConsumer: z.object({ consumerId: id }),
  pauseConsumer: z.object({ consumerId: id }),
  requestKeyFrame: z.object({ consumerId: id }),
  produceData: z.object({
    transportId: id,
    sctpStreamParameters: SctpStreamParameters,
    label: z.string().max(64),
    protocol: z.string().max(64),
    appData,
  }),
  /** Scores and bitrates of this peer's transports, producers and consumers. */
  getStats: z.object({}).optional(),
  leave: z.object({}).optional(),
} as const;
export type Method = keyof typeof requests;
export type RequestData<M extends Method> = z.input<(typeof requests)[M]>;

export interface IceServer {
  urls: string | string[];
  username?: string;
  credential?: string;
}

export interface ProducerInfo {
  id: string;
  kind: 'audio' | 'video';
  source: Source;
  paused: boolean;
}

export interface PeerInfo {
  id: string;
  displayName: string;
  producers: ProducerInfo[];
}

export interface TransportInfo {
  id: string;
  iceParameters: unknown;
  iceCandidates: unknown[];
  dtlsParameters: unknown;
  sctpParameters?: unknown;
}

/** Reply data, by method. */
export interface Replies {
  join: {
    peerId: string;
    /** Present this with the peer id to rejoin after the socket drops. */
    reconnectKey: string;
    roomId: string;
    routerRtpCapabilities: unknown;
    iceServers: IceServer[];
    /** The other peers already in the room. */
    peers: PeerInfo[];
    /** True when this join took over an earlier session of the same peer. */
    resumed: boolean;
  };
  createTransport: TransportInfo;
  connectTransport: Record<string, never>;
  restartIce: { iceParameters: unknown };
  ready: Record<string, never>;
  produce: { id: string };
  closeProducer: Record<string, never>;
  pauseProducer: Record<string, never>;
  resumeProducer: Record<string, never>;
  resumeConsumer: Record<string, never>;
  pauseConsumer: Record<string, never>;
  requestKeyFrame: Record<string, never>;
  produceData: { id: string };
  getStats: {
    transports: { id: string; direction: 'send' | 'recv'; iceState: string; dtlsState: string; bytesSent: number; bytesReceived: number }[];
    producers: { id: string; source: Source; score: number }[];
    consumers: { id: string; peerId: string; source: Source; score: number; producerScore: number }[];
  };
  leave: Record<string, never>;
}

/** Notifications, by method. */
export interface Notifications {
  peerJoined: PeerInfo;
  peerLeft: { peerId: string };
  /** Consume it with mediasoup-client, then send `resumeConsumer`. */
  newConsumer: {
    id: string;
    producerId: string;
    peerId: string;
    kind: 'audio' | 'video';
    source: Source;
    rtpParameters: unknown;
    type: string;
    producerPaused: boolean;
  };
  consumerClosed: { consumerId: string; peerId: string };
  /** `byProducer`: the remote peer paused (muted) its producer. */
  consumerPaused: { consumerId: string; peerId: string; byProducer: boolean };
  consumerResumed: { consumerId: string; peerId: string; byProducer: boolean };
  consumerScore: { consumerId: string; peerId: string; score: number; producerScore: number };
  producerScore: { producerId: string; score: number };
  newDataConsumer: {
    id: string;
    dataProducerId: string;
    peerId: string;
    sctpStreamParameters: unknown;
    label: string;
    protocol: string;
  };
  dataConsumerClosed: { dataConsumerId: string; peerId: string };
  /** The loudest peer, or null in silence. */
  activeSpeaker: { peerId: string | null };
  /** The room was closed by the server (shutdown). */
  roomClosed: { reason: string };
}
export type NotificationMethod = keyof Notifications;
export interface Notification<M extends NotificationMethod = NotificationMethod> {
  method: M;
  data: Notifications[M];
}

/** Data-channel labels the app uses, and the message formats on them. */
export const CHAT_LABEL = 'chat';
export const FILE_LABEL = 'file';

/** A chat message, as JSON text on the chat channel. */
export interface ChatMessage {
  type: 'chat';
  id: string;
  text: string;
  sentAt: number;
}

/**
 * File transfer on the file channel (ordered, reliable): a JSON `file-start`
 * text message, then binary chunks, each `[16-byte transfer id][data]` (the id is 32 hex digits in the JSON messages), then
 * a JSON `file-end` with the SHA-256 (hex) of the whole file.
 */
export interface FileStart {
  type: 'file-start';
  transferId: string;
  name: string;
  size: number;
  mimeType: string;
}
export interface FileEnd {
  type: 'file-end';
  transferId: string;
  sha256: string;
}
export const FILE_CHUNK_SIZE = 16 * 1024;
