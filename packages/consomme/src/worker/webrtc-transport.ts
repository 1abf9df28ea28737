import { isIP } from 'node:net';
import type { SrtpCryptoSuite } from '../wire/srtp/index.js';
import { SrtpSession, cryptoSuiteFromDtlsProfileId, dtlsProfileIdFromCryptoSuite } from '../wire/srtp/index.js';
import { DtlsSession, type DtlsConnectedInfo } from '../wire/dtls/session.js';
import { fingerprints, isDtlsFingerprintAlgorithm, type DtlsFingerprint } from '../wire/dtls/certificate.js';
import { classifyDatagram } from '../wire/demux.js';
import { IceLiteAgent, generateIcePassword, generateIceUsernameFragment, type IceAgentEvent } from '../wire/ice/index.js';
import { parseStun } from '../wire/stun/index.js';
import type { WorkerContext } from './context.js';
import { listenIce, type IceListener, type IceSocketSink, type Tuple } from './net/ice-sockets.js';

export type { Tuple } from './net/ice-sockets.js';
import type { WorkerRouter } from './router.js';
import { WorkerTransport } from './transport.js';
import { SctpBridge } from './sctp-bridge.js';
import type { WorkerWebRtcServer } from './webrtc-server.js';
import type { SctpStreamParameters } from '../ortc/types.js';
import type { SctpSendResult } from './data-consumer.js';

interface ListenInfoInit {
  protocol: 'udp' | 'tcp';
  ip: string;
  announcedAddress?: string;
  port?: number;
  portRange?: { min: number; max: number };
  sendBufferSize?: number;
  recvBufferSize?: number;
}

export interface WebRtcTransportInit {
  transportId: string;
  /** Use this WebRtcServer's sockets instead of our own (then listenInfos is empty). */
  webRtcServerId?: string;
  listenInfos: ListenInfoInit[];
  preferUdp: boolean;
  preferTcp: boolean;
  iceConsentTimeout: number;
  initialAvailableOutgoingBitrate: number;
  srtpCryptoSuites: SrtpCryptoSuite[];
  enableSctp: boolean;
  numSctpStreams: { OS: number; MIS: number };
  maxSctpMessageSize: number;
  sctpSendBufferSize: number;
  enableUdp?: boolean;
  enableTcp?: boolean;
}


type DtlsRemoteRole = 'auto' | 'client' | 'server';
type DtlsTransportState = 'new' | 'connecting' | 'connected' | 'failed' | 'closed';

const CONSENT_TICK_MS = 1000;
/** DTLS datagrams that arrive before connect() are kept (a few) and replayed. */
const MAX_EARLY_DTLS = 16;

/**
 * The wire side of a WebRtcTransport: UDP sockets and TCP servers, ICE-lite,
 * DTLS and SRTP. RTP and RTCP go to WorkerTransport once decrypted.
 */
export class WorkerWebRtcTransport extends WorkerTransport {
  readonly #listeners: IceListener[] = [];
  /** Our own sockets' addresses (none with a WebRtcServer), for mirroring's default source. */
  readonly #listenIps: string[] = [];
  readonly #tuples = new Map<string, Tuple>();
  readonly #candidates: Record<string, unknown>[] = [];
  readonly #ice: IceLiteAgent;
  readonly #srtpProfiles: number[];
  #iceState: 'new' | 'connected' | 'completed' | 'disconnected' | 'closed' = 'new';
  #selected: Tuple | undefined;
  #dtls: DtlsSession | undefined;
  #dtlsState: DtlsTransportState = 'new';
  #dtlsRole: 'client' | 'server' | undefined;
  #earlyDtls: Buffer[] = [];
  #srtp: SrtpSession | undefined;
  #connectCalled = false;
  #consentTimer: NodeJS.Timeout | undefined;
  #bytesReceived = 0;
  #bytesSent = 0;
  #usernameFragment: string;
  #password: string;
  readonly #initialAvailableOutgoingBitrate: number;
  #server: WorkerWebRtcServer | undefined;
  readonly #sctp: SctpBridge | undefined;
  readonly #sctpParameters: { port: number; OS: number; MIS: number; maxMessageSize: number } | undefined;

  private constructor(init: WebRtcTransportInit, ctx: WorkerContext, router: WorkerRouter) {
    super(init.transportId, ctx, router);
    this.#usernameFragment = generateIceUsernameFragment();
    this.#password = generateIcePassword();
    this.#ice = new IceLiteAgent({
      usernameFragment: this.#usernameFragment,
      password: this.#password,
      consentTimeoutMs: init.iceConsentTimeout * 1000,
      now: () => ctx.now(),
    });
    this.#initialAvailableOutgoingBitrate = init.initialAvailableOutgoingBitrate;
    if (init.enableSctp) {
      this.#sctpParameters = { port: 5000, OS: init.numSctpStreams.OS, MIS: init.numSctpStreams.MIS, maxMessageSize: init.maxSctpMessageSize };
      this.#sctp = new SctpBridge(
        { numStreams: init.numSctpStreams, maxMessageSize: init.maxSctpMessageSize, sendBufferSize: init.sctpSendBufferSize },
        {
          sendDtlsData: (packet) => this.#dtls?.sendApplicationData(packet),
          stateChanged: (state) => {
            ctx.notify(this.id, 'sctpstatechange', { sctpState: state });
            if (state === 'failed' || state === 'closed') this.sctpGone();
          },
          message: (streamId, ppid, data) => this.receiveSctpMessage(streamId, ppid, data),
          bufferedAmount: (streamId, amount) => this.sctpBufferedAmountChanged(streamId, amount),
          streamInUse: (streamId) => this.hasDataStream(streamId),
          dropped: this.dropped,
        },
      );
    }
    this.#srtpProfiles = init.srtpCryptoSuites.map((s) => dtlsProfileIdFromCryptoSuite(s));
    this.#consentTimer = setInterval(() => this.guard('consent timer', () => this.#onConsentTick()), CONSENT_TICK_MS);
    this.#consentTimer.unref();
  }

  #onConsentTick(): void {
    this.#applyIceEvents(this.#ice.tick(this.ctx.now()));
    // Tuples whose consent expired are forgotten: their DTLS, RTP and RTCP are no longer accepted.
    const alive = new Set(this.#ice.tupleIds);
    for (const id of this.#tuples.keys()) if (!alive.has(id)) this.#tuples.delete(id);
  }

  static async create(init: WebRtcTransportInit, ctx: WorkerContext, router: WorkerRouter): Promise<WorkerWebRtcTransport> {
    const transport = new WorkerWebRtcTransport(init, ctx, router);
    try {
      if (init.webRtcServerId !== undefined) transport.#useServer(init.webRtcServerId, init);
      else await transport.#listen(init);
    } catch (error) {
      transport.close();
      throw error;
    }
    return transport;
  }

  initialData(): unknown {
    return {
      iceRole: 'controlled',
      iceParameters: { usernameFragment: this.#usernameFragment, password: this.#password, iceLite: true },
      iceCandidates: this.#candidates,
      iceState: this.#iceState,
      dtlsParameters: { role: 'auto', fingerprints: fingerprints(this.ctx.certificate) },
      dtlsState: this.#dtlsState,
      ...(this.#sctpParameters ? { sctpParameters: this.#sctpParameters, sctpState: 'new' } : {}),
    };
  }

  protected override initialOutgoingBitrate(): number {
    return this.#initialAvailableOutgoingBitrate;
  }

  protected handleOwnRequest(method: string, data: unknown): unknown {
    switch (method) {
      case 'transport.connect':
        this.#connect((data as { dtlsParameters: { role: DtlsRemoteRole; fingerprints: DtlsFingerprint[] } }).dtlsParameters);
        return { dtlsLocalRole: this.#dtlsRole };
      case 'transport.restartIce': {
        this.#usernameFragment = generateIceUsernameFragment();
        this.#password = generateIcePassword();
        // The old fragment keeps working until the endpoint switches (see the ICE agent), so both stay routed.
        this.#server?.register(this.#usernameFragment, this);
        this.#ice.restart(this.#usernameFragment, this.#password);
        return { usernameFragment: this.#usernameFragment, password: this.#password, iceLite: true };
      }
      case 'transport.getStats':
        return [this.#statsRecord()];
      case 'transport.dump':
        return this.#dump();
      default:
        throw new TypeError(`unknown method '${method}'`);
    }
  }

  protected override sendSctpMessage(streamId: number, ppid: number, data: Buffer, params: SctpStreamParameters | undefined): SctpSendResult {
    return this.#sctp ? this.#sctp.send(streamId, ppid, data, params) : 'closed';
  }

  protected override sctpBufferedAmount(streamId: number): number {
    return this.#sctp?.bufferedAmount(streamId) ?? 0;
  }

  protected override maxDataMessageSize(): number {
    return this.#sctpParameters?.maxMessageSize ?? 262144;
  }

  protected override isStreamReserved(streamId: number): boolean {
    return this.#sctp?.isDcepStream(streamId) ?? false;
  }

  protected override mirrorLocalIp(family: 4 | 6): string {
    return this.#listenIps.find((ip) => isIP(ip) === family) ?? super.mirrorLocalIp(family);
  }

  protected override releaseSctpStream(streamId: number): void {
    this.#sctp?.resetStream(streamId);
  }

  protected onClose(): void {
    clearInterval(this.#consentTimer);
    this.#ice.close();
    this.#server?.forget(this);
    this.#sctp?.close();
    this.#dtls?.close();
    for (const listener of this.#listeners) listener.close();
    this.#iceState = 'closed';
    this.#dtlsState = 'closed';
  }

  protected sendRtpToWire(packet: Buffer, length: number): void {
    const tuple = this.#selected;
    if (!tuple || !this.#srtp) return;
    // `length` instead of a view: no allocation for the scratch buffer's slice.
    const protectedPacket = this.#srtp.protectRtp(packet, length);
    if (!protectedPacket) {
      this.dropped.add(`srtp-protect-${this.#srtp.lastDropReason ?? 'error'}`);
      return;
    }
    this.#send(tuple, protectedPacket);
  }

  protected sendRtcpToWire(packet: Buffer): void {
    const tuple = this.#selected;
    if (!tuple || !this.#srtp) return;
    const protectedPacket = this.#srtp.protectRtcp(packet);
    if (!protectedPacket) {
      this.dropped.add(`srtcp-protect-${this.#srtp.lastDropReason ?? 'error'}`);
      return;
    }
    this.#send(tuple, protectedPacket);
  }

  /** Share a WebRtcServer's sockets: it hands us the datagrams for our ICE username fragment. */
  #useServer(webRtcServerId: string, init: WebRtcTransportInit): void {
    const server = this.ctx.getWebRtcServer(webRtcServerId);
    if (!server) throw new Error(`webRtcServer ${webRtcServerId} not found`);
    this.#server = server;
    server.register(this.#usernameFragment, this);
    let index = 0;
    for (const c of server.candidates) {
      if (c.protocol === 'udp' && init.enableUdp === false) continue;
      if (c.protocol === 'tcp' && init.enableTcp === false) continue;
      this.#candidates.push(this.#candidate(c.protocol, c.address, c.port, index++, init));
    }
  }

  /** A datagram or TCP frame the WebRtcServer received for us. */
  receiveFromServer(tuple: Tuple, msg: Buffer): void {
    this.guard('server datagram', () => this.#onDatagram(tuple, msg));
  }

  /** A TCP connection (ours or the WebRtcServer's) closed. */
  serverTupleClosed(tupleId: string): void {
    this.#tuples.delete(tupleId);
    if (!this.closed) this.#applyIceEvents(this.#ice.removeTuple(tupleId));
  }

  /** Our WebRtcServer closed: so do we (mediasoup's 'listenserverclose'). */
  listenServerClosed(): void {
    if (this.closed) return;
    this.#server = undefined;
    this.ctx.notify(this.id, 'listenserverclose');
    this.close();
  }

  async #listen(init: WebRtcTransportInit): Promise<void> {
    const sink: IceSocketSink = {
      datagram: (tuple, msg) => this.#onDatagram(tuple, msg),
      tcpClosed: (tupleId) => this.serverTupleClosed(tupleId),
      dropped: (reason) => this.dropped.add(reason),
      guard: (what, fn) => this.guard(what, fn),
    };
    let index = 0;
    for (const info of init.listenInfos) {
      const listener = await listenIce(info.protocol, info.ip, info.port, info.portRange ?? this.ctx.portRange, sink, info);
      this.#listeners.push(listener);
      this.#listenIps.push(info.ip);
      this.#candidates.push(this.#candidate(info.protocol, info.announcedAddress ?? info.ip, listener.port, index++, init));
    }
  }

  /** RFC 8445 §5.1.2.1: type preference (host 126) and a local preference by order and protocol. */
  #candidate(protocol: 'udp' | 'tcp', address: string, port: number, index: number, init: WebRtcTransportInit): Record<string, unknown> {
    let localPreference = 65535 - index * 100;
    const favoured = (protocol === 'udp' && init.preferUdp) || (protocol === 'tcp' && init.preferTcp);
    const disfavoured = (protocol === 'tcp' && !init.preferTcp) || (protocol === 'udp' && init.preferTcp);
    if (favoured) localPreference = Math.min(65535, localPreference + 10000);
    else if (disfavoured) localPreference = Math.max(0, localPreference - 10000);
    const priority = 126 * 2 ** 24 + localPreference * 2 ** 8 + 255;
    const candidate: Record<string, unknown> = {
      foundation: `${protocol}candidate`,
      priority,
      ip: address,
      address,
      protocol,
      port,
      type: 'host',
    };
    if (protocol === 'tcp') candidate.tcpType = 'passive';
    return candidate;
  }

  /** RFC 7983 demultiplexing of one datagram or TCP frame. Never throws. */
  #onDatagram(tuple: Tuple, msg: Buffer): void {
    this.#bytesReceived += msg.length;
    switch (classifyDatagram(msg)) {
      case 'stun':
        this.#onStun(tuple, msg);
        return;
      case 'dtls':
        if (!this.#tuples.has(tuple.id)) {
          this.dropped.add('dtls-from-unknown-tuple');
          return;
        }
        this.#onDtls(msg);
        return;
      case 'rtp':
        this.#onSrtp(tuple, msg, 'rtp');
        return;
      case 'rtcp':
        this.#onSrtp(tuple, msg, 'rtcp');
        return;
      default:
        this.dropped.add('unknown-datagram');
    }
  }

  /** SRTP or SRTCP from a tuple ICE validated, once DTLS gave us keys. */
  #onSrtp(tuple: Tuple, msg: Buffer, kind: 'rtp' | 'rtcp'): void {
    if (!this.#tuples.has(tuple.id)) {
      this.dropped.add(`${kind}-from-unknown-tuple`);
      return;
    }
    const srtp = this.#srtp;
    if (!srtp) {
      this.dropped.add(`${kind}-before-srtp`);
      return;
    }
    const plain = kind === 'rtp' ? srtp.unprotectRtp(msg) : srtp.unprotectRtcp(msg);
    if (!plain) {
      this.dropped.add(`${kind === 'rtp' ? 'srtp' : 'srtcp'}-${srtp.lastDropReason ?? 'error'}`);
      return;
    }
    if (kind === 'rtp') this.receiveRtp(plain);
    else this.receiveRtcp(plain);
  }

  #onStun(tuple: Tuple, msg: Buffer): void {
    const stun = parseStun(msg);
    if (!stun) {
      this.dropped.add('stun-malformed');
      return;
    }
    const result = this.#ice.handleStun(stun, msg, tuple.id, { address: tuple.remoteIp, port: tuple.remotePort, protocol: tuple.protocol });
    if (result.response) tuple.send(result.response);
    if (result.dropReason) this.dropped.add(`stun-${result.dropReason}`);
    if (result.valid && !this.#tuples.has(tuple.id)) {
      this.#tuples.set(tuple.id, tuple);
      this.#server?.bindTuple(tuple.id, this);
    }
    this.#applyIceEvents(result.events);
  }

  #applyIceEvents(events: readonly IceAgentEvent[]): void {
    for (const event of events) {
      if (event.type === 'statechange') {
        this.ctx.logger.debug('ice', `ice state ${this.#iceState} -> ${event.state} [transportId:${this.id}]`);
        this.#iceState = event.state;
        this.ctx.notify(this.id, 'icestatechange', { iceState: event.state });
        if (event.state === 'disconnected') this.#selected = undefined;
      } else if (event.type === 'selectedtuplechange') {
        const tuple = event.tupleId !== undefined ? this.#tuples.get(event.tupleId) : undefined;
        this.ctx.logger.debug('ice', `selected tuple ${event.tupleId ?? 'none'} [transportId:${this.id}]`);
        this.#selected = tuple;
        if (tuple) {
          this.ctx.notify(this.id, 'iceselectedtuplechange', {
            iceSelectedTuple: {
              localAddress: tuple.localAddress,
              localIp: tuple.localAddress,
              localPort: tuple.localPort,
              remoteIp: tuple.remoteIp,
              remotePort: tuple.remotePort,
              protocol: tuple.protocol,
            },
          });
        }
      }
    }
    this.#maybeStartDtls();
  }

  #connect(params: { role: DtlsRemoteRole; fingerprints: DtlsFingerprint[] }): void {
    if (this.#connectCalled) throw new Error('connect() already called');
    const fingerprint = [...params.fingerprints].reverse().find((f) => isDtlsFingerprintAlgorithm(f.algorithm));
    if (!fingerprint) throw new TypeError('no supported fingerprint algorithm in dtlsParameters');
    this.#connectCalled = true;
    // We take the role opposite to the remote's; with 'auto' we are the client, as mediasoup.
    this.#dtlsRole = params.role === 'client' ? 'server' : 'client';
    const dtls = new DtlsSession({
      role: this.#dtlsRole,
      certificate: this.ctx.certificate,
      srtpProfiles: this.#srtpProfiles,
      remoteFingerprint: { algorithm: fingerprint.algorithm, value: fingerprint.value },
      send: (buf) => {
        if (this.#selected) this.#send(this.#selected, buf);
      },
    });
    this.#dtls = dtls;
    dtls.on('statechange', (state) => {
      if (state === 'connected') return; // reported with the keys below
      this.#setDtlsState(state);
      // SCTP rides on DTLS: it cannot outlive it.
      if (state === 'closed' || state === 'failed') this.#sctp?.close();
    });
    dtls.on('connected', (info) => this.#onDtlsConnected(info));
    dtls.on('data', (data) => this.guard('sctp data', () => this.#sctp?.handleDtlsData(data)));
    dtls.on('failed', (failure) => this.ctx.logger.warn('dtls', `dtls failed [transportId:${this.id}]: ${failure.reason}: ${failure.message}`));
    this.#maybeStartDtls();
  }

  #maybeStartDtls(): void {
    const dtls = this.#dtls;
    if (!dtls || dtls.state !== 'new' || !this.#selected) return;
    if (this.#iceState !== 'connected' && this.#iceState !== 'completed') return;
    if (this.#dtlsRole === 'client') dtls.start();
    const early = this.#earlyDtls;
    this.#earlyDtls = [];
    for (const msg of early) dtls.handleDatagram(msg);
  }

  #onDtls(msg: Buffer): void {
    const dtls = this.#dtls;
    if (!dtls || dtls.state === 'new') {
      if (this.#earlyDtls.length < MAX_EARLY_DTLS) this.#earlyDtls.push(msg);
      else this.dropped.add('dtls-early-overflow');
      if (dtls) this.#maybeStartDtls();
      return;
    }
    dtls.handleDatagram(msg);
  }

  #onDtlsConnected(info: DtlsConnectedInfo): void {
    if (info.srtpProfileId === null) {
      // Without SRTP no media can flow; mediasoup fails the transport too.
      this.ctx.logger.warn('dtls', `no SRTP profile negotiated [transportId:${this.id}]`);
      this.#setDtlsState('failed');
      return;
    }
    const suite = cryptoSuiteFromDtlsProfileId(info.srtpProfileId);
    if (!suite) {
      this.#setDtlsState('failed');
      return;
    }
    this.#srtp = new SrtpSession({
      profile: suite,
      localMasterKey: info.localMasterKey,
      localMasterSalt: info.localMasterSalt,
      remoteMasterKey: info.remoteMasterKey,
      remoteMasterSalt: info.remoteMasterSalt,
    });
    this.#setDtlsState('connected', info.remoteCertificateDer, suite);
    this.setConnected(true);
    this.#sctp?.start(this.#dtlsRole === 'client');
  }

  #setDtlsState(state: DtlsTransportState, remoteCertDer?: Buffer, suite?: SrtpCryptoSuite): void {
    if (this.#dtlsState === state) return;
    this.ctx.logger.debug('dtls', `dtls state ${this.#dtlsState} -> ${state}${suite ? ` [srtp:${suite}]` : ''} [transportId:${this.id}]`);
    this.#dtlsState = state;
    const data: Record<string, unknown> = { dtlsState: state };
    if (remoteCertDer) data.dtlsRemoteCert = derToPem(remoteCertDer);
    if (suite) data.srtpCryptoSuite = suite;
    this.ctx.notify(this.id, 'dtlsstatechange', data);
  }

  #send(tuple: Tuple, buf: Buffer): void {
    this.#bytesSent += buf.length;
    tuple.send(buf);
  }

  #dump(): Record<string, unknown> {
    const tuple = this.#selected;
    return {
      ...this.baseDump(),
      iceRole: 'controlled',
      iceParameters: { usernameFragment: this.#usernameFragment, password: this.#password, iceLite: true },
      iceCandidates: this.#candidates,
      iceState: this.#iceState,
      ...(tuple ? { iceSelectedTuple: { localIp: tuple.localAddress, localPort: tuple.localPort, remoteIp: tuple.remoteIp, remotePort: tuple.remotePort, protocol: tuple.protocol } } : {}),
      dtlsParameters: { role: this.#dtlsRole ?? 'auto', fingerprints: fingerprints(this.ctx.certificate) },
      dtlsState: this.#dtlsState,
      ...(this.#sctpParameters ? { sctpParameters: this.#sctpParameters, sctpState: this.#sctp?.state ?? 'new' } : {}),
    };
  }

  #statsRecord(): Record<string, unknown> {
    const s = this.stats();
    const tuple = this.#selected;
    const record: Record<string, unknown> = {
      type: 'webrtc-transport',
      transportId: this.id,
      timestamp: Date.now(),
      bytesReceived: this.#bytesReceived,
      recvBitrate: 0,
      bytesSent: this.#bytesSent,
      sendBitrate: 0,
      rtpBytesReceived: s.rtpBytesReceived,
      rtpRecvBitrate: 0,
      rtpBytesSent: s.rtpBytesSent,
      rtpSendBitrate: 0,
      rtxBytesReceived: 0,
      rtxRecvBitrate: 0,
      rtxBytesSent: 0,
      rtxSendBitrate: 0,
      probationBytesSent: 0,
      probationSendBitrate: 0,
      // No bandwidth estimation yet: the configured starting value is what we would use.
      availableOutgoingBitrate: this.#initialAvailableOutgoingBitrate,
      ...this.outgoingBitrateStats(),
      maxIncomingBitrate: s.maxIncomingBitrate,
      // Consommé extensions: feedback sent for the endpoint's own bandwidth estimate.
      rtcpTransportCcSent: s.rtcpTransportCcSent,
      rtcpRembSent: s.rtcpRembSent,
      iceRole: 'controlled',
      iceState: this.#iceState,
      dtlsState: this.#dtlsState,
      dropped: this.#dtls ? { ...s.dropped, 'dtls-dropped': this.#dtls.stats.datagramsDropped } : s.dropped,
    };
    if (this.#sctp) {
      record.sctpState = this.#sctp.state;
      record.dropped = { ...(record.dropped as Record<string, number>), ...this.#sctp.dropped() };
    }
    if (tuple) {
      record.iceSelectedTuple = {
        localAddress: tuple.localAddress,
        localIp: tuple.localAddress,
        localPort: tuple.localPort,
        remoteIp: tuple.remoteIp,
        remotePort: tuple.remotePort,
        protocol: tuple.protocol,
      };
    }
    if (this.#srtp) record.srtpCryptoSuite = this.#srtp.profile;
    return record;
  }
}

function derToPem(der: Buffer): string {
  const b64 = der.toString('base64').replace(/(.{64})/g, '$1\n');
  return `-----BEGIN CERTIFICATE-----\n${b64}${b64.endsWith('\n') ? '' : '\n'}-----END CERTIFICATE-----\n`;
}
