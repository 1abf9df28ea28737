// One DTLS 1.2 association with DTLS-SRTP key export (RFC 5764), wrapped
// around werift-dtls. The session owns no socket: the transport feeds it
// datagrams and gives it a send callback.
//
// Where werift-dtls falls short, the session fills in:
//  - malformed datagrams are filtered before werift sees them (it throws on some);
//  - alerts are handled here (werift ignores fatal alerts and treats any
//    alert, including unauthenticated plaintext ones, as a close);
//  - handshake messages reach werift whole, once each and in message_seq
//    order (handshake-reassembly.ts), and an encrypted Finished only after
//    every message before it: werift acts on whatever arrives, so under loss
//    its server derived keys from a transcript missing the client Certificate
//    and its client polled for missing messages and then gave up;
//  - once connected, plaintext (epoch-0) handshake records are dropped: werift
//    would silently renegotiate and replace the keys on a ClientHello anywhere
//    in one (not only as its first message), and the only epoch-0 handshake a
//    peer may still send then is a retransmitted flight 5, which the server
//    answers by resending its flight 6 (werift sends it once, RFC 6347
//    §4.2.4 wants it resent); a repeated HelloVerifyRequest is dropped too
//    (werift's client throws on one, e.g. when a datagram is duplicated), and
//    so is a late cookieless ClientHello (werift's server would restart);
//  - the peer's signatures and Finished are verified (werift checks neither);
//  - close() sends close_notify (werift's close only closes its transport);
//  - a handshake deadline with an unref'd timer.

import type { DtlsCertificate, DtlsFingerprint } from './certificate.js';
import { fingerprintMatches } from './certificate.js';
import { authenticatePeer } from './peer-auth.js';
import {
  ALERT_CLOSE_NOTIFY,
  classifyDtlsDatagram,
  parseDtlsAlert,
  parseDtlsRecords,
  serializeDtlsAlert,
  serializeDtlsRecord,
} from './records.js';
import type { DtlsAlert, DtlsRecord } from './records.js';
import { HandshakeGate } from './handshake-gate.js';
import { hasHandshakeRecord } from './handshake-reassembly.js';
import { isSrtpProfileId } from './srtp-profiles.js';
import { DTLS_SRTP_EXPORTER_LABEL, splitSrtpKeyingMaterial, srtpKeyingMaterialLength } from './srtp-keys.js';
import type { DtlsSrtpKeys } from './srtp-keys.js';
import type { SrtpProfileId } from './srtp-profiles.js';
import { TypedEmitter } from './typed-emitter.js';
import {
  DtlsClient,
  DtlsPlaintext,
  DtlsServer,
  createPlaintext,
  quiesce,
  retireClientFlight5,
} from './werift.js';
import type { DtlsSocket, DtlsSocketOptions, FragmentedHandshake, WeriftTransport } from './werift.js';

export type DtlsRole = 'client' | 'server';

/** mediasoup's DtlsState names. */
export type DtlsState = 'new' | 'connecting' | 'connected' | 'failed' | 'closed';

export type DtlsFailureReason =
  | 'fingerprint-mismatch'
  | 'no-certificate'
  | 'peer-authentication'
  | 'handshake-error'
  | 'handshake-timeout'
  | 'peer-alert';

export interface DtlsFailure {
  reason: DtlsFailureReason;
  message: string;
}

export type { DtlsSrtpKeys };

/** srtpProfileId is null when the peer negotiated no SRTP profile (data channels only). */
export type DtlsConnectedInfo = (DtlsSrtpKeys | { srtpProfileId: null }) & { remoteCertificateDer: Buffer };

export interface DtlsSessionEvents {
  connected: [DtlsConnectedInfo];
  failed: [DtlsFailure];
  /** The peer sent close_notify (or a fatal alert after the handshake). Not emitted for a local close(). */
  closed: [];
  data: [Buffer];
  statechange: [DtlsState];
}

export interface DtlsSessionOptions {
  role: DtlsRole;
  certificate: DtlsCertificate;
  /** DTLS-SRTP profile ids in preference order (0x0008, 0x0007, 0x0001, 0x0002). */
  srtpProfiles: readonly number[];
  remoteFingerprint?: DtlsFingerprint;
  send: (buf: Buffer) => void;
  /** From start() (client) or the first datagram (server) to verified handshake. Default 30 s. */
  handshakeTimeoutMs?: number;
}

export interface DtlsSessionStats {
  datagramsReceived: number;
  datagramsDropped: number;
}

const DEFAULT_HANDSHAKE_TIMEOUT_MS = 30_000;
const CONTENT_TYPE_ALERT = 21;
const ALERT_HANDSHAKE_FAILURE = 40;
const ALERT_BAD_CERTIFICATE = 42;
// werift's Transport.onData carries a peer address that it never reads.
const NO_ADDRESS: [string, number] = ['', 0];

export class DtlsSession {
  readonly role: DtlsRole;
  readonly #events = new TypedEmitter<DtlsSessionEvents>();
  readonly #send: (buf: Buffer) => void;
  readonly #sock: DtlsSocket;
  readonly #transport: WeriftTransport;
  readonly #srtpProfiles: readonly SrtpProfileId[];
  readonly #timeoutMs: number;
  #state: DtlsState = 'new';
  #remoteFingerprint: DtlsFingerprint | undefined;
  #timer: NodeJS.Timeout | undefined;
  // werift reported the handshake complete and the peer passed authentication.
  #handshakeDone = false;
  #detached = false;
  #serverFinished: Buffer | undefined;
  readonly #gate: HandshakeGate;
  #received = 0;
  #dropped = 0;

  constructor(options: DtlsSessionOptions) {
    for (const id of options.srtpProfiles) {
      if (!isSrtpProfileId(id)) throw new TypeError(`unsupported DTLS-SRTP profile id ${id}`);
    }
    this.role = options.role;
    this.#send = options.send;
    this.#srtpProfiles = options.srtpProfiles as readonly SrtpProfileId[];
    this.#remoteFingerprint = options.remoteFingerprint;
    this.#timeoutMs = options.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS;
    this.#transport = this.#makeTransport();
    const sockOptions: DtlsSocketOptions = {
      transport: this.#transport,
      cert: options.certificate.certPem,
      key: options.certificate.keyPem,
      // werift codes: hash 4 = sha256; signature 3 = ecdsa, 1 = rsa.
      signatureHash: { hash: 4, signature: options.certificate.keyType === 'ecdsa' ? 3 : 1 },
      // werift types the ids as 1 | 7 only, but negotiates any id (0x0002, 0x0008 tested).
      srtpProfiles: [...this.#srtpProfiles] as unknown as NonNullable<DtlsSocketOptions['srtpProfiles']>,
      extendedMasterSecret: true,
      // The client certificate is what the remote fingerprint authenticates.
      certificateRequest: options.role === 'server',
    };
    this.#sock = options.role === 'client' ? new DtlsClient(sockOptions) : new DtlsServer(sockOptions);
    this.#gate = new HandshakeGate({
      role: this.role,
      sock: this.#sock,
      feed: (buf) => this.#feed(buf),
      drop: () => this.#drop(),
      send: (buf) => this.#send(buf),
      detached: () => this.#detached,
    });
    if (options.role === 'client') this.#captureServerFinished();
    this.#sock.onConnect.subscribe(() => this.#onHandshakeComplete());
    this.#sock.onData.subscribe((data: Buffer) => this.#onApplicationData(data));
    this.#sock.onError.subscribe((err: unknown) => this.#onHandshakeError(err));
  }

  get state(): DtlsState {
    return this.#state;
  }

  get stats(): DtlsSessionStats {
    return { datagramsReceived: this.#received, datagramsDropped: this.#dropped };
  }

  on<K extends keyof DtlsSessionEvents>(event: K, listener: (...args: DtlsSessionEvents[K]) => void): this {
    this.#events.on(event, listener);
    return this;
  }

  off<K extends keyof DtlsSessionEvents>(event: K, listener: (...args: DtlsSessionEvents[K]) => void): this {
    this.#events.off(event, listener);
    return this;
  }

  once<K extends keyof DtlsSessionEvents>(event: K, listener: (...args: DtlsSessionEvents[K]) => void): this {
    this.#events.once(event, listener);
    return this;
  }

  /** Client: sends the ClientHello. Server: starts waiting (datagrams may also start it). */
  start(): void {
    if (this.#state !== 'new') return;
    this.#setState('connecting');
    this.#armTimer();
    if (this.#sock instanceof DtlsClient) {
      this.#sock.connect().catch((err: unknown) => this.#onHandshakeError(err));
    }
  }

  /**
   * May arrive after the handshake (mediasoup lets connect() follow the first
   * DTLS traffic): a finished handshake then waits here before 'connected'.
   */
  setRemoteFingerprint(fingerprint: DtlsFingerprint): void {
    if (this.#detached) return;
    this.#remoteFingerprint = fingerprint;
    if (this.#handshakeDone && this.#state === 'connecting') this.#complete();
  }

  /** Never throws; malformed or unexpected datagrams are counted and dropped. */
  handleDatagram(buf: Buffer): void {
    this.#received++;
    try {
      if (this.#detached) return this.#drop();
      if (this.#state === 'new') {
        if (this.role === 'client') return this.#drop();
        this.#setState('connecting');
        this.#armTimer();
      }
      const kind = classifyDtlsDatagram(buf);
      if (kind === 'malformed') return this.#drop();
      if (kind === 'forward' && !hasHandshakeRecord(buf)) return this.#feed(buf);
      for (const record of parseDtlsRecords(buf) ?? []) {
        if (this.#detached) break;
        if (record.contentType === 'alert') this.#onAlertRecord(record);
        else if (record.contentType === 'handshake') this.#gate.onRecord(record);
        else this.#feed(serializeDtlsRecord(record));
      }
    } catch {
      this.#drop();
    }
  }

  /** Sends one DTLS application_data record (SCTP). False when not connected. */
  sendApplicationData(buf: Buffer): boolean {
    if (this.#state !== 'connected') return false;
    this.#sock.send(buf).catch(() => undefined);
    return true;
  }

  /** Sends close_notify if keys exist, then goes quiet. Emits no event. */
  close(): void {
    if (this.#detached) return;
    if (this.#handshakeDone) this.#sendAlert({ level: 'warning', description: ALERT_CLOSE_NOTIFY });
    this.#detach();
    this.#setState('closed');
  }

  #makeTransport(): WeriftTransport {
    return {
      type: 'udp',
      address: { address: '', family: 'IPv4', port: 0 },
      closed: false,
      onData: () => undefined,
      // werift does not catch every rejection of send(), so this never rejects.
      send: async (buf: Buffer): Promise<void> => {
        if (this.#detached) return;
        try {
          this.#send(buf);
        } catch {
          // The transport's send failing is the transport's business.
        }
      },
      close: async (): Promise<void> => undefined,
    };
  }

  // werift does not keep the server's Finished in its transcript cache, and
  // the client needs it to check the server's verify_data.
  #captureServerFinished(): void {
    const sock = this.#sock;
    const inner = sock.onHandleHandshakes;
    sock.onHandleHandshakes = (assembled: FragmentedHandshake[]) => {
      for (const h of assembled) if (h.msg_type === 20) this.#serverFinished = Buffer.from(h.fragment);
      return inner(assembled);
    };
  }

  #feed(buf: Buffer): void {
    this.#transport.onData(buf, NO_ADDRESS);
  }

  #drop(): void {
    this.#dropped++;
  }

  #onAlertRecord(record: DtlsRecord): void {
    let plain: Buffer;
    if (record.epoch === 0) {
      // Once keys exist, an unauthenticated plaintext alert must not tear the session down.
      if (this.#sock.connected) return this.#drop();
      plain = record.fragment;
    } else {
      try {
        plain = this.#sock.cipher.decryptPacket(DtlsPlaintext.deSerialize(serializeDtlsRecord(record)));
      } catch {
        return this.#drop();
      }
    }
    const alert = parseDtlsAlert(plain);
    if (alert === undefined) return this.#drop();
    const established = this.#state === 'connected';
    if (alert.description === ALERT_CLOSE_NOTIFY) {
      if (!established) return this.#fail('peer-alert', 'peer sent close_notify during the handshake');
      this.#sendAlert({ level: 'warning', description: ALERT_CLOSE_NOTIFY });
      return this.#peerClosed();
    }
    if (alert.level !== 'fatal') return;
    if (!established) return this.#fail('peer-alert', `peer sent fatal alert ${alert.description}`);
    this.#peerClosed();
  }

  #onHandshakeError(err: unknown): void {
    if (this.#detached || this.#sock.connected) return;
    const message = err instanceof Error ? err.message : String(err);
    const reason = /retransmit|timeout/i.test(message) ? 'handshake-timeout' : 'handshake-error';
    this.#fail(reason, message || 'werift-dtls handshake error');
  }

  #onHandshakeComplete(): void {
    // werift's server can report completion twice when the client retransmits its last flight.
    if (this.#handshakeDone || this.#detached) return;
    if (this.role === 'client') retireClientFlight5(this.#sock);
    const failure = authenticatePeer(this.role, this.#sock, this.#serverFinished);
    if (failure !== undefined) {
      const reason = failure.reason === 'no-certificate' ? 'no-certificate' : 'peer-authentication';
      this.#sendAlert({ level: 'fatal', description: ALERT_BAD_CERTIFICATE });
      return this.#fail(reason, failure.message);
    }
    this.#handshakeDone = true;
    this.#clearTimer();
    if (this.#remoteFingerprint !== undefined) this.#complete();
  }

  #complete(): void {
    const der = Buffer.from(this.#sock.remoteCertificate as Buffer);
    const fp = this.#remoteFingerprint as DtlsFingerprint;
    if (!fingerprintMatches(der, fp)) {
      this.#sendAlert({ level: 'fatal', description: ALERT_BAD_CERTIFICATE });
      return this.#fail('fingerprint-mismatch', `peer certificate does not match its ${fp.algorithm} fingerprint`);
    }
    const negotiated = this.#sock.srtp.srtpProfile as number | undefined;
    let info: DtlsConnectedInfo;
    if (negotiated !== undefined && this.#srtpProfiles.includes(negotiated as SrtpProfileId)) {
      const profile = negotiated as SrtpProfileId;
      const material = this.#sock.exportKeyingMaterial(DTLS_SRTP_EXPORTER_LABEL, srtpKeyingMaterialLength(profile));
      info = { ...(splitSrtpKeyingMaterial(material, profile, this.role) as DtlsSrtpKeys), remoteCertificateDer: der };
    } else if (negotiated === undefined) {
      info = { srtpProfileId: null, remoteCertificateDer: der };
    } else {
      this.#sendAlert({ level: 'fatal', description: ALERT_HANDSHAKE_FAILURE });
      return this.#fail('handshake-error', `peer selected SRTP profile ${negotiated} that was not offered`);
    }
    this.#setState('connected');
    this.#events.emit('connected', info);
  }

  #onApplicationData(data: Buffer): void {
    if (this.#state !== 'connected') return this.#drop();
    this.#events.emit('data', data);
  }

  // Only after werift has keys: a plaintext alert would be unauthenticated noise to the peer.
  #sendAlert(alert: DtlsAlert): void {
    if (this.#detached || this.#sock.cipher.cipher === undefined || this.#sock.dtls.epoch === 0) return;
    try {
      const dtls = this.#sock.dtls;
      const [record] = createPlaintext(dtls)(
        [{ type: CONTENT_TYPE_ALERT, fragment: serializeDtlsAlert(alert) }],
        ++dtls.recordSequenceNumber,
      );
      if (record !== undefined) this.#send(this.#sock.cipher.encryptPacket(record).serialize());
    } catch {
      // Best effort: the peer learns of the close by timeout otherwise.
    }
  }

  #peerClosed(): void {
    this.#detach();
    this.#setState('closed');
    this.#events.emit('closed');
  }

  #fail(reason: DtlsFailureReason, message: string): void {
    if (this.#detached) return;
    this.#detach();
    this.#setState('failed');
    this.#events.emit('failed', { reason, message });
  }

  #detach(): void {
    this.#detached = true;
    this.#clearTimer();
    this.#transport.closed = true;
    quiesce(this.#sock);
    this.#sock.onConnect.allUnsubscribe();
    this.#sock.onData.allUnsubscribe();
    this.#sock.onError.allUnsubscribe();
  }

  #armTimer(): void {
    if (this.#timer !== undefined || this.#timeoutMs <= 0) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (!this.#handshakeDone) this.#fail('handshake-timeout', `no DTLS handshake within ${this.#timeoutMs} ms`);
    }, this.#timeoutMs);
    this.#timer.unref();
  }

  #clearTimer(): void {
    if (this.#timer === undefined) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #setState(state: DtlsState): void {
    if (this.#state === state) return;
    this.#state = state;
    this.#events.emit('statechange', state);
  }
}
