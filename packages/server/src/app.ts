/**
 * The server: one HTTP(S) port serving the web app, GET /healthz and
 * socket.io (default path /socket.io/), over a pool of media workers.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { isIPv6 } from 'node:net';
import { Server as SocketIoServer } from 'socket.io';
import type { types } from 'consomme';
import { resolveConfig, type Config, type ConfigOverrides } from './config.js';
import type { ServerContext } from './context.js';
import { serveSocket } from './dispatch.js';
import { createLogger } from './logger.js';
import { Rooms, type RoomSnapshot } from './rooms.js';
import { serveStatic } from './static.js';
import { WorkerPool } from './workers.js';

/** A read-only view of the rooms, for tests and monitoring. */
export interface RoomsInspector {
  readonly size: number;
  readonly peerCount: number;
  list(): RoomSnapshot[];
  get(roomId: string): RoomSnapshot | undefined;
  workers(): { index: number; pid: number; rooms: number }[];
  /**
   * Close a peer's signaling connection at the transport level, as a broken
   * network would (the client sees a transport close and reconnects). For
   * tests and operators; false when the peer has no live socket.
   */
  dropSignaling(roomId: string, peerId: string): boolean;
  /** A peer's transports with their selected ICE tuples (for tests that cut one flow). */
  transports(roomId: string, peerId: string): {
    id: string;
    direction: 'send' | 'recv';
    tuple: types.TransportTuple | undefined;
    iceCandidates: types.IceCandidate[];
  }[];
}

export interface RunningServer {
  /** http(s)://host:port, with 127.0.0.1 for a wildcard host. */
  readonly url: string;
  readonly port: number;
  readonly config: Config;
  readonly rooms: RoomsInspector;
  /** Close every room (peers get roomClosed), socket.io, the HTTP server and the workers. */
  close(): Promise<void>;
}

function publicUrl(config: Config, port: number): string {
  const wildcard = config.host === '0.0.0.0' || config.host === '::';
  const host = wildcard ? '127.0.0.1' : isIPv6(config.host) ? `[${config.host}]` : config.host;
  return `${config.tls ? 'https' : 'http'}://${host}:${port}`;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

export async function startServer(overrides: ConfigOverrides = {}): Promise<RunningServer> {
  const config = resolveConfig(overrides);
  const log = createLogger(config.logLevel);
  const pool = new WorkerPool(config, log);
  try {
    await pool.start();
  } catch (error) {
    pool.close();
    throw error;
  }
  const rooms = new Rooms(pool, log);
  const context: ServerContext = { config, rooms, log };

  const onHttp = (req: IncomingMessage, res: ServerResponse): void => {
    try {
      if ((req.url ?? '/').split('?')[0] === '/healthz') {
        const workers = pool.slots.length;
        const body = JSON.stringify({ ok: workers > 0, rooms: rooms.size, peers: rooms.peerCount, workers });
        res.writeHead(workers > 0 ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(body);
        return;
      }
      serveStatic(config.webRoot, req, res);
    } catch (error) {
      log.error({ err: String(error), url: req.url }, 'http request failed');
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    }
  };
  const http: Server = config.tls
    ? createHttpsServer({ cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) }, onHttp)
    : createServer(onHttp);
  // Larger than our own limit, so an oversized request reaches us and gets TOO_LARGE instead of a dropped connection.
  const io = new SocketIoServer(http, { maxHttpBufferSize: 4 * config.limits.maxMessageBytes + 1024 * 1024, serveClient: false });
  io.on('connection', (socket) => serveSocket(context, socket));

  let port: number;
  try {
    port = await listen(http, config.port, config.host);
  } catch (error) {
    io.close();
    pool.close();
    throw error;
  }
  const url = publicUrl(config, port);
  log.info({ url, workers: config.numWorkers }, 'server listening');

  let closing: Promise<void> | undefined;
  const inspector: RoomsInspector = {
    get size() {
      return rooms.size;
    },
    get peerCount() {
      return rooms.peerCount;
    },
    list: () => rooms.list(),
    get: (roomId) => rooms.list().find((r) => r.id === roomId),
    workers: () => pool.slots.map((s) => ({ index: s.index, pid: s.worker.pid, rooms: s.rooms })),
    dropSignaling(roomId, peerId) {
      const connection = rooms.get(roomId)?.peers.get(peerId)?.session.connection;
      if (!connection?.socket.connected) return false;
      connection.socket.conn.close();
      return true;
    },
    transports(roomId, peerId) {
      const session = rooms.get(roomId)?.peers.get(peerId)?.session;
      if (!session) return [];
      return [...session.transports.values()]
        .filter((e) => !e.transport.closed)
        .map((e) => ({
          id: e.transport.id,
          direction: e.direction,
          tuple: e.transport.iceSelectedTuple,
          iceCandidates: e.transport.iceCandidates,
        }));
    },
  };
  return {
    url,
    port,
    config,
    rooms: inspector,
    close() {
      closing ??= (async () => {
        rooms.closeAll('server shutting down');
        const closed = new Promise<void>((resolve) => void io.close(() => resolve()));
        http.closeAllConnections();
        await closed;
        pool.close();
        log.info('server closed');
      })();
      return closing;
    },
  };
}
