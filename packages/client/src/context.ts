import type { types } from 'mediasoup-client';
import type { RoomErrorCode } from './errors.js';
import type { RoomEvents } from './events.js';
import type { Signaling } from './signaling.js';

/** What the parts of a RoomClient (publisher, subscriber, data channels) need of it. */
export interface RoomContext {
  readonly signaling: Signaling;
  emit<K extends keyof RoomEvents>(event: K, ...args: RoomEvents[K]): void;
  /** Our peer id ('' before the first join). */
  peerId(): string;
  peerName(peerId: string): string;
  sendTransport(): types.Transport | undefined;
  recvTransport(): types.Transport | undefined;
  /** Emits an `error` event for a problem no caller is waiting on. */
  reportError(error: unknown, fallback?: RoomErrorCode): void;
}
