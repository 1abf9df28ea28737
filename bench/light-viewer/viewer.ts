/**
 * A light WebRTC viewer for load tests: real ICE (ice.ts), DTLS 1.2 as client and SRTP,
 * built from Consommé's own wire modules, with no decoder and no jitter buffer. It counts
 * every RTP packet per SSRC, sequence gaps, the RTCP it receives (PLI/NACK are never sent:
 * counted as zero), and the forwarding delay from the feeder's stamp (bench/fanout/stamp.ts).
 * Like a browser it sends an SRTCP receiver report about once a second (receiver-report.ts:
 * loss, highest sequence, jitter, LSR/DLSR per received SSRC), so the SFU's RTCP receive
 * path is loaded as in real use.
 * Costing a few µs per packet, hundreds fit in one process, one UDP socket each, so the SFU
 * rather than the load client runs out of CPU first.
 *
 * Datagrams are told apart by their first byte (RFC 7983): 0–3 STUN, 20–63 DTLS,
 * 128–191 RTP or RTCP (RTCP when the packet type is 192–223, RFC 5761 §4).
 */
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:dgram';
import { bindLoopbackUdp } from '../../e2e/lib/loopback-udp.js';
import { performance } from 'node:perf_hooks';
import { DtlsSession, type DtlsConnectedInfo } from '../../packages/consomme/src/wire/dtls/session.js';
import { fingerprints, generateDtlsCertificate, type DtlsCertificate, type DtlsFingerprint } from '../../packages/consomme/src/wire/dtls/certificate.js';
import { srtpProfileName } from '../../packages/consomme/src/wire/dtls/srtp-profiles.js';
import { parseRtcpCompound } from '../../packages/consomme/src/wire/rtcp/index.js';
import { SrtpSession } from '../../packages/consomme/src/wire/srtp/index.js';
import { readStamp } from '../fanout/stamp.js';
import { DelayHistogram, SsrcCounter, type SsrcSnapshot } from './counters.js';
import { IceChecks } from './ice.js';
import { ReceiverReports } from './receiver-report.js';

export interface RemoteEndpoint {
  ufrag: string;
  password: string;
  ip: string;
  port: number;
  fingerprint: { algorithm: string; value: string };
  /** true against an ICE-lite SFU; false against a full agent that sent the offer. */
  controlling: boolean;
  /** RTP clock rate (Hz) per payload type, for the jitter in receiver reports; without it jitter is reported as 0. */
  clockRates?: ReadonlyMap<number, number>;
}

export interface LightViewerOptions {
  /** Send RTCP receiver reports (default true). */
  receiverReports?: boolean;
  /** Mean interval between receiver reports, ms (default 1000); each is drawn from 0.5–1.5× (RFC 3550 §6.3.1) so viewers do not report in step. */
  reportIntervalMs?: number;
}

export interface RtcpCounts {
  packets: number;
  sr: number;
  pli: number;
  nack: number;
  other: number;
  dropped: number;
}

const CHECK_RETRY_MS = 50;
const CONSENT_INTERVAL_MS = 1000;
const REPORT_INTERVAL_MS = 1000;

export class LightViewer {
  readonly ice = new IceChecks();
  readonly counters = new Map<number, SsrcCounter>();
  readonly delay = new DelayHistogram();
  readonly rtcp: RtcpCounts = { packets: 0, sr: 0, pli: 0, nack: 0, other: 0, dropped: 0 };
  /** The viewer never asks for retransmissions or keyframes. */
  readonly nackSent = 0;
  readonly pliSent = 0;
  /** RTP that failed SRTP or arrived before keys. */
  srtpDropped = 0;
  srtpProfile = '';
  /** SRTCP receiver reports sent. */
  rrSent = 0;
  /** Our RTCP sender SSRC (random, as RFC 3550 §8.1 asks). */
  readonly ssrc = randomBytes(4).readUInt32BE(0);
  readonly #reports = new ReceiverReports(this.ssrc, randomBytes(8).toString('hex'));
  readonly #options: LightViewerOptions;
  #reportTimer: NodeJS.Timeout | undefined;
  readonly #certificate: DtlsCertificate;
  readonly #socket: Socket;
  #remote: RemoteEndpoint | undefined;
  #dtls: DtlsSession | undefined;
  #srtp: SrtpSession | undefined;
  #checkTimer: NodeJS.Timeout | undefined;
  #iceConnected: (() => void) | undefined;
  #closed = false;

  private constructor(certificate: DtlsCertificate, socket: Socket, options: LightViewerOptions) {
    this.#certificate = certificate;
    this.#options = options;
    this.#socket = socket;
    socket.on('message', (buf, rinfo) => this.#onDatagram(buf, rinfo.address, rinfo.port));
    socket.on('error', () => undefined);
  }

  /** Binds one UDP socket on 127.0.0.1 with a 4 MiB receive buffer (keyframes come in bursts). */
  static async create(certificate?: DtlsCertificate, options: LightViewerOptions = {}): Promise<LightViewer> {
    const cert = certificate ?? (await generateDtlsCertificate());
    const socket = await bindLoopbackUdp({ recvBytes: 4 * 1024 * 1024 });
    return new LightViewer(cert, socket, options);
  }

  get localPort(): number {
    return this.#socket.address().port;
  }

  get fingerprint(): DtlsFingerprint {
    return fingerprints(this.#certificate).find((f) => f.algorithm === 'sha-256')!;
  }

  /** For a mediasoup-style `transport.connect({ dtlsParameters })`: we are the DTLS client. */
  get dtlsParameters(): { role: 'client'; fingerprints: DtlsFingerprint[] } {
    return { role: 'client', fingerprints: [this.fingerprint] };
  }

  get connected(): boolean {
    return this.#srtp !== undefined;
  }

  /** ICE, then DTLS with the remote fingerprint checked; resolves once SRTP keys are in place. */
  async connect(remote: RemoteEndpoint, timeoutMs = 10_000): Promise<void> {
    this.#remote = remote;
    this.ice.setRemote(remote, remote.controlling);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`light viewer: not connected within ${timeoutMs} ms (dtls ${this.#dtls?.state ?? 'new'})`)), timeoutMs);
    });
    try {
      await Promise.race([this.#runIce(), timeout]);
      await Promise.race([this.#runDtls(remote), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Per-SSRC counters as they stand; pass two of these to windowOf(). */
  snapshot(): Map<number, SsrcSnapshot> {
    const out = new Map<number, SsrcSnapshot>();
    for (const [ssrc, c] of this.counters) out.set(ssrc, c.snapshot());
    return out;
  }

  /**
   * Sends one plain RTP packet SRTP-protected to the peer: the send path of a light
   * participant (publisher.ts). The packet itself is left untouched. False before the keys
   * are in place, after close, or for a buffer that is not RTP.
   */
  sendRtp(plain: Buffer): boolean {
    if (this.#closed || !this.#srtp) return false;
    const protectedPacket = this.#srtp.protectRtp(plain);
    if (!protectedPacket) return false;
    this.#send(protectedPacket);
    return true;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#checkTimer);
    clearTimeout(this.#reportTimer);
    this.#dtls?.close();
    this.#socket.close();
  }

  #send(buf: Buffer): void {
    if (this.#closed || !this.#remote) return;
    this.#socket.send(buf, this.#remote.port, this.#remote.ip);
  }

  #sendCheck(): void {
    const request = this.ice.request();
    if (request) this.#send(request);
  }

  async #runIce(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.#iceConnected = resolve;
      this.#checkTimer = setInterval(() => this.#sendCheck(), CHECK_RETRY_MS);
      this.#sendCheck();
    });
    // From now on a check a second: consent freshness (RFC 7675) for either kind of peer.
    clearInterval(this.#checkTimer);
    if (this.#closed) throw new Error('light viewer closed');
    this.#checkTimer = setInterval(() => this.#sendCheck(), CONSENT_INTERVAL_MS);
    this.#checkTimer.unref();
  }

  #runDtls(remote: RemoteEndpoint): Promise<void> {
    const dtls = new DtlsSession({
      role: 'client',
      certificate: this.#certificate,
      // What browsers offer: AEAD_AES_128_GCM, then AES_CM_128_HMAC_SHA1_80.
      srtpProfiles: [0x0007, 0x0001],
      remoteFingerprint: { algorithm: remote.fingerprint.algorithm.toLowerCase(), value: remote.fingerprint.value } as DtlsFingerprint,
      send: (buf) => this.#send(buf),
      handshakeTimeoutMs: 10_000,
    });
    this.#dtls = dtls;
    const done = new Promise<void>((resolve, reject) => {
      dtls.once('connected', (info) => {
        try {
          this.#startSrtp(info);
          resolve();
        } catch (err) {
          reject(err as Error);
        }
      });
      dtls.once('failed', (f) => reject(new Error(`light viewer DTLS failed: ${f.reason}: ${f.message}`)));
    });
    dtls.start();
    return done;
  }

  #startSrtp(info: DtlsConnectedInfo): void {
    if (info.srtpProfileId === null) throw new Error('light viewer: the peer negotiated no SRTP profile');
    const profile = srtpProfileName(info.srtpProfileId);
    this.srtpProfile = profile;
    this.#srtp = new SrtpSession({
      profile,
      localMasterKey: info.localMasterKey,
      localMasterSalt: info.localMasterSalt,
      remoteMasterKey: info.remoteMasterKey,
      remoteMasterSalt: info.remoteMasterSalt,
    });
    if (this.#options.receiverReports !== false) this.#scheduleReport();
  }

  #scheduleReport(): void {
    const mean = this.#options.reportIntervalMs ?? REPORT_INTERVAL_MS;
    this.#reportTimer = setTimeout(() => {
      this.#sendReport();
      if (!this.#closed) this.#scheduleReport();
    }, mean * (0.5 + Math.random()));
    this.#reportTimer.unref();
  }

  #sendReport(): void {
    const plain = this.#reports.build(this.counters, performance.now());
    const packet = plain && this.#srtp?.protectRtcp(plain);
    if (!packet) return;
    this.#send(packet);
    this.rrSent++;
  }

  #onDatagram(buf: Buffer, ip: string, port: number): void {
    if (this.#closed || buf.length === 0) return;
    const first = buf[0]!;
    if (first >= 128 && first <= 191) {
      const pt = buf[1] ?? 0;
      if (pt >= 192 && pt <= 223) this.#onRtcp(buf);
      else this.#onRtp(buf);
    } else if (first <= 3) {
      const result = this.ice.handle(buf, ip, port);
      if (result === 'connected') this.#iceConnected?.();
      else if (result) this.#socket.send(result, port, ip);
    } else if (first >= 20 && first <= 63) {
      this.#dtls?.handleDatagram(buf);
    }
  }

  #onRtp(buf: Buffer): void {
    const plain = this.#srtp?.unprotectRtp(buf);
    if (!plain || plain.length < 12) {
      this.srtpDropped++;
      return;
    }
    const ssrc = plain.readUInt32BE(8);
    let counter = this.counters.get(ssrc);
    if (!counter) {
      this.counters.set(ssrc, (counter = new SsrcCounter()));
      counter.clockRate = this.#remote?.clockRates?.get(plain[1]! & 0x7f) ?? 0;
    }
    counter.add(plain.readUInt16BE(2), plain.length);
    counter.arrival(plain.readUInt32BE(4), performance.now());
    const sent = readStamp(plain);
    if (sent >= 0n) this.delay.addNs(process.hrtime.bigint() - sent);
  }

  #onRtcp(buf: Buffer): void {
    const plain = this.#srtp?.unprotectRtcp(buf);
    const packets = plain && parseRtcpCompound(plain);
    if (!packets) {
      this.rtcp.dropped++;
      return;
    }
    this.rtcp.packets++;
    for (const p of packets) {
      if (p.type === 'sr') {
        this.rtcp.sr++;
        this.#reports.senderReport(p.ssrc, p.ntpSeconds, p.ntpFraction, performance.now());
      }
      else if (p.type === 'pli') this.rtcp.pli++;
      else if (p.type === 'nack') this.rtcp.nack++;
      else this.rtcp.other++;
    }
  }
}
