import type { ErrorCode } from '@consomme/protocol';

/** Errors that start in the browser rather than in a server reply. */
export type ClientErrorCode =
  | 'NO_DEVICE' // no camera or microphone (or none matching the chosen device id)
  | 'PERMISSION_DENIED' // the user or the browser refused camera, microphone or screen
  | 'DEVICE_IN_USE' // the device exists but could not be started
  | 'NOT_SUPPORTED' // the browser lacks a needed API (or this is not a secure context)
  | 'MEDIA_FAILED' // any other capture failure
  | 'CONNECTION_FAILED' // the signaling connection could not be opened
  | 'CONNECTION_LOST' // the signaling connection dropped while a request was pending
  | 'TIMEOUT' // a request got no reply in time
  | 'ICE_FAILED' // media connectivity could not be restored
  | 'ROOM_CLOSED' // the server closed the room
  | 'CLOSED' // the room client was left or never joined
  | 'FILE_TOO_LARGE';

export type RoomErrorCode = ErrorCode | ClientErrorCode;

export interface RoomErrorInfo {
  code: RoomErrorCode;
  message: string;
}

export class RoomError extends Error {
  readonly code: RoomErrorCode;

  constructor(code: RoomErrorCode, message: string) {
    super(message);
    this.name = 'RoomError';
    this.code = code;
  }

  toInfo(): RoomErrorInfo {
    return { code: this.code, message: this.message };
  }
}

export function toRoomError(error: unknown, fallback: RoomErrorCode = 'INTERNAL'): RoomError {
  if (error instanceof RoomError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new RoomError(fallback, message);
}

/** Maps a getUserMedia / getDisplayMedia rejection (a DOMException) to a typed error. */
export function mediaError(error: unknown, what: string): RoomError {
  if (error instanceof RoomError) return error;
  const name = typeof error === 'object' && error !== null && 'name' in error ? String(error.name) : '';
  const detail = error instanceof Error && error.message ? `: ${error.message}` : '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return new RoomError('PERMISSION_DENIED', `Permission to use the ${what} was denied${detail}`);
    case 'NotFoundError':
    case 'OverconstrainedError':
      return new RoomError('NO_DEVICE', `No ${what} was found${detail}`);
    case 'NotReadableError':
    case 'AbortError':
      return new RoomError('DEVICE_IN_USE', `The ${what} could not be started; another application may be using it${detail}`);
    case 'TypeError':
    case 'NotSupportedError':
      return new RoomError('NOT_SUPPORTED', `This browser cannot capture the ${what}${detail}`);
    default:
      return new RoomError('MEDIA_FAILED', `The ${what} failed${detail}`);
  }
}
