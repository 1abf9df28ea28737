/**
 * A light WebRTC viewer for load tests: real ICE (ice.ts), DTLS 1.2 as client and SRTP,
 * built from Consommé's own wire modules, with no decoder and no jitter buffer. It counts
 * every RTP packet per SSRC, sequence gaps, the RTCP it receives (PLI/NACK are never sent:
 * counted as zero), and the forwarding delay from the feeder's stamp (bench/fanout/stamp.ts).
 * Costing a few µs per packet, hundreds fit in one process, one UDP socket each, so the SFU
 * rather than the load client runs out of CPU first.
 *
 * Datagrams are told apart by their first byte (RFC 7983): 0–3 STUN, 20–63 DTLS,
 * 128–191 RTP or RTCP (RTCP when the packet type is 192–223, RFC 5761 §4).
 */
import { createSocket, type Socket } from 'node:dgram';
import { DtlsSession, type DtlsConnectedInfo } from '../../packages/consomme/src/wire/dtls/session.js';
import { fingerprints, generateDtlsCertificate, type DtlsCertificate, type DtlsFingerprint } from '../../packages/consomme/src/wire/dtls/certificate.js';
import { srtpProfileName } from '../../packages/consomme/src/wire/dtls/srtp-profiles.js';
import { parseRtcpCompound } from '../../packages/consomme/src/wire/rtcp/index.js';
import { SrtpSession } from '../../packages/consomme/src/wire/srtp/index.js';
import { readStamp } from '../fanout/stamp.js';
import { DelayHistogram, SsrcCounter, type SsrcSnapshot } from './counters.js';
import { IceChecks } from './ice.js';

export interface RemoteEndpoint {
  ufrag: string;
  password: string;
  ip: string;
  port: number;
  fingerprint: { algorithm: string; value: string };
  /** true against an ICE-lite SFU; false against a full agent that sent the offer. */
  controlling: boolean;
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
  readonly #certificate: DtlsCertificate;
  readonly #socket: Socket;
  #remote: RemoteEndpoint | undefined;
  #dtls: DtlsSession | undefined;
  #srtp: SrtpSession | undefined;
  #checkTimer: NodeJS.Timeout | undefined;
  #iceConnected: (() => void) | undefined;
  #closed = false;

  private constructor(certificate: DtlsCertificate, socket: Socket) {
    this.#certificate = certificate;
    this.#socket = socket;
    socket.on('message', (buf, rinfo) => this.#onDatagram(buf, rinfo.address, rinfo.port));
    socket.on('error', () => undefined);
  }

  /** Binds one UDP socket on 127.0.0.1 with a 4 MiB receive buffer (keyframes come in bursts). */
  static async create(certificate?: DtlsCertificate): Promise<LightViewer> {
    const cert = certificate ?? (await generateDtlsCertificate());
    const socket = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, '127.0.0.1', () => {
        socket.off('error', reject);
        resolve();
      });
    });
    socket.setRecvBufferSize(4 * 1024 * 1024);
    return new LightViewer(cert, socket);
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

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#checkTimer);
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
    if (!counter) this.counters.set(ssrc, (counter = new SsrcCounter()));
    counter.add(plain.readUInt16BE(2), plain.length);
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
      if (p.type === 'sr') this.rtcp.sr++;
      else if (p.type === 'pli') this.rtcp.pli++;
      else if (p.type === 'nack') this.rtcp.nack++;
      else this.rtcp.other++;
    }
  }
}
