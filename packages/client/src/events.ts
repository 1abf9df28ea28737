import type { Source } from '@consomme/protocol';
import type { RoomErrorInfo } from './errors.js';

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'disconnected' | 'failed';

export interface PeerSummary {
  id: string;
  displayName: string;
}

export interface TrackAdded {
  peerId: string;
  source: Source;
  kind: 'audio' | 'video';
  track: MediaStreamTrack;
  consumerId: string;
  /** The remote peer has this source paused (muted). */
  paused: boolean;
}

export interface TrackRemoved {
  peerId: string;
  source: Source;
  kind: 'audio' | 'video';
  consumerId: string;
}

export interface MuteChange {
  peerId: string;
  source: Source;
  muted: boolean;
}

export interface LocalTrackChange {
  source: Source;
  /** Null when the source stopped. */
  track: MediaStreamTrack | null;
}

export interface ChatEvent {
  id: string;
  /** The sender's peer id (our own for messages we sent). */
  from: string;
  displayName: string;
  text: string;
  sentAt: number;
  local: boolean;
}

export interface FileProgress {
  transferId: string;
  direction: 'send' | 'receive';
  /** The other end: the sender for received files, our own id for sent ones. */
  peerId: string;
  name: string;
  size: number;
  /** Bytes queued (send) or received so far. */
  bytes: number;
}

export interface ReceivedFile {
  transferId: string;
  from: string;
  displayName: string;
  name: string;
  size: number;
  mimeType: string;
  blob: Blob;
  sha256: string;
  verified: boolean;
}

/** Every event of RoomClient, with its arguments. */
export type RoomEvents = {
  connectionState: [ConnectionState];
  peerJoined: [PeerSummary];
  peerLeft: [PeerSummary];
  trackAdded: [TrackAdded];
  trackRemoved: [TrackRemoved];
  peerMuteChanged: [MuteChange];
  localTrack: [LocalTrackChange];
  /** The loudest peer (possibly ourselves), or null in silence. */
  activeSpeaker: [string | null];
  /** Connection quality 0–10 of a peer's media as we receive it (or of our own uplink, for our id). */
  quality: [{ peerId: string; score: number }];
  chat: [ChatEvent];
  fileProgress: [FileProgress];
  fileReceived: [ReceivedFile];
  /** Problems that happen outside any call (notifications, recovery); calls reject instead. */
  error: [RoomErrorInfo];
};
