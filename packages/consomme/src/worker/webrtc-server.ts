import type { RemoteInfo, Socket as UdpSocket } from 'node:dgram';
import type { Server as TcpServer, Socket as TcpSocket } from 'node:net';
import { classifyDatagram } from '../wire/demux.js';
import { TcpDeframer, frameTcp } from '../wire/ice/tcp-framing.js';
import { getUsername, parseStun } from '../wire/stun/index.js';
import type { RequestHandler, WorkerContext } from './context.js';
import { allocateTcp, allocateUdp } from './net/port-allocator.js';
import { DropCounters } from './transport.js';
import type { Tuple, WorkerWebRtcTransport } from './webrtc-transport.js';

export interface WebRtcServerInit {
  webRtcServerId: string;
  listenInfos: { protocol: 'udp' | 'tcp'; ip: string; announcedAddress?: string; port?: number; portRange?: { min: number; max: number } }[];
}

export interface ServerCandidate {
  protocol: 'udp' | 'tcp';
  address: string;
  port: number;
}

/**
 * Many WebRtcTransports on one UDP port and one TCP port (per listen info).
 * A datagram from a known 5-tuple goes to the transport that validated it; a
 * STUN request from a new one goes to the transport whose ICE username
 * fragment it names (RFC 8445 §7.3: USERNAME is "local:remote").
 */
export class WorkerWebRtcServer implements RequestHandler {
  readonly id: string;
  readonly #ctx: WorkerContext;
  readonly #udpSockets: UdpSocket[] = [];
  readonly #tcpServers: TcpServer[] = [];
  readonly #tcpConnections = new Set<TcpSocket>();
  readonly #candidates: ServerCandidate[] = [];
  readonly #byUfrag = new Map<string, WorkerWebRtcTransport>();
  readonly #byTuple = new Map<string, WorkerWebRtcTransport>();
  readonly #dropped = new DropCounters();
  readonly #onClose: () => void;
  #nextTcpId = 1;
  #closed = false;

  private constructor(id: string, ctx: WorkerContext, onClose: () => void) {
    this.id = id;
    this.#ctx = ctx;
    this.#onClose = onClose;
  }

  static async create(init: WebRtcServerInit, ctx: WorkerContext, onClose: () => void): Promise<WorkerWebRtcServer> {
    const server = new WorkerWebRtcServer(init.webRtcServerId, ctx, onClose);
    try {
      for (const info of init.listenInfos) await server.#listen(info);
    } catch (error) {
      server.close();
      throw error;
    }
    ctx.register(server.id, server);
    return server;
  }

  get candidates(): readonly ServerCandidate[] {
    return this.#candidates;
  }

  handleRequest(method: string): unknown {
    switch (method) {
      case 'webRtcServer.close':
        this.close();
        return undefined;
      case 'webRtcServer.dump':
        return {
          id: this.id,
          candidates: this.#candidates,
          usernameFragments: [...this.#byUfrag.keys()],
          tupleCount: this.#byTuple.size,
          dropped: this.#dropped.toJSON(),
        };
      default:
        throw new TypeError(`unknown method '${method}'`);
    }
  }

  /** A transport on this server answers to this ICE username fragment. */
  register(ufrag: string, transport: WorkerWebRtcTransport): void {
    this.#byUfrag.set(ufrag, transport);
  }

  unregister(ufrag: string): void {
    this.#byUfrag.delete(ufrag);
  }

  /** ICE validated this tuple for the transport: its later datagrams go straight there. */
  bindTuple(tupleId: string, transport: WorkerWebRtcTransport): void {
    this.#byTuple.set(tupleId, transport);
  }

  /** The transport closed: forget everything that pointed to it. */
  forget(transport: WorkerWebRtcTransport): void {
    for (const [ufrag, t] of this.#byUfrag) if (t === transport) this.#byUfrag.delete(ufrag);
    for (const [tuple, t] of this.#byTuple) if (t === transport) this.#byTuple.delete(tuple);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const socket of this.#udpSockets) socket.close();
    for (const server of this.#tcpServers) server.close();
    for (const connection of this.#tcpConnections) connection.destroy();
    const transports = new Set([...this.#byUfrag.values(), ...this.#byTuple.values()]);
    this.#byUfrag.clear();
    this.#byTuple.clear();
    for (const transport of transports) transport.listenServerClosed();
    this.#ctx.unregister(this.id);
    this.#onClose();
  }

  async #listen(info: WebRtcServerInit['listenInfos'][number]): Promise<void> {
    const range = info.portRange ?? this.#ctx.portRange;
    const address = info.announcedAddress ?? info.ip;
    if (info.protocol === 'udp') {
      const socket = await allocateUdp(info.ip, info.port, range);
      this.#udpSockets.push(socket);
      const localPort = socket.address().port;
      socket.on('message', (msg: Buffer, rinfo: RemoteInfo) => this.#guard(() => this.#onUdp(socket, info.ip, localPort, msg, rinfo)));
      socket.on('error', () => undefined);
      this.#candidates.push({ protocol: 'udp', address, port: localPort });
    } else {
      const server = await allocateTcp(info.ip, info.port, range);
      this.#tcpServers.push(server);
      const addr = server.address();
      const localPort = typeof addr === 'object' && addr ? addr.port : 0;
      server.on('connection', (socket) => this.#guard(() => this.#onTcpConnection(socket, info.ip, localPort)));
      server.on('error', () => undefined);
      this.#candidates.push({ protocol: 'tcp', address, port: localPort });
    }
  }

  #guard(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.#dropped.add('internal-error');
      this.#ctx.logger.error('ice', `webRtcServer error [id:${this.id}]: ${error instanceof Error ? error.stack : String(error)}`);
    }
  }

  /** The transport a datagram from an unknown tuple is for: the ufrag in its STUN USERNAME. */
  #transportFromStun(msg: Buffer): WorkerWebRtcTransport | undefined {
    if (classifyDatagram(msg) !== 'stun') return undefined;
    const stun = parseStun(msg);
    const username = stun ? getUsername(stun) : undefined;
    if (!username) return undefined;
    const colon = username.indexOf(':');
    return this.#byUfrag.get(colon < 0 ? username : username.slice(0, colon));
  }

  #onUdp(socket: UdpSocket, localAddress: string, localPort: number, msg: Buffer, rinfo: RemoteInfo): void {
    const id = `udp:${localPort}:${rinfo.address}:${rinfo.port}`;
    const transport = this.#byTuple.get(id) ?? this.#transportFromStun(msg);
    if (!transport) {
      this.#dropped.add('no-transport-for-datagram');
      return;
    }
    const tuple: Tuple = {
      id,
      protocol: 'udp',
      localAddress,
      localPort,
      remoteIp: rinfo.address,
      remotePort: rinfo.port,
      send: (buf) => socket.send(buf, rinfo.port, rinfo.address),
    };
    transport.receiveFromServer(tuple, msg);
  }

  #onTcpConnection(socket: TcpSocket, localAddress: string, localPort: number): void {
    const id = `tcp:${localPort}:${this.#nextTcpId++}`;
    this.#tcpConnections.add(socket);
    const deframer = new TcpDeframer();
    let transport: WorkerWebRtcTransport | undefined;
    const tuple: Tuple = {
      id,
      protocol: 'tcp',
      localAddress,
      localPort,
      remoteIp: socket.remoteAddress ?? '',
      remotePort: socket.remotePort ?? 0,
      send: (buf) => {
        if (!socket.destroyed) socket.write(frameTcp(buf));
      },
    };
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.#guard(() => {
      const frames = deframer.push(chunk);
      if (frames === undefined) {
        this.#dropped.add('tcp-bad-framing');
        socket.destroy();
        return;
      }
      for (const frame of frames) {
        // A connection belongs to the transport named by its first STUN request.
        transport ??= this.#transportFromStun(frame);
        if (!transport) {
          this.#dropped.add('no-transport-for-tcp-frame');
          continue;
        }
        transport.receiveFromServer(tuple, frame);
      }
    }));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.#tcpConnections.delete(socket);
      this.#byTuple.delete(id);
      if (transport && !this.#closed) this.#guard(() => transport!.serverTupleClosed(id));
    });
  }
}
