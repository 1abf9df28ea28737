/** The rooms API of seed 002 (mediasoup 2.x shape), built on the core v3 API. */
export { Server, RoomsServer, type ServerSettings, type ServerUpdateableSettings, type ServerLogLevel } from './server.js';
export { Room, type RoomMediaCodec, type AudioLevelInfo, type RtpStreamerOptions } from './room.js';
export { Peer } from './peer.js';
export { WebRtcTransport, type IceCandidate, type IceParameters, type IceSelectedTuple, type LocalDtlsParameters, type MirroringOptions } from './webrtc-transport.js';
export { PlainRtpTransport, type PlainRtpTuple } from './plain-rtp-transport.js';
export { Producer } from './producer.js';
export { Consumer } from './consumer.js';
export { ActiveSpeakerDetector } from './active-speaker-detector.js';
export { RtpStreamer } from './rtp-streamer.js';
export type { EffectiveProfile, Originator, RtpProfile } from './types.js';
