import { createSocket, type Socket, type SocketOptions } from 'node:dgram';
import { lookup as dnsLookup } from 'node:dns';
import { createServer, type Server } from 'node:net';
import { isIP, isIPv6 } from 'node:net';

export interface PortRange {
  min: number;
  max: number;
}

/** Only a port already taken (or forbidden) is worth trying the next port for. */
function isPortBusy(error: NodeJS.ErrnoException): boolean {
  return error.code === 'EADDRINUSE' || error.code === 'EACCES';
}

/**
 * Socket buffers asked for on every media socket. The default receive buffer
 * (rmem_default, 208 KiB on Linux) holds about 90 full-size packets: one GC
 * pause or a burst of keyframes from many publishers into a shared
 * WebRtcServer port overflows it, and each packet lost there is lost for
 * every consumer. The kernel caps the request at net.core.rmem_max /
 * wmem_max, so on hosts with the default caps this changes little; raise
 * those caps (sysctl) for large rooms.
 */
export const UDP_RECV_BUFFER_BYTES = 4 * 1024 * 1024;
export const UDP_SEND_BUFFER_BYTES = 1024 * 1024;

/** A listenInfo's sendBufferSize / recvBufferSize, bytes (validated by the API). */
export interface SocketBuffers {
  sendBufferSize?: number;
  recvBufferSize?: number;
}

function enlargeBuffers(socket: Socket, buffers: SocketBuffers | undefined): void {
  try {
    socket.setRecvBufferSize(buffers?.recvBufferSize ?? UDP_RECV_BUFFER_BYTES);
    socket.setSendBufferSize(buffers?.sendBufferSize ?? UDP_SEND_BUFFER_BYTES);
  } catch {
    // A platform that refuses keeps its defaults: smaller buffers, same behaviour.
  }
}

/**
 * dgram resolves the destination of every send with dns.lookup, which for an
 * IP literal still defers the send to a process.nextTick with a new closure:
 * per packet and consumer, on the hot path. Media sockets send to IP
 * literals (ICE tuples, connect() addresses), so this lookup answers those at
 * once and the send goes out synchronously, as dgram does for a connected
 * socket. Anything else still goes to dns.lookup.
 */
const literalLookup = ((hostname: string, options: unknown, callback: (error: Error | null, address: string, family: number) => void): void => {
  const family = isIP(hostname);
  if (family !== 0) callback(null, hostname, family);
  else dnsLookup(hostname, options as never, callback as never);
}) as unknown as NonNullable<SocketOptions['lookup']>;

function tryBindUdp(ip: string, port: number, buffers?: SocketBuffers): Promise<Socket | undefined> {
  return new Promise((resolve, reject) => {
    const socket = createSocket({ type: isIPv6(ip) ? 'udp6' : 'udp4', reuseAddr: false, lookup: literalLookup });
    const onError = (error: NodeJS.ErrnoException): void => {
      socket.close();
      if (isPortBusy(error)) resolve(undefined);
      else reject(new Error(`cannot bind UDP [ip:${ip}, port:${port}]: ${error.message}`));
    };
    socket.once('error', onError);
    socket.bind({ address: ip, port, exclusive: true }, () => {
      socket.off('error', onError);
      enlargeBuffers(socket, buffers);
      resolve(socket);
    });
  });
}

function tryListenTcp(ip: string, port: number): Promise<Server | undefined> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    const onError = (error: NodeJS.ErrnoException): void => {
      server.close();
      if (isPortBusy(error)) resolve(undefined);
      else reject(new Error(`cannot listen on TCP [ip:${ip}, port:${port}]: ${error.message}`));
    };
    server.once('error', onError);
    server.listen({ host: ip, port, exclusive: true }, () => {
      server.off('error', onError);
      resolve(server);
    });
  });
}

/**
 * Bind a UDP socket or TCP server on the given port, or on a free port of the
 * range. Starting at a random port spreads transports over the range and
 * avoids rescanning the ports of recently closed transports first.
 */
async function allocate<T>(
  bind: (ip: string, port: number) => Promise<T | undefined>,
  ip: string,
  port: number | undefined,
  range: PortRange,
): Promise<T> {
  if (port !== undefined && port !== 0) {
    const bound = await bind(ip, port);
    if (!bound) throw new Error(`port ${port} in use [ip:${ip}]`);
    return bound;
  }
  const size = range.max - range.min + 1;
  const start = Math.floor(Math.random() * size);
  for (let i = 0; i < size; i++) {
    const candidate = range.min + ((start + i) % size);
    const bound = await bind(ip, candidate);
    if (bound) return bound;
  }
  throw new Error(`no free port in range [ip:${ip}, min:${range.min}, max:${range.max}]`);
}

export function allocateUdp(ip: string, port: number | undefined, range: PortRange, buffers?: SocketBuffers): Promise<Socket> {
  return allocate((i, p) => tryBindUdp(i, p, buffers), ip, port, range);
}

export function allocateTcp(ip: string, port: number | undefined, range: PortRange): Promise<Server> {
  return allocate(tryListenTcp, ip, port, range);
}
