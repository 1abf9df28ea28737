export { RoomClient, type RoomClientOptions, type PublishOptions } from './room.js';
export { TypedEmitter, type Listener } from './emitter.js';
export { RoomError, mediaError, type ClientErrorCode, type RoomErrorCode, type RoomErrorInfo } from './errors.js';
export type {
  ChatEvent, ConnectionState, FileProgress, LocalTrackChange, MuteChange, PeerSummary, ReceivedFile, RoomEvents, TrackAdded,
  TrackRemoved,
} from './events.js';
export type { FileLike, SentFile } from './file-sender.js';
export type { ConsumerStats, ProducerStats, RoomStats } from './stats.js';
export type { IceWatchOptions } from './ice-watch.js';
export { CHAT_MAX_LENGTH, FILE_MAX_SIZE } from './constants.js';
export type { Source } from '@consomme/protocol';
