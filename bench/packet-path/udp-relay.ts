// The "floor" of bench/packet-path.ts: a bare Node UDP relay in its own process, so
// that process.cpuUsage() counts the relay alone. Each datagram that arrives on one
// socket is sent to every sink the way the SFU sends (socket.send(buf, port, ip) on
// an unconnected socket), with no parsing and no crypto. The parent floods it,
// then reads back, per slice, how many sends it made per CPU-second.
// Not meant to be run by hand: udp-floor.ts forks it.
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';

export interface RelayJob {
  readonly sinks: readonly number[];
  readonly warmupMs: number;
  readonly slices: number;
  readonly sliceMs: number;
}

export interface RelaySlice {
  readonly received: number;
  readonly sent: number;
  readonly cpuUs: number;
  readonly wallNs: number;
}

export type RelayMessage =
  | { readonly type: 'ready'; readonly port: number }
  | { readonly type: 'done'; readonly slices: RelaySlice[]; readonly sendErrors: number; readonly inboundDrops: number | undefined };

const HOST = '127.0.0.1';
// The parent kills us when done; this only fires if it could not.
const guard = setTimeout(() => process.exit(2), 90_000);
process.on('disconnect', () => process.exit(0));

/** Datagrams the kernel dropped because our inbound queue was full (Linux), i.e. proof of saturation. */
function inboundDrops(port: number): number | undefined {
  try {
    const local = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
    const line = readFileSync('/proc/net/udp', 'utf8')
      .split('\n')
      .find((l) => l.trim().split(/\s+/)[1] === local);
    return line === undefined ? undefined : Number(line.trim().split(/\s+/).at(-1));
  } catch {
    return undefined;
  }
}

function send(message: RelayMessage, then?: () => void): void {
  process.send?.(message, undefined, {}, () => then?.());
}

process.once('message', (job: RelayJob) => {
  const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: 4 << 20 });
  const sinks = job.sinks;
  let received = 0;
  let sent = 0;
  let sendErrors = 0;
  socket.on('error', () => sendErrors++);
  socket.on('message', (msg: Buffer) => {
    received++;
    for (let i = 0; i < sinks.length; i++) socket.send(msg, sinks[i], HOST);
    sent += sinks.length;
  });
  socket.bind(0, HOST, () => {
    send({ type: 'ready', port: socket.address().port });
    // The parent starts its flood on 'ready'; the warmup covers its ramp-up.
    const port = socket.address().port;
    let dropsAtStart: number | undefined;
    const slices: RelaySlice[] = [];
    let mark = { received, sent, cpu: process.cpuUsage(), wall: process.hrtime.bigint() };
    const take = (): void => {
      const cpu = process.cpuUsage(mark.cpu);
      const wall = process.hrtime.bigint();
      slices.push({
        received: received - mark.received,
        sent: sent - mark.sent,
        cpuUs: cpu.user + cpu.system,
        wallNs: Number(wall - mark.wall),
      });
      mark = { received, sent, cpu: process.cpuUsage(), wall: process.hrtime.bigint() };
    };
    const next = (): void => {
      take();
      if (slices.length === 1) dropsAtStart = inboundDrops(port);
      if (slices.length <= job.slices) {
        setTimeout(next, job.sliceMs);
        return;
      }
      clearTimeout(guard);
      const dropsAtEnd = inboundDrops(port);
      const drops = dropsAtStart === undefined || dropsAtEnd === undefined ? undefined : dropsAtEnd - dropsAtStart;
      socket.close();
      // The first slice was the warmup.
      send({ type: 'done', slices: slices.slice(1), sendErrors, inboundDrops: drops }, () => process.exit(0));
    };
    setTimeout(next, job.warmupMs);
  });
});
