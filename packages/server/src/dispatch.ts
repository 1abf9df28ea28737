/**
 * The socket side of the protocol. Every `request` with an ack gets exactly
 * one reply, in this order of checks: size (TOO_LARGE), rate (RATE_LIMITED),
 * envelope and data schemas (BAD_REQUEST, UNKNOWN_METHOD), join first
 * (NOT_JOINED), then the handler, whose errors are mapped by toErrorInfo().
 * Nothing thrown here reaches socket.io.
 */
import { Envelope, requests, type ErrorCode, type Method, type Reply } from '@consomme/protocol';
import type { Socket } from 'socket.io';
import type { z } from 'zod';
import { Connection } from './connection.js';
import type { Data, JoinedContext, ServerContext } from './context.js';
import { AppError, toErrorInfo } from './errors.js';
import { handlers } from './handlers.js';
import { join } from './join.js';

/** A handler still running after this is answered INTERNAL, and the socket's next requests go on. */
const REQUEST_TIMEOUT_MS = 20_000;

function describeIssues(error: z.ZodError): string {
  const text = error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}

/** JSON length of what the client sent; Infinity when it cannot be measured. */
function measure(payload: unknown): number {
  try {
    return JSON.stringify(payload)?.length ?? 0;
  } catch {
    return Infinity;
  }
}

export function serveSocket(server: ServerContext, socket: Socket): Connection {
  const connection = new Connection(socket, server.config.limits.requestsPerSecond, server.log);
  socket.on('request', (...args: unknown[]) => {
    try {
      onRequest(server, connection, args);
    } catch (error) {
      connection.log.error({ err: String(error) }, 'request dispatch failed');
    }
  });
  socket.on('disconnect', (reason) => {
    try {
      onDisconnect(server, connection, reason);
    } catch (error) {
      connection.log.error({ err: String(error) }, 'disconnect handling failed');
    }
  });
  return connection;
}

function onRequest(server: ServerContext, connection: Connection, args: unknown[]): void {
  const last = args[args.length - 1];
  const ack = typeof last === 'function' ? (last as (reply: Reply) => void) : undefined;
  if (!ack) {
    // Counted against the rate too, so a flood of these cannot flood the log.
    if (connection.bucket.take()) connection.log.warn('request without an ack callback ignored');
    return;
  }
  let answered = false;
  const respond = (reply: Reply): void => {
    if (answered) return;
    answered = true;
    try {
      ack(reply);
    } catch (error) {
      connection.log.warn({ err: String(error) }, 'ack failed');
    }
  };
  const fail = (code: ErrorCode, message: string): void => respond({ ok: false, error: { code, message } });

  const payload = args.length > 1 ? args[0] : undefined;
  const { maxMessageBytes } = server.config.limits;
  const size = measure(payload);
  if (size > maxMessageBytes) return fail('TOO_LARGE', `request is ${size} bytes, over the limit of ${maxMessageBytes}`);
  if (!connection.bucket.take()) return fail('RATE_LIMITED', 'too many requests; slow down');
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    return fail('BAD_REQUEST', 'a request is an object { method, data }');
  }
  const envelope = Envelope.safeParse(payload);
  if (!envelope.success) return fail('BAD_REQUEST', describeIssues(envelope.error));
  const { method } = envelope.data;
  if (!Object.hasOwn(requests, method)) return fail('UNKNOWN_METHOD', `unknown method "${method}"`);
  const parsed = requests[method as Method].safeParse(envelope.data.data);
  if (!parsed.success) return fail('BAD_REQUEST', `${method}: ${describeIssues(parsed.error)}`);

  connection.enqueue(async () => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new AppError('INTERNAL', `${method} timed out`)), REQUEST_TIMEOUT_MS);
    });
    try {
      const data = await Promise.race([run(server, connection, method as Method, parsed.data), timeout]);
      respond({ ok: true, data });
    } catch (error) {
      const info = toErrorInfo(error);
      if (info.internal) connection.log.error({ method, err: error instanceof Error ? error.stack : String(error) }, 'request failed');
      else connection.log.debug({ method, code: info.code, message: info.message }, 'request refused');
      fail(info.code, info.message);
    } finally {
      clearTimeout(timer);
    }
  });
}

async function run(server: ServerContext, connection: Connection, method: Method, data: unknown): Promise<unknown> {
  if (method === 'join') return join(server, connection, data as Data<'join'>);
  const peer = connection.peer;
  if (!peer) throw new AppError('NOT_JOINED', `join a room before ${method}`);
  const ctx: JoinedContext = { server, connection, peer, session: peer.session, room: peer.room };
  const handler = handlers[method] as (ctx: JoinedContext, data: unknown) => Promise<unknown>;
  return handler(ctx, data);
}

function onDisconnect(server: ServerContext, connection: Connection, reason: string): void {
  const peer = connection.peer;
  connection.peer = undefined;
  if (!peer || peer.session.connection !== connection) return;
  const graceMs = server.config.limits.reconnectGraceMs;
  peer.log.info({ reason, graceMs }, 'socket gone; keeping the peer for a reconnect');
  peer.startGrace(graceMs, () => {
    peer.log.info('no reconnect in time');
    peer.room.removePeer(peer);
  });
}
