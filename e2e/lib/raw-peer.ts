/**
 * A minimal WebRTC data-channel endpoint in Node, built only from Consommé's
 * own wire modules (no libwebrtc): one UDP socket on 127.0.0.1, ICE as the
 * controlling full agent against the SFU's ICE-lite (RFC 8445 §7.2.4 binding
 * requests, repeated every second as consent freshness, RFC 7675), DTLS 1.2 as
 * client (the server transport is connected with role 'client', so the SFU
 * takes 'server'), and one SCTP association over DTLS application data
 * (RFC 8261). Out-of-band data channels only: streams and PPIDs are chosen by
 * the caller, and DCEP is whatever bytes the caller sends under PPID 50.
 *
 * Also the means to send bad input from inside a live association:
 * sendRawSctp() puts arbitrary bytes in a DTLS record, sendRawDtls() puts
 * arbitrary bytes on the wire.
 */
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:dgram';
import { bindLoopbackUdp } from './loopback-udp.js';
import { StunMessageBuilder, STUN_METHOD_BINDING, parseStun, shortTermKey, verifyMessageIntegrity } from '../../packages/consomme/src/wire/stun/index.js';
import { DtlsSession } from '../../packages/consomme/src/wire/dtls/session.js';
import { fingerprints, generateDtlsCertificate, type DtlsCertificate, type DtlsFingerprint } from '../../packages/consomme/src/wire/dtls/certificate.js';
import { SctpAssociation, type SctpSendOptions, type SctpSendResult } from '../../packages/consomme/src/wire/sctp/association.js';
import type { SctpStats } from '../../packages/consomme/src/wire/sctp/stats.js';

/** What a WebRtcTransport tells its endpoint (the fields of mediasoup's transport). */
export interface ServerTransportParams {
  iceParameters: { usernameFragment: string; password: string };
  iceCandidates: readonly { ip?: string; address?: string; port: number; protocol: string }[];
  dtlsParameters: { fingerprints: readonly { algorithm: string; value: string }[] };
  sctpParameters?: { port: number; OS: number; MIS: number; maxMessageSize: number } | undefined;
}

export interface RawPeerOptions {
  /** SCTP maxMessageSize on our side (what we accept). Default 262144. */
  maxMessageSize?: number;
  /** SCTP send buffer of our association. Default 262144. */
  sendBufferSize?: number;
  /** Deadline for ICE + DTLS + SCTP in connect(). Default 10 s. */
  connectTimeoutMs?: number;
}

export type MessageListener = (streamId: number, ppid: number, data: Buffer) => void;

const CONSENT_INTERVAL_MS = 1000;
const ICE_RETRY_MS = 50;
const PACING_FALLBACK_MS = 200;
// RFC 8445 §5.1.2.1 with type preference 110 (peer-reflexive), one component.
const PRIORITY = (110 << 24) | (65535 << 8) | 255;

export class RawPeer {
  readonly localUfrag = randomBytes(6).toString('hex');
  readonly localPassword = randomBytes(16).toString('hex');
  readonly #certificate: DtlsCertificate;
  readonly #options: RawPeerOptions;
  readonly #socket: Socket;
  readonly #listeners = new Set<MessageListener>();
  readonly #tieBreaker = randomBytes(8).readBigUInt64BE(0);
  #server: { ip: string; port: number } | undefined;
  #stunKey: Buffer | undefined;
  #stunUsername = '';
  #iceConnected = false;
  #consentTimer: NodeJS.Timeout | undefined;
  #dtls: DtlsSession | undefined;
  #sctp: SctpAssociation | undefined;
  #closed = false;
  #remoteTag = 0;
  /** Times sendWhenPossible woke by its fallback timer although the buffer had room. */
  pacingStalls = 0;
  /** STUN success responses received (consent answers). */
  stunResponses = 0;

  private constructor(certificate: DtlsCertificate, socket: Socket, options: RawPeerOptions) {
    this.#certificate = certificate;
    this.#socket = socket;
    this.#options = options;
    socket.on('message', (buf) => this.#onDatagram(buf));
    socket.on('error', () => undefined);
  }

  static async create(options: RawPeerOptions = {}): Promise<RawPeer> {
    const certificate = await generateDtlsCertificate();
    const socket = await bindLoopbackUdp();
    return new RawPeer(certificate, socket, options);
  }

  /** For `transport.connect({ dtlsParameters })`: we are the DTLS client. */
  get dtlsParameters(): { role: 'client'; fingerprints: DtlsFingerprint[] } {
    return { role: 'client', fingerprints: fingerprints(this.#certificate) };
  }

  get localPort(): number {
    return this.#socket.address().port;
  }

  get sctpState(): string {
    return this.#sctp?.state ?? 'new';
  }

  get dtlsState(): string {
    return this.#dtls?.state ?? 'new';
  }

  /** The verification tag the server expects (RFC 9260 §8.5), learnt from our own packets; 0 before SCTP is up. */
  get remoteVerificationTag(): number {
    return this.#remoteTag;
  }

  get sctpStats(): SctpStats | undefined {
    return this.#sctp?.stats;
  }

  /** ICE, then DTLS (server fingerprint verified), then SCTP; resolves once SCTP is connected. */
  async connect(params: ServerTransportParams): Promise<void> {
    const candidate = params.iceCandidates.find((c) => c.protocol === 'udp');
    if (!candidate) throw new Error('no UDP candidate');
    const ip = candidate.ip ?? candidate.address;
    if (ip === undefined) throw new Error('UDP candidate without address');
    this.#server = { ip, port: candidate.port };
    this.#stunKey = shortTermKey(params.iceParameters.password);
    this.#stunUsername = `${params.iceParameters.usernameFragment}:${this.localUfrag}`;
    const fp = params.dtlsParameters.fingerprints.find((f) => f.algorithm === 'sha-256') ?? params.dtlsParameters.fingerprints[0];
    if (!fp) throw new Error('server has no DTLS fingerprint');

    const deadline = this.#options.connectTimeoutMs ?? 10_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`raw peer: not connected within ${deadline} ms (dtls ${this.dtlsState}, sctp ${this.sctpState})`)), deadline);
    });
    try {
      await Promise.race([this.#runIce(), timeout]);
      await Promise.race([this.#runDtls(fp as DtlsFingerprint), timeout]);
      await Promise.race([this.#runSctp(params.sctpParameters?.port ?? 5000), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Listener for every message the association delivers (DCEP included). Returns an unsubscribe. */
  onMessage(listener: MessageListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  sendSctpMessage(streamId: number, ppid: number, data: Buffer, opts: SctpSendOptions = { ordered: true }): SctpSendResult {
    return this.#sctp?.send(streamId, ppid, data, opts) ?? 'closed';
  }

  /**
   * Sends once the association's send buffer has room: waits on its 'bufferedamount', or
   * PACING_FALLBACK_MS if that never comes (counted in pacingStalls: a lost wake-up is a bug).
   */
  async sendWhenPossible(streamId: number, ppid: number, data: Buffer, opts: SctpSendOptions = { ordered: true }): Promise<void> {
    for (;;) {
      const result = this.sendSctpMessage(streamId, ppid, data, opts);
      if (result === 'ok') return;
      if (result !== 'buffer-full') throw new Error(`raw peer send: ${result}`);
      const sctp = this.#sctp!;
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          clearTimeout(timer);
          sctp.off('bufferedamount', wake);
          resolve();
        };
        const timer = setTimeout(() => {
          sctp.off('bufferedamount', wake);
          if (sctp.bufferedAmount() + data.length <= sctp.sendBufferSize) this.pacingStalls++;
          resolve();
        }, PACING_FALLBACK_MS);
        sctp.on('bufferedamount', wake);
      });
    }
  }

  bufferedAmount(streamId?: number): number {
    return this.#sctp?.bufferedAmount(streamId) ?? 0;
  }

  /** Any bytes as one DTLS application-data record, i.e. as one SCTP packet. */
  sendRawSctp(buf: Buffer): boolean {
    return this.#dtls?.sendApplicationData(buf) ?? false;
  }

  /** Any bytes as one UDP datagram to the server's candidate. */
  sendRawDtls(buf: Buffer): Promise<void> {
    const server = this.#server;
    if (!server || this.#closed) return Promise.resolve();
    return new Promise((resolve) => this.#socket.send(buf, server.port, server.ip, () => resolve()));
  }

  /** Stops consent, aborts SCTP, sends close_notify, closes the socket. Idempotent. */
  close(): void {
    if (this.#closed) return;
    clearInterval(this.#consentTimer);
    this.#sctp?.close();
    this.#dtls?.close();
    this.#closed = true;
    this.#listeners.clear();
    this.#socket.close();
  }

  async #runIce(): Promise<void> {
    // Checks every 50 ms until the first answer; from then on once a second (consent freshness).
    const answered = new Promise<void>((resolve) => {
      const retry = setInterval(() => {
        if (this.#iceConnected || this.#closed) {
          clearInterval(retry);
          resolve();
          return;
        }
        this.#sendBindingRequest();
      }, ICE_RETRY_MS);
      retry.unref();
      this.#sendBindingRequest();
    });
    await answered;
    if (this.#closed) throw new Error('raw peer closed');
    this.#consentTimer = setInterval(() => this.#sendBindingRequest(), CONSENT_INTERVAL_MS);
    this.#consentTimer.unref();
  }

  #runDtls(remoteFingerprint: DtlsFingerprint): Promise<void> {
    const dtls = new DtlsSession({
      role: 'client',
      certificate: this.#certificate,
      // What browsers offer: AEAD_AES_128_GCM, then AES_CM_128_HMAC_SHA1_80.
      srtpProfiles: [0x0007, 0x0001],
      remoteFingerprint,
      send: (buf) => {
        if (!this.#closed && this.#server) this.#socket.send(buf, this.#server.port, this.#server.ip);
      },
      handshakeTimeoutMs: this.#options.connectTimeoutMs ?? 10_000,
    });
    this.#dtls = dtls;
    const done = new Promise<void>((resolve, reject) => {
      dtls.once('connected', () => resolve());
      dtls.once('failed', (failure) => reject(new Error(`raw peer DTLS failed: ${failure.reason}: ${failure.message}`)));
    });
    dtls.on('data', (data) => this.#sctp?.handlePacket(data));
    dtls.start();
    return done;
  }

  #runSctp(remotePort: number): Promise<void> {
    const sctp = new SctpAssociation({
      isClient: true,
      remotePort,
      maxMessageSize: this.#options.maxMessageSize ?? 262144,
      sendBufferSize: this.#options.sendBufferSize ?? 262144,
      numStreams: { OS: 1024, MIS: 1024 },
      send: (packet) => {
        if (packet.length >= 12 && packet[12] !== 1) this.#remoteTag = packet.readUInt32BE(4);
        this.#dtls?.sendApplicationData(packet);
      },
    });
    this.#sctp = sctp;
    sctp.on('message', (streamId, ppid, data) => {
      for (const l of this.#listeners) l(streamId, ppid, data);
    });
    const done = new Promise<void>((resolve, reject) => {
      sctp.on('statechange', (state) => {
        if (state === 'connected') resolve();
        else if (state === 'failed' || state === 'closed') reject(new Error(`raw peer SCTP ${state}`));
      });
    });
    sctp.start();
    return done;
  }

  #sendBindingRequest(): void {
    if (this.#closed || !this.#server || !this.#stunKey) return;
    const request = new StunMessageBuilder('request', STUN_METHOD_BINDING, randomBytes(12))
      .username(this.#stunUsername)
      .priority(PRIORITY)
      .iceControlling(this.#tieBreaker)
      .useCandidate()
      .build({ integrityKey: this.#stunKey, fingerprint: true });
    this.#socket.send(request, this.#server.port, this.#server.ip);
  }

  // RFC 7983 demultiplexing on the first byte: 0–3 STUN, 20–63 DTLS.
  #onDatagram(buf: Buffer): void {
    if (this.#closed || buf.length === 0) return;
    const first = buf[0]!;
    if (first <= 3) {
      const msg = parseStun(buf);
      if (msg?.class === 'successResponse' && this.#stunKey && verifyMessageIntegrity(buf, this.#stunKey)) {
        this.stunResponses++;
        this.#iceConnected = true;
      }
      return;
    }
    if (first >= 20 && first <= 63) this.#dtls?.handleDatagram(buf);
  }
}
