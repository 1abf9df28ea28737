/**
 * Requests and notifications over a socket.io socket, as described in
 * @consomme/protocol. Requests are never queued while the socket is down
 * (socket.io would replay them into the next session): they fail at once
 * with CONNECTION_LOST, and so do the ones pending when it drops.
 */
import type { Method, NotificationMethod, Notification, Replies, RequestData } from '@consomme/protocol';
import type { Socket } from 'socket.io-client';
import { RoomError } from './errors.js';

const NOTIFICATION_METHODS: ReadonlySet<string> = new Set([
  'peerJoined', 'peerLeft', 'newConsumer', 'consumerClosed', 'consumerPaused', 'consumerResumed', 'consumerScore',
  'producerScore', 'newDataConsumer', 'dataConsumerClosed', 'activeSpeaker', 'roomClosed',
] satisfies NotificationMethod[]);

/** Checks the envelope of a notification; the fields inside are checked where they are used. */
export function parseNotification(raw: unknown): Notification | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const { method, data } = raw as { method?: unknown; data?: unknown };
  if (typeof method !== 'string' || !NOTIFICATION_METHODS.has(method)) return null;
  if (typeof data !== 'object' || data === null) return null;
  return { method, data } as Notification;
}

/** Turns an ack value into the reply data or a RoomError. */
export function parseReply<T>(method: string, reply: unknown): T {
  if (typeof reply === 'object' && reply !== null && 'ok' in reply) {
    const r = reply as { ok: unknown; data?: unknown; error?: { code?: unknown; message?: unknown } };
    if (r.ok === true) return (r.data ?? {}) as T;
    if (r.ok === false && typeof r.error?.code === 'string') {
      return throwError(new RoomError(r.error.code as RoomError['code'], typeof r.error.message === 'string' ? r.error.message : r.error.code));
    }
  }
  return throwError(new RoomError('INTERNAL', `malformed reply to ${method}`));
}

function throwError(error: RoomError): never {
  throw error;
}

/** Opens the socket; rejects with CONNECTION_FAILED on the first failed attempt or after `timeoutMs`. */
export function connectSocket(socket: Socket, timeoutMs: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const done = (error?: RoomError): void => {
      clearTimeout(timer);
      socket.off('connect', onConnect);
      socket.off('connect_error', onError);
      if (error) reject(error);
      else resolve();
    };
    const onConnect = (): void => done();
    const onError = (error: Error): void => done(new RoomError('CONNECTION_FAILED', `Could not reach the server: ${error.message}`));
    const timer = setTimeout(() => done(new RoomError('CONNECTION_FAILED', 'Could not reach the server (timed out)')), timeoutMs);
    socket.on('connect', onConnect);
    socket.on('connect_error', onError);
    socket.connect();
  });
}

export class Signaling {
  readonly #socket: Socket;
  readonly #timeoutMs: number;
  readonly #pending = new Set<(error: RoomError) => void>();

  constructor(socket: Socket, timeoutMs = 15_000) {
    this.#socket = socket;
    this.#timeoutMs = timeoutMs;
  }

  request<M extends Method>(method: M, data: RequestData<M>): Promise<Replies[M]> {
    if (!this.#socket.connected) return Promise.reject(new RoomError('CONNECTION_LOST', `not connected (${method})`));
    return new Promise<Replies[M]>((resolve, reject) => {
      const fail = (error: RoomError): void => {
        clearTimeout(timer);
        this.#pending.delete(fail);
        reject(error);
      };
      const timer = setTimeout(() => fail(new RoomError('TIMEOUT', `${method} got no reply in ${this.#timeoutMs} ms`)), this.#timeoutMs);
      this.#pending.add(fail);
      this.#socket.emit('request', { method, data }, (reply: unknown) => {
        if (!this.#pending.has(fail)) return;
        clearTimeout(timer);
        this.#pending.delete(fail);
        try {
          resolve(parseReply<Replies[M]>(method, reply));
        } catch (error) {
          reject(error);
        }
      });
    });
  }

  /** Fails every pending request (the socket dropped). */
  failPending(error: RoomError): void {
    for (const fail of [...this.#pending]) fail(error);
  }
}
