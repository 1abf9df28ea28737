import type { RemoteInfo, Socket as UdpSocket } from 'node:dgram';
import type { Server as TcpServer, Socket as TcpSocket } from 'node:net';
import { TcpDeframer, frameTcp } from '../../wire/ice/tcp-framing.js';
import { allocateTcp, allocateUdp, type PortRange, type SocketBuffers } from './port-allocator.js';

/** One 5-tuple (UDP remote address, or one TCP connection) and how to answer on it. */
export interface Tuple {
  id: string;
  protocol: 'udp' | 'tcp';
  localAddress: string;
  localPort: number;
  remoteIp: string;
  remotePort: number;
  send(buf: Buffer): void;
}

/** Where an ICE listener delivers what it receives. */
export interface IceSocketSink {
  /** A UDP datagram, or one RFC 4571 frame of a TCP connection. */
  datagram(tuple: Tuple, msg: Buffer): void;
  /** A TCP connection closed. */
  tcpClosed(tupleId: string): void;
  /** Count something dropped at this level (bad framing…). */
  dropped(reason: string): void;
  /** Run a socket callback so that an unexpected error is counted, not fatal. */
  guard(what: string, fn: () => void): void;
}

export interface IceListener {
  readonly protocol: 'udp' | 'tcp';
  readonly port: number;
  close(): void;
}

/** UDP tuples are looked up per datagram; a bounded cache avoids rebuilding them (and spoofed sources cannot grow it). */
const MAX_CACHED_TUPLES = 256;

/**
 * Opens one UDP socket or TCP server for ICE on `ip` (a given port, or a
 * free one of the range) and turns what arrives into (tuple, datagram)
 * calls. Shared by WebRtcTransports with their own ports and by WebRtcServer.
 */
export async function listenIce(
  protocol: 'udp' | 'tcp',
  ip: string,
  port: number | undefined,
  range: PortRange,
  sink: IceSocketSink,
  buffers?: SocketBuffers,
): Promise<IceListener> {
  if (protocol === 'udp') {
    const socket = await allocateUdp(ip, port, range, buffers);
    const localPort = socket.address().port;
    const tuples = new Map<string, Tuple>();
    socket.on('message', (msg: Buffer, rinfo: RemoteInfo) =>
      sink.guard('udp datagram', () => sink.datagram(udpTuple(socket, tuples, ip, localPort, rinfo), msg)),
    );
    socket.on('error', () => undefined);
    return { protocol, port: localPort, close: () => socket.close() };
  }
  const server: TcpServer = await allocateTcp(ip, port, range);
  const address = server.address();
  const localPort = typeof address === 'object' && address ? address.port : 0;
  const connections = new Set<TcpSocket>();
  let next = 1;
  server.on('connection', (socket) => sink.guard('tcp connection', () => onTcpConnection(socket, `tcp:${localPort}:${next++}`, ip, localPort, connections, sink)));
  server.on('error', () => undefined);
  return {
    protocol,
    port: localPort,
    close: () => {
      server.close();
      for (const connection of connections) connection.destroy();
    },
  };
}

function udpTuple(socket: UdpSocket, cache: Map<string, Tuple>, localAddress: string, localPort: number, rinfo: RemoteInfo): Tuple {
  const id = `udp:${localPort}:${rinfo.address}:${rinfo.port}`;
  let tuple = cache.get(id);
  if (!tuple) {
    if (cache.size >= MAX_CACHED_TUPLES) cache.clear();
    const { address, port } = rinfo;
    tuple = { id, protocol: 'udp', localAddress, localPort, remoteIp: address, remotePort: port, send: (buf) => socket.send(buf, port, address) };
    cache.set(id, tuple);
  }
  return tuple;
}

function onTcpConnection(socket: TcpSocket, id: string, localAddress: string, localPort: number, connections: Set<TcpSocket>, sink: IceSocketSink): void {
  connections.add(socket);
  const deframer = new TcpDeframer();
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
  socket.on('data', (chunk: Buffer) =>
    sink.guard('tcp data', () => {
      const emptyBefore = deframer.emptyFrames;
      const frames = deframer.push(chunk);
      if (frames === undefined) {
        sink.dropped('tcp-bad-framing');
        socket.destroy();
        return;
      }
      // RFC 4571 allows a zero-length frame; it carries nothing, count it as dropped.
      for (let i = deframer.emptyFrames - emptyBefore; i > 0; i--) sink.dropped('tcp-empty-frame');
      for (const frame of frames) sink.datagram(tuple, frame);
    }),
  );
  socket.on('error', () => undefined);
  socket.on('close', () => {
    connections.delete(socket);
    sink.guard('tcp close', () => sink.tcpClosed(id));
  });
}
