import { classifyDatagram } from '../wire/demux.js';
import { getUsername, parseStun } from '../wire/stun/index.js';
import type { RequestHandler, WorkerContext } from './context.js';
import { listenIce, type IceListener, type IceSocketSink, type Tuple } from './net/ice-sockets.js';
import type { SocketBuffers } from './net/port-allocator.js';
import { DropCounters } from './drop-counters.js';
import type { WorkerWebRtcTransport } from './webrtc-transport.js';

export interface WebRtcServerInit {
  webRtcServerId: string;
  listenInfos: ({ protocol: 'udp' | 'tcp'; ip: string; announcedAddress?: string; port?: number; portRange?: { min: number; max: number } } & SocketBuffers)[];
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
  readonly #listeners: IceListener[] = [];
  readonly #candidates: ServerCandidate[] = [];
  readonly #byUfrag = new Map<string, WorkerWebRtcTransport>();
  readonly #byTuple = new Map<string, WorkerWebRtcTransport>();
  readonly #dropped = new DropCounters();
  readonly #onClose: () => void;
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
    for (const listener of this.#listeners) listener.close();
    const transports = new Set([...this.#byUfrag.values(), ...this.#byTuple.values()]);
    this.#byUfrag.clear();
    this.#byTuple.clear();
    for (const transport of transports) transport.listenServerClosed();
    this.#ctx.unregister(this.id);
    this.#onClose();
  }

  async #listen(info: WebRtcServerInit['listenInfos'][number]): Promise<void> {
    const sink: IceSocketSink = {
      datagram: (tuple, msg) => this.#onDatagram(tuple, msg),
      tcpClosed: (tupleId) => {
        const transport = this.#byTuple.get(tupleId);
        this.#byTuple.delete(tupleId);
        if (transport && !this.#closed) transport.serverTupleClosed(tupleId);
      },
      dropped: (reason) => this.#dropped.add(reason),
      guard: (_what, fn) => this.#guard(fn),
    };
    const listener = await listenIce(info.protocol, info.ip, info.port, info.portRange ?? this.#ctx.portRange, sink, info);
    this.#listeners.push(listener);
    this.#candidates.push({ protocol: info.protocol, address: info.announcedAddress ?? info.ip, port: listener.port });
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

  /**
   * A datagram (or TCP frame) goes to the transport that validated its tuple;
   * from a new tuple, only a STUN request naming a transport's ufrag gets
   * through. A TCP connection is bound once ICE validates it, like a UDP tuple.
   */
  #onDatagram(tuple: Tuple, msg: Buffer): void {
    const transport = this.#byTuple.get(tuple.id) ?? this.#transportFromStun(msg);
    if (!transport) {
      this.#dropped.add(tuple.protocol === 'tcp' ? 'no-transport-for-tcp-frame' : 'no-transport-for-datagram');
      return;
    }
    transport.receiveFromServer(tuple, msg);
  }
}
