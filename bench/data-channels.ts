// Data-channel fan-out through the SFU: one source, ten raw peers (e2e/lib/raw-peer.ts:
// our own ICE/DTLS/SCTP in this process) each consuming it through their own
// WebRtcTransport's SCTP DataConsumer; ordered reliable; 1 KiB and 16 KiB messages.
//  - source "raw peer": a raw peer produces on a DataProducer (stream 1), pacing by its own
//    SCTP bufferedAmount (send buffer 256 KiB, waits on 'bufferedamount', 200 ms fallback).
//  - source "DirectTransport": dataProducer.send() from Node. It has no bufferedAmount, so
//    this side paces end to end: at most WINDOW_BYTES sent and not yet at the slowest peer.
//  - floor: two in-process SctpAssociations joined back to back, no DTLS, no sockets, no SFU,
//    one receiver (bench/sctp.ts's setup).
// Delivered = messages received by all ten peers together, over the time from the first send
// to the last delivery. Rewrites its section of bench/RESULTS.md.
// Run: npm run bench:data
import { cpus, loadavg } from 'node:os';
import { writeResultsSection } from './results-file.js';
import * as mediasoup from 'consomme';
import type { types } from 'consomme';
import { RawPeer } from '../e2e/lib/raw-peer.js';
import { createPair, sendWhenPossible } from '../packages/consomme/src/wire/sctp/test-pair.test.helper.js';
import { PPID } from '../packages/consomme/src/wire/sctp/ppid.js';

const CONSUMERS = 10;
const WINDOW_BYTES = 1024 * 1024;
const STALL_MS = 3000;
/** BENCH_SMOKE=1: a tiny run that checks the rig works and leaves RESULTS.md alone. */
const SMOKE = process.env.BENCH_SMOKE === '1';
const SIZES = SMOKE
  ? ([{ size: 1024, total: 64 * 1024 }] as const)
  : ([
      { size: 1024, total: 4 * 1024 * 1024 },
      { size: 16384, total: 16 * 1024 * 1024 },
    ] as const);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Sink {
  peer: RawPeer;
  streamId: number;
  messages: number;
  bytes: number;
  lastAt: bigint;
}

interface Result {
  delivered: number;
  expected: number;
  seconds: number;
  bytes: number;
  cpu: number;
  workerCpu: number;
}

const benchStart = Date.now();
const loadAtStart = loadavg()[0] ?? 0;
const worker = await mediasoup.createWorker({ logLevel: 'warn', rtcMinPort: 40000, rtcMaxPort: 49999 });
const router = await worker.createRouter({ mediaCodecs: [{ kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 }] });
const peers: RawPeer[] = [];

async function connectedPeer(): Promise<{ peer: RawPeer; transport: types.WebRtcTransport }> {
  const transport = await router.createWebRtcTransport({
    listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }],
    enableSctp: true,
    numSctpStreams: { OS: 1024, MIS: 1024 },
  });
  const peer = await RawPeer.create();
  peers.push(peer);
  await transport.connect({ dtlsParameters: peer.dtlsParameters });
  await peer.connect(transport);
  for (let i = 0; transport.sctpState !== 'connected'; i++) {
    if (i > 300) throw new Error('SFU side of SCTP never connected');
    await sleep(10);
  }
  return { peer, transport };
}

const source = await connectedPeer();
const peerProducer = await source.transport.produceData({ sctpStreamParameters: { streamId: 1, ordered: true }, label: 'bench' });
const direct = await router.createDirectTransport();
const directProducer = await direct.produceData({ label: 'bench-direct' });

const sinks: Sink[] = [];
const consumersByProducer = new Map<string, types.DataConsumer[]>();
for (let i = 0; i < CONSUMERS; i++) {
  const { peer, transport } = await connectedPeer();
  const sink: Sink = { peer, streamId: -1, messages: 0, bytes: 0, lastAt: 0n };
  for (const producer of [peerProducer, directProducer]) {
    const consumer = await transport.consumeData({ dataProducerId: producer.id });
    consumersByProducer.set(producer.id, [...(consumersByProducer.get(producer.id) ?? []), consumer]);
  }
  sinks.push(sink);
  peer.onMessage((_streamId, _ppid, data) => {
    sink.messages++;
    sink.bytes += data.length;
    sink.lastAt = process.hrtime.bigint();
  });
}

async function measure(size: number, count: number, send: (payload: Buffer, i: number) => Promise<void>): Promise<Result> {
  const payload = Buffer.alloc(size, 0x5a);
  for (const s of sinks) {
    s.messages = 0;
    s.bytes = 0;
    s.lastAt = 0n;
  }
  const w0 = await worker.getResourceUsage();
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < count; i++) await send(payload, i);
  const expected = count * sinks.length;
  let last = -1;
  let lastChange = Date.now();
  for (;;) {
    const now = sinks.reduce((n, s) => n + s.messages, 0);
    if (now === expected) break;
    if (now !== last) {
      last = now;
      lastChange = Date.now();
    } else if (Date.now() - lastChange > STALL_MS) break;
    await sleep(5);
  }
  const cpu = process.cpuUsage(cpu0);
  const w1 = await worker.getResourceUsage();
  const workerSeconds = (w1.ru_utime + w1.ru_stime - w0.ru_utime - w0.ru_stime) / 1000;
  const end = sinks.reduce((m, s) => (s.lastAt > m ? s.lastAt : m), t0);
  const seconds = Number(end - t0) / 1e9;
  const delivered = sinks.reduce((n, s) => n + s.messages, 0);
  const bytes = sinks.reduce((n, s) => n + s.bytes, 0);
  const wall = Math.max(seconds, 1e-9);
  return { delivered, expected, seconds, bytes, cpu: (cpu.user + cpu.system) / 1e6 / wall, workerCpu: workerSeconds / wall };
}

function viaPeer(payload: Buffer): Promise<void> {
  return source.peer.sendWhenPossible(1, PPID.binary, payload, { ordered: true });
}

async function viaDirect(payload: Buffer, i: number): Promise<void> {
  // Window on the slowest peer: DataProducer.send() on a DirectTransport has no back-pressure of its own.
  const inFlight = (): number => (i - Math.min(...sinks.map((s) => s.messages))) * payload.length;
  while (inFlight() > WINDOW_BYTES) await sleep(1);
  directProducer.send(payload);
}

async function floor(size: number, totalBytes: number): Promise<{ msgs: number; seconds: number }> {
  const pair = createPair();
  await pair.connected;
  const count = Math.floor(totalBytes / size);
  const payload = Buffer.alloc(size, 0x5a);
  let received = 0;
  const done = new Promise<void>((resolve) => {
    pair.server.on('message', () => {
      if (++received === count) resolve();
    });
  });
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < count; i++) await sendWhenPossible(pair.client, 1, PPID.binary, payload, { ordered: true });
  await done;
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  pair.client.close();
  pair.server.close();
  return { msgs: count, seconds };
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en');
const mib = (bytes: number, seconds: number): number => bytes / (1024 * 1024) / seconds;
const rows: string[] = [];
const notes: string[] = [];

for (const { size, total } of SIZES) {
  const count = Math.floor(total / size);
  // Floor first, best of 2 after a warm-up.
  await floor(size, total / 8);
  let best = { msgs: 0, seconds: Infinity };
  for (let i = 0; i < 2; i++) {
    const r = await floor(size, total);
    if (r.seconds < best.seconds) best = r;
  }
  const floorMib = mib(best.msgs * size, best.seconds);
  const kib = `${size / 1024} KiB`;
  rows.push(`| floor: two in-process SctpAssociations, 1 receiver, ${kib} | ${fmt(best.msgs / best.seconds)} | ${floorMib.toFixed(1)} | 1.00× |`);

  for (const [name, send] of [
    ['raw peer → DataProducer → 10 × SCTP DataConsumer', viaPeer],
    ['DirectTransport dataProducer.send → 10 × SCTP DataConsumer', viaDirect],
  ] as const) {
    await measure(size, Math.max(1, Math.floor(count / 8)), send); // warm-up
    source.peer.pacingStalls = 0;
    const r = await measure(size, count, send);
    const rate = mib(r.bytes, r.seconds);
    const lost = r.expected - r.delivered;
    const stalls = source.peer.pacingStalls;
    source.peer.pacingStalls = 0;
    rows.push(`| ${name}, ${kib} | ${fmt(r.delivered / r.seconds)} | ${rate.toFixed(1)} | ${(rate / floorMib).toFixed(2)}× |`);
    notes.push(`${name}, ${kib}: ${fmt(r.delivered)} of ${fmt(r.expected)} delivered${lost > 0 ? ` (**${fmt(lost)} missing**)` : ''} in ${r.seconds.toFixed(2)} s; CPU: bench process (11 raw peers) ${(r.cpu * 100).toFixed(0)}%, worker ${(r.workerCpu * 100).toFixed(0)}% of a core${send === viaPeer ? `; source woke by its 200 ms fallback (lost 'bufferedamount') ${stalls} times` : ''}`);
    console.log(rows.at(-1));
  }
}

for (const p of peers) p.close();
worker.close();

const cpu = cpus();
const date = new Date().toISOString();
const section = [
  '## Data channels (SCTP fan-out)',
  '',
  `Command: \`npm run bench:data\` (bench/data-channels.ts). Date: ${date}. Machine: ${cpu[0]?.model ?? 'unknown'}, ${cpu.length} cores, Node ${process.version}, 1-min load average ${loadAtStart.toFixed(2)} at start; the run took ${((Date.now() - benchStart) / 1000).toFixed(0)} s.`,
  '',
  'One source, ten raw peers (our own ICE/DTLS/SCTP from `e2e/lib/raw-peer.ts`, all in the bench process) each with its own WebRtcTransport and SCTP DataConsumer, one worker process; ordered reliable; rates are totals across the ten peers, from the first send to the last delivery. The raw-peer source paces by its own SCTP bufferedAmount (256 KiB send buffer; waits on the bufferedamount event, with a 200 ms fallback wake-up counted below); the DirectTransport source keeps at most 1 MiB sent and not yet at the slowest peer. Floor: two SctpAssociations joined in-process (no DTLS, no sockets, no SFU), one receiver, best of 2. "ratio" = MiB/s / floor MiB/s for the same message size.',
  '',
  '| scenario | messages/s | MiB/s | ratio to floor |',
  '|---|---|---|---|',
  ...rows,
  '',
  ...notes.map((n) => `- ${n}`),
  ...(loadAtStart > cpu.length
    ? [`- The load average (${loadAtStart.toFixed(2)}) was above the core count when the run started: other processes held CPU, so the absolute figures are low; the ratios come from the same conditions.`]
    : []),
].join('\n');

if (SMOKE) {
  console.log(section);
  console.log('(smoke run: bench/RESULTS.md left as is)');
} else {
  writeResultsSection('data-channels', section);
  console.log(section);
}
// werift's timers would keep the process alive.
setTimeout(() => process.exit(0), 200).unref();
