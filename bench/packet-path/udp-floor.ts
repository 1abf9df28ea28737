// The UDP floor of bench/packet-path.ts: a bare Node relay (udp-relay.ts, its own
// process so that its CPU can be measured) flooded from this process through a
// connected socket, sending to N sink sockets that live in a third process whose
// only thread is blocked, so they are never read: their queues fill and the kernel
// drops there. The relay thus pays recv, the send syscalls and loopback delivery,
// but no receiver wake-ups. Everything binds to 127.0.0.1 and stops by itself.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { PACKET_SIZE, VP8_PT } from './chrome-vp8-source.js';
import { spread, SLICE_MS, SLICES, WARMUP_MS, type Spread } from './measure.js';
import type { RelayJob, RelayMessage, RelaySlice } from './udp-relay.js';

const HOST = '127.0.0.1';
const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of children) stop(child);
});

/** Binds n sockets, prints their ports, then blocks its only thread so they are never read. */
const SINK_SOURCE = `
const dgram = require('node:dgram');
const n = Number(process.argv[1]), ms = Number(process.argv[2]);
const ports = [];
for (let i = 0; i < n; i++) {
  const s = dgram.createSocket({ type: 'udp4', recvBufferSize: 1 << 16 });
  s.bind(0, '127.0.0.1', () => {
    ports.push(s.address().port);
    if (ports.length === n) {
      process.stdout.write(JSON.stringify(ports) + '\\n', () => {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
        process.exit(0);
      });
    }
  });
}`;

function track<T extends ChildProcess>(child: T): T {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

function stop(child: ChildProcess): void {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

async function startSinks(n: number, lifetimeMs: number): Promise<{ child: ChildProcess; ports: number[] }> {
  const child = track(spawn(process.execPath, ['-e', SINK_SOURCE, String(n), String(lifetimeMs)], { stdio: ['ignore', 'pipe', 'inherit'] }));
  const ports = await new Promise<number[]>((resolve, reject) => {
    let text = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('\n')) resolve(JSON.parse(text) as number[]);
    });
    child.once('exit', (code) => reject(new Error(`sink process exited (${code})`)));
  });
  return { child, ports };
}

export interface RelayRates {
  /** Packets the relay sent per CPU-second of the relay process. */
  perCpuSecond: Spread;
  nsOut: Spread;
  /** Relay CPU over wall time: near 1 means the flood kept it saturated. */
  utilization: number;
  receivedPps: number;
  floodPps: number;
  /** Datagrams the kernel dropped at the relay's full inbound queue during the slices: > 0 means saturated. */
  inboundDrops: number | undefined;
}

export async function measureRelay(fanout: number): Promise<RelayRates> {
  const lifetimeMs = WARMUP_MS + SLICES * SLICE_MS + 20_000;
  const sinks = await startSinks(fanout, lifetimeMs);
  const relay = track(
    fork(fileURLToPath(new URL('./udp-relay.ts', import.meta.url)), [], {
      execArgv: ['--import', 'tsx'], // not our --cpu-prof
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    }),
  );
  const flood = dgram.createSocket({ type: 'udp4', sendBufferSize: 1 << 20 });
  flood.on('error', () => undefined); // e.g. ECONNREFUSED once the relay is gone
  let flooding = false;
  let floodSent = 0;
  let floodStart = 0;
  try {
    const job: RelayJob = { sinks: sinks.ports, warmupMs: Math.max(1000, WARMUP_MS), slices: SLICES, sliceMs: SLICE_MS };
    const done = new Promise<{ slices: RelaySlice[]; sendErrors: number; inboundDrops: number | undefined }>((resolve, reject) => {
      relay.on('message', (m: RelayMessage) => {
        if (m.type === 'ready') {
          flood.bind(0, HOST, () => {
            flood.connect(m.port, HOST, () => {
              flooding = true;
              const packet = randomBytes(PACKET_SIZE + 10);
              packet[0] = 0x90;
              packet[1] = VP8_PT;
              floodStart = performance.now();
              const pump = (): void => {
                if (!flooding) return;
                for (let i = 0; i < 128; i++) flood.send(packet);
                floodSent += 128;
                setImmediate(pump);
              };
              pump();
            });
          });
        } else {
          resolve(m);
        }
      });
      relay.once('exit', (code) => reject(new Error(`relay exited (${code}) before reporting`)));
    });
    relay.send(job);
    const { slices, inboundDrops } = await done;
    const floodPps = (floodSent * 1000) / (performance.now() - floodStart);
    const perCpu = slices.map((s) => (s.sent * 1e6) / s.cpuUs);
    return {
      perCpuSecond: spread(perCpu),
      nsOut: spread(perCpu.map((r) => 1e9 / r)),
      utilization: spread(slices.map((s) => (s.cpuUs * 1000) / s.wallNs)).median,
      receivedPps: spread(slices.map((s) => (s.received * 1e9) / s.wallNs)).median,
      floodPps,
      inboundDrops,
    };
  } finally {
    flooding = false;
    flood.close();
    stop(relay);
    stop(sinks.child);
  }
}

