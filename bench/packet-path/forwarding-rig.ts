// The worker's per-packet path for bench/packet-path.ts: real WorkerRouter,
// WorkerProducer, WorkerConsumer and WorkerTransport (NACK/RTCP timers included),
// wired as WorkerWebRtcTransport wires them; only ICE, DTLS and the socket are left
// out (the UDP send becomes a counter).
import { randomBytes, randomInt } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { RtpParameters } from '../../packages/consomme/src/ortc/types.js';
import type { DtlsCertificate } from '../../packages/consomme/src/wire/dtls/certificate.js';
import { classifyDatagram } from '../../packages/consomme/src/wire/demux.js';
import { SrtpSession, srtpProfileInfo, type SrtpCryptoSuite } from '../../packages/consomme/src/wire/srtp/index.js';
import type { ConsumerInit } from '../../packages/consomme/src/worker/consumer.js';
import type { WorkerContext } from '../../packages/consomme/src/worker/context.js';
import { Logger } from '../../packages/consomme/src/worker/logger.js';
import type { ProducerInit } from '../../packages/consomme/src/worker/producer.js';
import { WorkerRouter } from '../../packages/consomme/src/worker/router.js';
import { WorkerTransport } from '../../packages/consomme/src/worker/transport.js';
import { CHROME_EXT, ChromeVp8Source, VP8_PT } from './chrome-vp8-source.js';
import { measure, rates, type Rates, type Work } from './measure.js';

/** The router's ids (ortc/supported.ts) for the extensions Chrome sends. */
const ROUTER_EXT = { mid: 1, absSendTime: 4, transportCc: 5 } as const;

function benchContext(): WorkerContext {
  return {
    logger: new Logger('none', [], () => undefined),
    certificate: undefined as unknown as DtlsCertificate, // only DTLS reads it
    portRange: { min: 40000, max: 49999 },
    register: () => undefined,
    unregister: () => undefined,
    notify: () => undefined,
    now: () => performance.now(), // as worker/main.ts
    getWebRtcServer: () => undefined,
    wants: () => false,
  };
}

export interface SrtpKeys {
  key: Buffer;
  salt: Buffer;
}

export function srtpKeys(suite: SrtpCryptoSuite): SrtpKeys {
  const info = srtpProfileInfo(suite)!;
  return { key: randomBytes(info.masterKeyLength), salt: randomBytes(info.masterSaltLength) };
}

export function session(suite: SrtpCryptoSuite, local: SrtpKeys, remote: SrtpKeys): SrtpSession {
  return new SrtpSession({
    profile: suite,
    localMasterKey: local.key,
    localMasterSalt: local.salt,
    remoteMasterKey: remote.key,
    remoteMasterSalt: remote.salt,
  });
}

const BENCH_TUPLE = 'udp:127.0.0.1:5000';

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
  /** The ICE tuples the worker checks each datagram against; one here. */
  readonly #tuples = new Map<string, unknown>([[BENCH_TUPLE, {}]]);

  constructor(id: string, ctx: WorkerContext, router: WorkerRouter, srtp: SrtpSession | undefined, wire: (packet: Buffer) => void) {
    super(id, ctx, router);
    this.#srtp = srtp;
    this.#wire = wire;
    // As after the DTLS-SRTP handshake: consumers send only on a connected transport.
    this.setConnected(true);
  }

  ingest(msg: Buffer): void {
    this.#bytesReceived += msg.length;
    if (classifyDatagram(msg) !== 'rtp') return;
    if (!this.#tuples.has(BENCH_TUPLE)) {
      this.dropped.add('rtp-from-unknown-tuple');
      return;
    }
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
    if (!this.#srtp) {
      this.#send(length === packet.length ? packet : packet.subarray(0, length));
      return;
    }
    // As WebRtcTransport does: the scratch buffer and its length, no view per packet.
    const protectedPacket = this.#srtp.protectRtp(packet, length);
    if (!protectedPacket) {
      this.dropped.add(`srtp-protect-${this.#srtp.lastDropReason ?? 'error'}`);
      return;
    }
    this.#send(protectedPacket);
  }

  protected sendRtcpToWire(packet: Buffer): void {
    // RTCP (transport-cc feedback and REMB to the producer, reports) costs CPU like any
    // send, but the rig's packet counts are RTP: one out per consumer per packet in.
    const out = this.#srtp ? this.#srtp.protectRtcp(packet) : packet;
    if (out) this.#bytesSent += out.length;
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

export async function measureForwarding(suite: SrtpCryptoSuite | undefined, fanout: number, sliceMs: number): Promise<Rates> {
  const rig = new ForwardingRig(suite, fanout);
  try {
    const slices = await measure(rig, sliceMs);
    rig.check();
    for (const s of slices) if (s.out !== s.in * fanout) throw new Error(`fan-out ${fanout}: ${s.out} packets out for ${s.in} in`);
    return rates(slices);
  } finally {
    rig.close();
  }
}

