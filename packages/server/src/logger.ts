/**
 * Structured logs (pino, JSON lines). Room and peer loggers are children that
 * carry roomId / peerId on every line.
 */
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string): Logger {
  return pino({ level, base: { name: 'consomme-server' } });
}

export function roomLogger(parent: Logger, roomId: string): Logger {
  return parent.child({ roomId });
}

export function peerLogger(roomLog: Logger, peerId: string): Logger {
  return roomLog.child({ peerId });
}
