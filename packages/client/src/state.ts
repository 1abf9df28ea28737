import type { ConnectionState } from './events.js';

/** Where a RoomClient is in its life. */
export type Phase = 'idle' | 'joining' | 'joined' | 'rejoining' | 'left' | 'failed';

/**
 * The state the app shows. While joined, a dropped socket or a transport whose
 * ICE is failing is `reconnecting`: the client is already repairing it.
 */
export function connectionStateFor(phase: Phase, socketConnected: boolean, iceHealthy: boolean): ConnectionState {
  switch (phase) {
    case 'idle':
    case 'left':
      return 'disconnected';
    case 'joining':
      return 'connecting';
    case 'joined':
      return socketConnected && iceHealthy ? 'connected' : 'reconnecting';
    case 'rejoining':
      return 'reconnecting';
    case 'failed':
      return 'failed';
  }
}
