// Per-packet forwarding cost of the worker, next to what bare Node costs for the same job.
//
//   ours:  SRTP unprotect → RtpPacket.parse → producer mapping → router fan-out →
//          per consumer: writeConsumerRtp into scratch, retransmission-buffer copy,
//          SRTP protect. Real WorkerRouter/WorkerProducer/WorkerConsumer and the real
//          WorkerTransport base class; only the socket is replaced by a counter.
//   floor: a bare Node UDP relay on 127.0.0.1 (bench/udp-relay.ts, own process, its
//          CPU measured), SrtpSession.protectRtp/unprotectRtp alone, and node:crypto
//          with a cipher created per packet.
//
// Single thread, warmup, then SLICES timed slices; median [min–max] per scenario.
// Writes its section of bench/RESULTS.md unless profiling (--cpu-prof) or BENCH_ONLY is set.
// Run: npm run bench:packet   (env: BENCH_SLICES, BENCH_SLICE_MS, BENCH_ONLY=ours|floor)
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { createCipheriv, createHmac, createSecretKey, randomBytes, randomInt } from 'node:crypto';
import dgram from 'node:dgram';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { RtpParameters } from '../packages/consomme/src/ortc/types.js';
import type { DtlsCertificate } from '../packages/consomme/src/wire/dtls/certificate.js';
import { classifyDatagram } from '../packages/consomme/src/wire/demux.js';
import { SrtpSession, srtpProfileInfo, type SrtpCryptoSuite } from '../packages/consomme/src/wire/srtp/index.js';
import type { ConsumerInit } from '../packages/consomme/src/worker/consumer.js';
import type { WorkerContext } from '../packages/consomme/src/worker/context.js';
import { Logger } from '../packages/consomme/src/worker/logger.js';
import type { ProducerInit } from '../packages/consomme/src/worker/producer.js';
import { WorkerRouter } from '../packages/consomme/src/worker/router.js';
import { WorkerTransport } from '../packages/consomme/src/worker/transport.js';
import type { RelayJob, RelayMessage, RelaySlice } from './udp-relay.js';

const SUITES: readonly SrtpCryptoSuite[] = ['AES_CM_128_HMAC_SHA1_80', 'AEAD_AES_128_GCM'];
const FANOUTS = [1, 10, 50] as const;
const SLICES = Number(process.env['BENCH_SLICES'] ?? 7);
const SLICE_MS = Number(process.env['BENCH_SLICE_MS'] ?? 1000);
/** Side measurements (no-SRTP path, SRTP alone, per-packet ciphers) get half slices. */
const SIDE_SLICE_MS = Math.max(100, SLICE_MS / 2);
const WARMUP_MS = Math.max(200, SLICE_MS / 2);
const ONLY = process.env['BENCH_ONLY'] as 'ours' | 'floor' | undefined;
const PROFILING = process.execArgv.some((a) => a.startsWith('--cpu-prof'));
const HOST = '127.0.0.1';
const RESULTS = fileURLToPath(new URL('./RESULTS.md', import.meta.url));
const HARD_STOP_MS = 300_000;

const children = new Set<ChildProcess>();
const hardStop = setTimeout(() => {
  console.error(`packet-path: still running after ${HARD_STOP_MS / 1000} s, giving up`);
  process.exit(1);
}, HARD_STOP_MS);
hardStop.unref();
process.on('exit', () => {
  for (const child of children) if (child.exitCode === null && child.pid !== undefined) child.kill('SIGKILL');
});

// ---------------------------------------------------------------------------
// Measurement

interface Slice {
  in: number;
  out: number;
  wallNs: number;
  cpuUs: number;
}

interface Work {
  /** Untimed: e.g. build the next batch of incoming SRTP packets. */
  prepare(): void;
  /** Timed: one batch; returns packets taken in and packets produced. */
  run(): { in: number; out: number };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function slice(work: Work, ms: number): Promise<Slice> {
  const s: Slice = { in: 0, out: 0, wallNs: 0, cpuUs: 0 };
  while (s.wallNs < ms * 1e6) {
    work.prepare();
    // Lets the transports' NACK/RTCP timers run between batches, as in the worker.
    await tick();
    const cpu = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    const r = work.run();
    s.wallNs += Number(process.hrtime.bigint() - t0);
    const used = process.cpuUsage(cpu);
    s.cpuUs += used.user + used.system;
    s.in += r.in;
    s.out += r.out;
  }
  return s;
}

async function measure(work: Work, sliceMs: number): Promise<Slice[]> {
  await slice(work, WARMUP_MS);
  const slices: Slice[] = [];
  for (let i = 0; i < SLICES; i++) slices.push(await slice(work, sliceMs));
  return slices;
}

interface Spread {
  median: number;
  min: number;
  max: number;
}

function spread(values: number[]): Spread {
  const v = [...values].sort((a, b) => a - b);
  const mid = v.length >> 1;
  const median = v.length % 2 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
  return { median, min: v[0]!, max: v[v.length - 1]! };
}

interface Rates {
  /** Per CPU-second of this process (all its threads: GC and compiler included). */
  inPps: Spread;
  outPps: Spread;
  /** Process CPU ns per produced packet. */
  nsOut: Spread;
  /** Wall ns per produced packet (inflated when other processes take the core). */
  wallNsOut: Spread;
  /** Process CPU time over wall time. */
  cpuPerWall: number;
}

function rates(slices: Slice[]): Rates {
  return {
    inPps: spread(slices.map((s) => (s.in * 1e6) / s.cpuUs)),
    outPps: spread(slices.map((s) => (s.out * 1e6) / s.cpuUs)),
    nsOut: spread(slices.map((s) => (s.cpuUs * 1e3) / s.out)),
    wallNsOut: spread(slices.map((s) => s.wallNs / s.out)),
    cpuPerWall: spread(slices.map((s) => (s.cpuUs * 1000) / s.wallNs)).median,
  };
}

// ---------------------------------------------------------------------------
// A Chrome-like VP8 sender: 1100-byte packets, 8 per frame at 30 fps, a key
// frame every 300 frames, and the one-byte extensions Chrome puts on every
// packet with the ids of its default offer (abs-send-time 2, transport-wide-cc 3, mid 4).

const PACKET_SIZE = 1100;
const PACKETS_PER_FRAME = 8;
const VP8_PT = 96;
const CHROME_EXT = { absSendTime: 2, transportCc: 3, mid: 4 } as const;
const ROUTER_EXT = { mid: 1, absSendTime: 4, transportCc: 5 } as const;

class ChromeVp8Source {
  readonly ssrc = randomInt(1, 0xffffffff);
  #seq = randomInt(0, 0x10000);
  #timestamp = randomInt(0, 0xffffffff);
  #pictureId = randomInt(0, 0x8000);
  #transportSeq = randomInt(0, 0x10000);
  #frame = 0;
  #inFrame = 0;
  readonly #pool = randomBytes(1 << 16);
  #poolAt = 0;

  next(): Buffer {
    const p = Buffer.allocUnsafe(PACKET_SIZE);
    const first = this.#inFrame === 0;
    const last = this.#inFrame === PACKETS_PER_FRAME - 1;
    const key = this.#frame % 300 === 0;
    p[0] = 0x90; // V=2, X=1
    p[1] = (last ? 0x80 : 0) | VP8_PT;
    p.writeUInt16BE(this.#seq, 2);
    p.writeUInt32BE(this.#timestamp >>> 0, 4);
    p.writeUInt32BE(this.ssrc, 8);
    p.writeUInt16BE(0xbede, 12); // RFC 8285 one-byte form
    p.writeUInt16BE(3, 14); // 12 bytes of elements
    p[16] = (CHROME_EXT.absSendTime << 4) | 2; // 3-byte 6.18 fixed-point seconds
    p.writeUIntBE(Math.floor(performance.now() * 262.144) & 0xffffff, 17, 3);
    p[20] = (CHROME_EXT.transportCc << 4) | 1;
    p.writeUInt16BE(this.#transportSeq, 21);
    p[23] = (CHROME_EXT.mid << 4) | 0;
    p[24] = 0x31; // mid "1"
    p[25] = p[26] = p[27] = 0;
    // VP8 descriptor (RFC 7741): X=1, S on the frame's first packet, I=1 with a 15-bit picture id.
    p[28] = first ? 0x90 : 0x80;
    p[29] = 0x80;
    p.writeUInt16BE(0x8000 | this.#pictureId, 30);
    const body = PACKET_SIZE - 32;
    if (this.#poolAt + body > this.#pool.length) this.#poolAt = 0;
    this.#pool.copy(p, 32, this.#poolAt, this.#poolAt + body);
    this.#poolAt += 61;
    if (first) {
      p[32] = key ? 0x10 : 0x11; // P bit: 0 = key frame
      if (key) p.set([0x9d, 0x01, 0x2a], 35);
    }
    this.#seq = (this.#seq + 1) & 0xffff;
    this.#transportSeq = (this.#transportSeq + 1) & 0xffff;
    if (++this.#inFrame === PACKETS_PER_FRAME) {
      this.#inFrame = 0;
      this.#frame++;
      this.#timestamp = (this.#timestamp + 3000) >>> 0;
      this.#pictureId = (this.#pictureId + 1) & 0x7fff;
    }
    return p;
  }
}

// ---------------------------------------------------------------------------
// The worker objects, wired as a WebRtcTransport wires them.

function benchContext(): WorkerContext {
  return {
    logger: new Logger('none', [], () => undefined),
    certificate: undefined as unknown as DtlsCertificate, // only DTLS reads it
    portRange: { min: 40000, max: 49999 },
    register: () => undefined,
    unregister: () => undefined,
    notify: () => undefined,
    now: () => performance.now(), // as worker/main.ts
    wants: () => false,
  };
}

interface SrtpKeys {
  key: Buffer;
  salt: Buffer;
}

function srtpKeys(suite: SrtpCryptoSuite): SrtpKeys {
  const info = srtpProfileInfo(suite)!;
  return { key: randomBytes(info.masterKeyLength), salt: randomBytes(info.masterSaltLength) };
}

function session(suite: SrtpCryptoSuite, local: SrtpKeys, remote: SrtpKeys): SrtpSession {
  return new SrtpSession({
    profile: suite,
    localMasterKey: local.key,
    localMasterSalt: local.salt,
    remoteMasterKey: remote.key,
    remoteMasterSalt: remote.salt,
  });
}

/**
 * WorkerWebRtcTransport minus ICE/DTLS/sockets: its RTP receive branch
 * (webrtc-transport.ts #onDatagram) and sendRtpToWire, with the UDP send
 * replaced by `wire`. `srtp` undefined gives the same path without SRTP.
 */
class BenchTransport extends WorkerTransport {
  readonly #srtp: SrtpSession | undefined;
  readonly #wire: (packet: Buffer) => void;
  #bytesReceived = 0;
  #bytesSent = 0;

  constructor(id: string, ctx: WorkerContext, router: WorkerRouter, srtp: SrtpSession | undefined, wire: (packet: Buffer) => void) {
    super(id, ctx, router);
    this.#srtp = srtp;
    this.#wire = wire;
  }

  ingest(msg: Buffer): void {
    this.#bytesReceived += msg.length;
    if (classifyDatagram(msg) !== 'rtp') return;
    if (!this.#srtp) {
      this.receiveRtp(msg);
      return;
    }
    const plain = this.#srtp.unprotectRtp(msg);
    if (!plain) {
      this.dropped.add(`srtp-${this.#srtp.lastDropReason ?? 'error'}`);
      return;
    }
    this.receiveRtp(plain);
  }

  get droppedCounts(): Record<string, number> {
    return this.dropped.toJSON();
  }

  protected sendRtpToWire(packet: Buffer, length: number): void {
    const plain = length === packet.length ? packet : packet.subarray(0, length);
    if (!this.#srtp) {
      this.#send(plain);
      return;
    }
    const protectedPacket = this.#srtp.protectRtp(plain);
    if (!protectedPacket) {
      this.dropped.add(`srtp-protect-${this.#srtp.lastDropReason ?? 'error'}`);
      return;
    }
    this.#send(protectedPacket);
  }

  protected sendRtcpToWire(packet: Buffer): void {
    const out = this.#srtp ? this.#srtp.protectRtcp(packet) : packet;
    if (out) this.#send(out);
  }

  protected handleOwnRequest(): unknown {
    return undefined;
  }

  protected onClose(): void {}

  #send(packet: Buffer): void {
    this.#bytesSent += packet.length;
    this.#wire(packet);
  }
}

const VP8_FEEDBACK = [
  { type: 'goog-remb' },
  { type: 'transport-cc' },
  { type: 'ccm', parameter: 'fir' },
  { type: 'nack' },
  { type: 'nack', parameter: 'pli' },
];

function producerInit(ssrc: number): ProducerInit {
  const rtpParameters: RtpParameters = {
    mid: '1',
    codecs: [
      { mimeType: 'video/VP8', payloadType: VP8_PT, clockRate: 90000, rtcpFeedback: VP8_FEEDBACK },
      { mimeType: 'video/rtx', payloadType: 97, clockRate: 90000, parameters: { apt: VP8_PT } },
    ],
    headerExtensions: [
      { uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', id: CHROME_EXT.mid },
      { uri: 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time', id: CHROME_EXT.absSendTime },
      { uri: 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01', id: CHROME_EXT.transportCc },
      { uri: 'urn:3gpp:video-orientation', id: 13 },
      { uri: 'urn:ietf:params:rtp-hdrext:toffset', id: 14 },
    ],
    encodings: [{ ssrc, rtx: { ssrc: (ssrc + 1) >>> 0 } }],
    rtcp: { cname: 'bench', reducedSize: true },
  };
  return {
    producerId: 'producer',
    kind: 'video',
    rtpParameters,
    rtpMapping: { codecs: [{ payloadType: VP8_PT, mappedPayloadType: 101 }, { payloadType: 97, mappedPayloadType: 102 }], encodings: [{ ssrc, mappedSsrc: 0x10203040 }] },
    consumableRtpParameters: {
      codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000, rtcpFeedback: VP8_FEEDBACK }],
      headerExtensions: consumerExtensions(),
      encodings: [{ ssrc: 0x10203040 }],
    },
    paused: false,
    keyFrameRequestDelay: 0,
  };
}

/** What a Chrome consumer keeps of the router's video extensions. */
function consumerExtensions(): NonNullable<RtpParameters['headerExtensions']> {
  return [
    { uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', id: ROUTER_EXT.mid },
    { uri: 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time', id: ROUTER_EXT.absSendTime },
    { uri: 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01', id: ROUTER_EXT.transportCc },
    { uri: 'urn:3gpp:video-orientation', id: 11 },
    { uri: 'urn:ietf:params:rtp-hdrext:toffset', id: 12 },
    { uri: 'http://www.webrtc.org/experiments/rtp-hdrext/abs-capture-time', id: 13 },
    { uri: 'http://www.webrtc.org/experiments/rtp-hdrext/playout-delay', id: 14 },
  ];
}

function consumerInit(index: number): ConsumerInit {
  const ssrc = randomInt(1, 0x7fffffff);
  return {
    consumerId: `consumer-${index}`,
    producerId: 'producer',
    kind: 'video',
    rtpParameters: {
      mid: '1',
      codecs: [
        { mimeType: 'video/VP8', payloadType: 101, clockRate: 90000, rtcpFeedback: VP8_FEEDBACK.filter((f) => f.type !== 'goog-remb') },
        { mimeType: 'video/rtx', payloadType: 102, clockRate: 90000, parameters: { apt: 101 } },
      ],
      headerExtensions: consumerExtensions(),
      encodings: [{ ssrc, rtx: { ssrc: ssrc + 1 } }],
      rtcp: { cname: 'bench', reducedSize: true },
    },
    paused: false,
    ignoreDtx: false,
  };
}

/** One producer transport and `fanout` consumer transports on one router; suite undefined = no SRTP. */
class ForwardingRig implements Work {
  readonly #source = new ChromeVp8Source();
  readonly #browser: SrtpSession | undefined;
  readonly #ingress: BenchTransport;
  readonly #transports: BenchTransport[] = [];
  readonly #router: WorkerRouter;
  readonly #batchSize: number;
  #batch: Buffer[] = [];
  #wirePackets = 0;

  constructor(suite: SrtpCryptoSuite | undefined, fanout: number) {
    const ctx = benchContext();
    this.#router = new WorkerRouter('router', ctx, () => undefined);
    const wire = (): void => {
      this.#wirePackets++;
    };
    const browserKeys = suite && srtpKeys(suite);
    const sfuKeys = suite && srtpKeys(suite);
    this.#browser = suite && session(suite, browserKeys!, sfuKeys!);
    this.#ingress = new BenchTransport('ingress', ctx, this.#router, suite && session(suite, sfuKeys!, browserKeys!), wire);
    this.#ingress.handleRequest('transport.produce', producerInit(this.#source.ssrc));
    for (let i = 0; i < fanout; i++) {
      const keys = suite && srtpKeys(suite);
      const transport = new BenchTransport(`egress-${i}`, ctx, this.#router, suite && session(suite, keys!, keys!), wire);
      transport.handleRequest('transport.consume', consumerInit(i));
      this.#transports.push(transport);
    }
    // ~10 ms of work per batch at any fan-out.
    this.#batchSize = Math.max(64, Math.round(2048 / fanout));
    this.#transports.push(this.#ingress);
  }

  prepare(): void {
    const batch: Buffer[] = [];
    for (let i = 0; i < this.#batchSize; i++) {
      const plain = this.#source.next();
      batch.push(this.#browser ? this.#browser.protectRtp(plain)! : plain);
    }
    this.#batch = batch;
  }

  run(): { in: number; out: number } {
    const before = this.#wirePackets;
    const batch = this.#batch;
    for (let i = 0; i < batch.length; i++) this.#ingress.ingest(batch[i]!);
    this.#batch = [];
    return { in: batch.length, out: this.#wirePackets - before };
  }

  /** Throws if anything on the path dropped packets: the numbers would be meaningless. */
  check(): void {
    for (const t of this.#transports) {
      const dropped = t.droppedCounts;
      if (Object.keys(dropped).length > 0) throw new Error(`${t.id} dropped packets: ${JSON.stringify(dropped)}`);
    }
  }

  close(): void {
    for (const t of this.#transports) t.close();
    this.#router.close();
  }
}

async function measureForwarding(suite: SrtpCryptoSuite | undefined, fanout: number, sliceMs: number): Promise<Rates> {
  const rig = new ForwardingRig(suite, fanout);
  try {
    const slices = await measure(rig, sliceMs);
    rig.check();
    const r = rates(slices);
    const expected = Math.round(r.inPps.median * fanout);
    if (Math.abs(r.outPps.median - expected) > expected * 0.01) throw new Error(`fan-out ${fanout}: ${r.outPps.median} out for ${r.inPps.median} in`);
    return r;
  } finally {
    rig.close();
  }
}

// ---------------------------------------------------------------------------
// SRTP alone, and node:crypto with a cipher per packet.

const SRTP_BATCH = 1024;

/** What a consumer hands to protectRtp: an 1100-byte RTP packet with a 12-byte extension block. */
function consumerPacket(): Buffer {
  return new ChromeVp8Source().next();
}

function protectOnly(suite: SrtpCryptoSuite): Work {
  const keys = srtpKeys(suite);
  const tx = session(suite, keys, keys);
  const packet = consumerPacket();
  let seq = 0;
  return {
    prepare: () => undefined,
    run: () => {
      for (let i = 0; i < SRTP_BATCH; i++) {
        packet.writeUInt16BE(seq, 2);
        seq = (seq + 1) & 0xffff;
        if (!tx.protectRtp(packet)) throw new Error('protect failed');
      }
      return { in: SRTP_BATCH, out: SRTP_BATCH };
    },
  };
}

function unprotectOnly(suite: SrtpCryptoSuite): Work {
  const a = srtpKeys(suite);
  const b = srtpKeys(suite);
  const tx = session(suite, a, b);
  const rx = session(suite, b, a);
  const source = new ChromeVp8Source();
  let batch: Buffer[] = [];
  return {
    prepare: () => {
      batch = [];
      for (let i = 0; i < SRTP_BATCH; i++) batch.push(tx.protectRtp(source.next())!);
    },
    run: () => {
      for (const p of batch) if (!rx.unprotectRtp(p)) throw new Error(`unprotect failed: ${rx.lastDropReason}`);
      return { in: SRTP_BATCH, out: SRTP_BATCH };
    },
  };
}

/** The naive way: createCipheriv (and createHmac) for every packet, output concatenated. */
function cipherPerPacket(suite: SrtpCryptoSuite): Work {
  const info = srtpProfileInfo(suite)!;
  const key = randomBytes(info.masterKeyLength);
  const authKey = createSecretKey(randomBytes(20));
  const iv = randomBytes(info.aead ? 12 : 16);
  const roc = Buffer.alloc(4);
  const packet = consumerPacket();
  const headerLength = 28;
  const header = packet.subarray(0, headerLength);
  const payload = packet.subarray(headerLength);
  return {
    prepare: () => undefined,
    run: () => {
      for (let i = 0; i < SRTP_BATCH; i++) {
        iv.writeUInt16BE(i, iv.length - 2);
        if (info.aead) {
          const c = createCipheriv('aes-128-gcm', key, iv).setAAD(header);
          const body = c.update(payload);
          c.final();
          Buffer.concat([header, body, c.getAuthTag()]);
        } else {
          const c = createCipheriv('aes-128-ctr', key, iv);
          const srtp = Buffer.concat([header, c.update(payload), c.final()]);
          const tag = createHmac('sha1', authKey).update(srtp).update(roc).digest();
          Buffer.concat([srtp, tag.subarray(0, info.rtpAuthTagLength)]);
        }
      }
      return { in: SRTP_BATCH, out: SRTP_BATCH };
    },
  };
}

// ---------------------------------------------------------------------------
// The UDP relay floor: sinks that never read (their queues fill and the kernel
// drops), a relay process, and this process flooding the relay from a connected socket.

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

interface RelayRates {
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

async function measureRelay(fanout: number): Promise<RelayRates> {
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

// ---------------------------------------------------------------------------
// Report

const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const ns = (n: number): string => (n >= 100 ? int(n) : n.toFixed(1));
const pct = (x: number): string => `${Math.round(x * 100)}%`;
const span = (s: Spread, f: (n: number) => string): string => `${f(s.median)} [${f(s.min)}–${f(s.max)}]`;
const times = (x: number): string => `${x.toFixed(x < 10 ? 1 : 0)}×`;

interface Results {
  ours: Map<string, Rates>;
  plain: Map<number, Rates>;
  relay: Map<number, RelayRates>;
  protect: Map<SrtpCryptoSuite, Rates>;
  unprotect: Map<SrtpCryptoSuite, Rates>;
  perPacketCipher: Map<SrtpCryptoSuite, Rates>;
}

const oursKey = (suite: SrtpCryptoSuite, fanout: number): string => `${suite}/${fanout}`;

function section(r: Results, seconds: number): string {
  const cpus = os.cpus();
  const lines: string[] = [];
  lines.push('## Per-packet path (micro)', '');
  lines.push(
    `Command: \`npm run bench:packet\` (bench/packet-path.ts) — ${new Date().toISOString()} — ` +
      `${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, Node ${process.version}, ${os.platform()} ${os.release()} — ` +
      `${SLICES} slices of ${SLICE_MS} ms after warmup, median [min–max], run took ${Math.round(seconds)} s.`,
    '',
  );
  lines.push(
    'One ingress packet: a 1100-byte VP8 RTP packet as Chrome sends it (one-byte extensions abs-send-time, transport-wide-cc, mid), ' +
      'SRTP-unprotected, parsed, mapped to router ids, then for each consumer rewritten (`writeConsumerRtp`), copied into the retransmission buffer, ' +
      'and SRTP-protected. Real WorkerRouter/WorkerProducer/WorkerConsumer/WorkerTransport, one thread; only `socket.send` is left out. ' +
      'Floor: a bare Node relay on 127.0.0.1 (own process: 1 recv, N × `socket.send(buf, port, ip)`), in sent packets per CPU-second of that process.',
    '',
  );
  lines.push('| scenario | ours: packets/s in | ours: packets/s out | ours: ns per delivered packet | floor: UDP relay ns per delivered packet | ratio ours / floor | crypto share of ours |');
  lines.push('|---|---|---|---|---|---|---|');
  for (const suite of SUITES) {
    for (const fanout of FANOUTS) {
      const o = r.ours.get(oursKey(suite, fanout));
      if (!o) continue;
      const floor = r.relay.get(fanout);
      const plain = r.plain.get(fanout);
      const p = r.protect.get(suite);
      const u = r.unprotect.get(suite);
      const share = plain ? pct(1 - plain.nsOut.median / o.nsOut.median) : 'n/a';
      const iso = p && u ? ` (SRTP calls alone: ${pct((p.nsOut.median + u.nsOut.median / fanout) / o.nsOut.median)})` : '';
      lines.push(
        `| ${suite}, 1 → ${fanout} | ${span(o.inPps, int)} | ${span(o.outPps, int)} | ${span(o.nsOut, ns)} | ` +
          `${floor ? span(floor.nsOut, ns) : 'n/a'} | ${floor ? times(o.nsOut.median / floor.nsOut.median) : 'n/a'} | ${share}${iso} |`,
      );
    }
  }
  lines.push('');
  lines.push('| floor | per second | ns per packet | note |');
  lines.push('|---|---|---|---|');
  for (const fanout of FANOUTS) {
    const f = r.relay.get(fanout);
    if (!f) continue;
    lines.push(
      `| UDP relay, 1 → ${fanout} (sent per relay CPU-second) | ${span(f.perCpuSecond, int)} | ${span(f.nsOut, ns)} | ` +
        `relay CPU ${pct(f.utilization)} of a core, ${int(f.receivedPps)} in/s |`,
    );
  }
  for (const fanout of FANOUTS) {
    const o = r.plain.get(fanout);
    if (o) lines.push(`| ours without SRTP, 1 → ${fanout} (delivered/s) | ${span(o.outPps, int)} | ${span(o.nsOut, ns)} | process CPU ${o.cpuPerWall.toFixed(2)}× wall |`);
  }
  for (const suite of SUITES) {
    const p = r.protect.get(suite);
    const u = r.unprotect.get(suite);
    const c = r.perPacketCipher.get(suite);
    if (p) lines.push(`| SrtpSession.protectRtp, ${suite} | ${span(p.outPps, int)} | ${span(p.nsOut, ns)} | 1100-byte packet |`);
    if (u) lines.push(`| SrtpSession.unprotectRtp, ${suite} | ${span(u.outPps, int)} | ${span(u.nsOut, ns)} | |`);
    if (c) {
      const how = srtpProfileInfo(suite)!.aead ? 'createCipheriv(aes-128-gcm)' : 'createCipheriv(aes-128-ctr) + createHmac(sha1)';
      lines.push(`| node:crypto ${how} per packet (protect) | ${span(c.outPps, int)} | ${span(c.nsOut, ns)} | native AES, new cipher each packet |`);
    }
  }
  lines.push('');
  lines.push(
    'Notes: "ratio" compares our user-space work per delivered packet with the whole cost of a bare relay (recv + send syscalls, loopback delivery), ' +
      'so the real per-packet cost of the SFU is roughly ours + floor. "crypto share" = 1 − (same path without SRTP) / ours; in brackets, ' +
      'protectRtp + unprotectRtp / fan-out measured alone. The relay sinks never read, so the kernel drops at their full queues: the relay pays ' +
      'the send path and loopback delivery but no receiver wake-ups. ' +
      `Ours runs in one thread; process CPU (GC and compiler threads included) was ${[...r.ours.values()].map((o) => o.cpuPerWall.toFixed(2)).join('/')}× wall.`,
  );
  return lines.join('\n');
}

function writeResults(body: string): void {
  const START = '<!-- packet-path:start -->';
  const END = '<!-- packet-path:end -->';
  const block = `${START}\n${body}\n${END}`;
  let doc = existsSync(RESULTS) ? readFileSync(RESULTS, 'utf8') : '# Benchmark results\n';
  const a = doc.indexOf(START);
  const b = doc.indexOf(END);
  if (a >= 0 && b > a) doc = doc.slice(0, a) + block + doc.slice(b + END.length);
  else doc = `${doc.trimEnd()}\n\n${block}\n`;
  writeFileSync(RESULTS, doc);
}

// ---------------------------------------------------------------------------

async function main(): Promise<void> {
  const started = performance.now();
  const r: Results = { ours: new Map(), plain: new Map(), relay: new Map(), protect: new Map(), unprotect: new Map(), perPacketCipher: new Map() };
  const log = (label: string, text: string): void => console.log(`${label.padEnd(44)} ${text}`);
  if (ONLY !== 'floor') {
    for (const suite of SUITES) {
      for (const fanout of FANOUTS) {
        const o = await measureForwarding(suite, fanout, SLICE_MS);
        r.ours.set(oursKey(suite, fanout), o);
        log(`ours ${suite} 1→${fanout}`, `in ${span(o.inPps, int)}/s  out ${span(o.outPps, int)}/s  ${span(o.nsOut, ns)} ns/out  cpu ${o.cpuPerWall.toFixed(2)}×wall`);
      }
    }
  }
  if (ONLY !== 'ours') {
    for (const fanout of FANOUTS) {
      const o = await measureForwarding(undefined, fanout, SIDE_SLICE_MS);
      r.plain.set(fanout, o);
      log(`ours without SRTP 1→${fanout}`, `out ${span(o.outPps, int)}/s  ${span(o.nsOut, ns)} ns/out`);
    }
    for (const suite of SUITES) {
      const p = rates(await measure(protectOnly(suite), SIDE_SLICE_MS));
      r.protect.set(suite, p);
      log(`protectRtp ${suite}`, `${span(p.outPps, int)}/s  ${span(p.nsOut, ns)} ns`);
      const u = rates(await measure(unprotectOnly(suite), SIDE_SLICE_MS));
      r.unprotect.set(suite, u);
      log(`unprotectRtp ${suite}`, `${span(u.outPps, int)}/s  ${span(u.nsOut, ns)} ns`);
      const c = rates(await measure(cipherPerPacket(suite), SIDE_SLICE_MS));
      r.perPacketCipher.set(suite, c);
      log(`createCipheriv per packet ${suite}`, `${span(c.outPps, int)}/s  ${span(c.nsOut, ns)} ns`);
    }
    for (const fanout of FANOUTS) {
      const f = await measureRelay(fanout);
      r.relay.set(fanout, f);
      log(`UDP relay 1→${fanout}`, `${span(f.perCpuSecond, int)} sent/CPU-s  ${span(f.nsOut, ns)} ns/out  relay CPU ${pct(f.utilization)}  in ${int(f.receivedPps)}/s`);
    }
  }
  const body = section(r, (performance.now() - started) / 1000);
  console.log(`\n${body}\n`);
  if (PROFILING || ONLY) console.log('(profiling or partial run: bench/RESULTS.md left as is)');
  else {
    writeResults(body);
    console.log(`updated ${RESULTS}`);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
