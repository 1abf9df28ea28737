import { isIP } from 'node:net';
import { InvalidStateError } from '../errors.js';
import type { WebRtcServer } from './webrtc-server.js';
import type { SctpParameters } from '../ortc/types.js';
import { Transport, type TransportEvents, type TransportInternal, type TransportObserverEvents } from './transport.js';
import { socketBufferSizes } from './listen-info.js';
import type {
  AppData,
  DtlsParameters,
  DtlsState,
  IceCandidate,
  IceParameters,
  IceRole,
  IceState,
  SctpState,
  SrtpCryptoSuite,
  TransportListenInfo,
  TransportListenIp,
  TransportTuple,
  WebRtcTransportStats,
} from './transport-types.js';

export interface WebRtcTransportOptions<TransportAppData extends AppData = AppData> {
  /** Share this WebRtcServer's ports instead of opening our own (then listenInfos is not needed). */
  webRtcServer?: WebRtcServer;
  /** Listening protocols, addresses and ports, in order of preference. */
  listenInfos?: TransportListenInfo[];
  /** @deprecated Listening IPs in order of preference; use listenInfos. */
  listenIps?: (TransportListenIp | string)[];
  /** @deprecated Fixed port for listenIps. */
  port?: number;
  /** Listen in UDP. Default true. */
  enableUdp?: boolean;
  /** Listen in TCP. Default false. */
  enableTcp?: boolean;
  /** Prefer UDP candidates (higher priority). Default false. */
  preferUdp?: boolean;
  /** Prefer TCP candidates (higher priority). Default false. */
  preferTcp?: boolean;
  /** ICE consent timeout in seconds; 0 disables it. Default 30. */
  iceConsentTimeout?: number;
  /** Initial available outgoing bitrate (bps). Default 600000. */
  initialAvailableOutgoingBitrate?: number;
  /** Create an SCTP association. Default false. */
  enableSctp?: boolean;
  numSctpStreams?: { OS: number; MIS: number };
  maxSctpMessageSize?: number;
  sctpSendBufferSize?: number;
  /**
   * Consommé extension: the SRTP crypto suites offered in DTLS-SRTP, in
   * order of preference. Default: all four, AEAD first (as mediasoup).
   */
  srtpCryptoSuites?: SrtpCryptoSuite[];
  appData?: TransportAppData;
}

/** What the API sends to the worker to create a WebRtcTransport. */
export interface WebRtcTransportRequest {
  listenInfos: TransportListenInfo[];
  enableUdp: boolean;
  enableTcp: boolean;
  preferUdp: boolean;
  preferTcp: boolean;
  iceConsentTimeout: number;
  initialAvailableOutgoingBitrate: number;
  srtpCryptoSuites: SrtpCryptoSuite[];
  enableSctp: boolean;
  numSctpStreams: { OS: number; MIS: number };
  maxSctpMessageSize: number;
  sctpSendBufferSize: number;
}

/** What the worker returns for a new WebRtcTransport. */
export interface WebRtcTransportData {
  iceRole: IceRole;
  iceParameters: IceParameters;
  iceCandidates: IceCandidate[];
  iceState: IceState;
  dtlsParameters: DtlsParameters;
  dtlsState: DtlsState;
  sctpParameters?: SctpParameters;
  sctpState?: SctpState;
}

export type WebRtcTransportEvents = TransportEvents & {
  icestatechange: [IceState];
  iceselectedtuplechange: [TransportTuple];
  dtlsstatechange: [DtlsState];
  sctpstatechange: [SctpState];
};

export type WebRtcTransportObserverEvents = TransportObserverEvents & {
  icestatechange: [IceState];
  iceselectedtuplechange: [TransportTuple];
  dtlsstatechange: [DtlsState];
  sctpstatechange: [SctpState];
};

const SUITES: readonly SrtpCryptoSuite[] = ['AEAD_AES_256_GCM', 'AEAD_AES_128_GCM', 'AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32'];

function isIp(ip: unknown): ip is string {
  return typeof ip === 'string' && isIP(ip) !== 0;
}

/** Validate the options and turn listenIps (old form) into listenInfos. */
export function normalizeWebRtcTransportOptions(options: WebRtcTransportOptions): WebRtcTransportRequest & { listenInfos: TransportListenInfo[] } {
  if (typeof options !== 'object' || options === null) throw new TypeError('missing options');
  const enableUdp = options.enableUdp ?? true;
  // As mediasoup: TCP defaults on with a WebRtcServer, off otherwise.
  const enableTcp = options.enableTcp ?? options.webRtcServer !== undefined;
  let listenInfos: TransportListenInfo[];
  if (options.webRtcServer !== undefined) {
    if (options.webRtcServer.closed) throw new InvalidStateError('webRtcServer closed');
    if (!enableUdp && !enableTcp) throw new TypeError('enableUdp and enableTcp cannot both be false');
    listenInfos = [];
  } else if (options.listenInfos !== undefined) {
    if (!Array.isArray(options.listenInfos) || options.listenInfos.length === 0) throw new TypeError('empty listenInfos');
    listenInfos = options.listenInfos.map((info) => {
      if (typeof info !== 'object' || info === null) throw new TypeError('wrong listenInfo');
      if (info.protocol !== 'udp' && info.protocol !== 'tcp') throw new TypeError(`wrong listenInfo protocol "${String(info.protocol)}"`);
      if (!isIp(info.ip)) throw new TypeError(`listenInfo ip must be an IPv4 or IPv6 address, got ${JSON.stringify(info.ip)}`);
      const out: TransportListenInfo = { protocol: info.protocol, ip: info.ip };
      const announced = info.announcedAddress ?? info.announcedIp;
      if (announced !== undefined) out.announcedAddress = announced;
      if (info.port !== undefined) {
        if (!Number.isInteger(info.port) || info.port < 0 || info.port > 65535) throw new TypeError(`wrong port ${info.port}`);
        out.port = info.port;
      }
      if (info.portRange !== undefined) {
        const { min, max } = info.portRange;
        if (!Number.isInteger(min) || !Number.isInteger(max) || min < 1 || max > 65535 || min > max) {
          throw new TypeError('wrong portRange');
        }
        out.portRange = { min, max };
      }
      Object.assign(out, socketBufferSizes(info, 'listenInfo'));
      return out;
    });
  } else if (options.listenIps !== undefined) {
    if (!Array.isArray(options.listenIps) || options.listenIps.length === 0) throw new TypeError('empty listenIps');
    if (!enableUdp && !enableTcp) throw new TypeError('enableUdp and enableTcp cannot both be false');
    listenInfos = [];
    for (const listenIp of options.listenIps) {
      const ip = typeof listenIp === 'string' ? listenIp : listenIp?.ip;
      if (!isIp(ip)) throw new TypeError(`listenIp must be an IPv4 or IPv6 address, got ${JSON.stringify(ip)}`);
      const announced = typeof listenIp === 'string' ? undefined : listenIp.announcedIp;
      const protocols: ('udp' | 'tcp')[] = [];
      if (enableUdp) protocols.push('udp');
      if (enableTcp) protocols.push('tcp');
      for (const protocol of protocols) {
        const info: TransportListenInfo = { protocol, ip };
        if (announced !== undefined) info.announcedAddress = announced;
        if (options.port !== undefined) info.port = options.port;
        listenInfos.push(info);
      }
    }
  } else {
    throw new TypeError('missing listenInfos, listenIps or webRtcServer');
  }
  const iceConsentTimeout = options.iceConsentTimeout ?? 30;
  if (typeof iceConsentTimeout !== 'number' || iceConsentTimeout < 0) throw new TypeError('wrong iceConsentTimeout');
  const initialAvailableOutgoingBitrate = options.initialAvailableOutgoingBitrate ?? 600000;
  if (typeof initialAvailableOutgoingBitrate !== 'number' || !Number.isFinite(initialAvailableOutgoingBitrate) || initialAvailableOutgoingBitrate <= 0) {
    throw new TypeError('wrong initialAvailableOutgoingBitrate');
  }
  const enableSctp = options.enableSctp ?? false;
  const numSctpStreams = options.numSctpStreams ?? { OS: 1024, MIS: 1024 };
  for (const key of ['OS', 'MIS'] as const) {
    const n = numSctpStreams[key];
    if (!Number.isInteger(n) || n < 1 || n > 65535) throw new TypeError(`wrong numSctpStreams.${key}`);
  }
  const maxSctpMessageSize = options.maxSctpMessageSize ?? 262144;
  if (!Number.isInteger(maxSctpMessageSize) || maxSctpMessageSize < 1) throw new TypeError('wrong maxSctpMessageSize');
  const sctpSendBufferSize = options.sctpSendBufferSize ?? 262144;
  if (!Number.isInteger(sctpSendBufferSize) || sctpSendBufferSize < 1) throw new TypeError('wrong sctpSendBufferSize');
  const srtpCryptoSuites = options.srtpCryptoSuites ?? [...SUITES];
  if (!Array.isArray(srtpCryptoSuites) || srtpCryptoSuites.length === 0 || srtpCryptoSuites.some((s) => !SUITES.includes(s))) {
    throw new TypeError('wrong srtpCryptoSuites');
  }
  return {
    listenInfos,
    preferUdp: options.preferUdp ?? false,
    preferTcp: options.preferTcp ?? false,
    iceConsentTimeout,
    initialAvailableOutgoingBitrate,
    srtpCryptoSuites,
    enableSctp,
    enableUdp,
    enableTcp,
    numSctpStreams: { OS: numSctpStreams.OS, MIS: numSctpStreams.MIS },
    maxSctpMessageSize,
    sctpSendBufferSize,
  } as WebRtcTransportRequest & { listenInfos: TransportListenInfo[] };
}

/** A transport to a WebRTC endpoint: ICE-lite, DTLS, SRTP, RTP/RTCP over UDP or TCP. */
export class WebRtcTransport<TransportAppData extends AppData = AppData> extends Transport<
  TransportAppData,
  WebRtcTransportEvents,
  WebRtcTransportObserverEvents
> {
  readonly #iceRole: IceRole;
  #iceParameters: IceParameters;
  readonly #iceCandidates: IceCandidate[];
  #iceState: IceState;
  #iceSelectedTuple: TransportTuple | undefined;
  readonly #dtlsParameters: DtlsParameters;
  #dtlsState: DtlsState;
  #dtlsRemoteCert: string | undefined;
  #srtpCryptoSuite: SrtpCryptoSuite | undefined;
  readonly #sctpParameters: SctpParameters | undefined;
  #sctpState: SctpState | undefined;

  /** @internal */
  constructor(internal: TransportInternal<TransportAppData> & { data: WebRtcTransportData }) {
    super(internal);
    const { data } = internal;
    this.#iceRole = data.iceRole;
    this.#iceParameters = data.iceParameters;
    this.#iceCandidates = data.iceCandidates;
    this.#iceState = data.iceState;
    this.#dtlsParameters = data.dtlsParameters;
    this.#dtlsState = data.dtlsState;
    this.#sctpParameters = data.sctpParameters;
    this.#sctpState = data.sctpState;
  }

  get iceRole(): IceRole {
    return this.#iceRole;
  }

  get iceParameters(): IceParameters {
    return this.#iceParameters;
  }

  get iceCandidates(): IceCandidate[] {
    return this.#iceCandidates;
  }

  get iceState(): IceState {
    return this.#iceState;
  }

  get iceSelectedTuple(): TransportTuple | undefined {
    return this.#iceSelectedTuple;
  }

  get dtlsParameters(): DtlsParameters {
    return this.#dtlsParameters;
  }

  get dtlsState(): DtlsState {
    return this.#dtlsState;
  }

  get dtlsRemoteCert(): string | undefined {
    return this.#dtlsRemoteCert;
  }

  /** Consommé extension: the SRTP crypto suite negotiated by DTLS-SRTP. */
  get srtpCryptoSuite(): SrtpCryptoSuite | undefined {
    return this.#srtpCryptoSuite;
  }

  /** SCTP parameters for the endpoint (undefined unless enableSctp). */
  get sctpParameters(): SctpParameters | undefined {
    return this.#sctpParameters;
  }

  get sctpState(): SctpState | undefined {
    return this.#sctpState;
  }

  protected override maxDataMessageSize(): number {
    return this.#sctpParameters?.maxMessageSize ?? 262144;
  }

  protected dataChannelKind(): { type: 'sctp'; outgoingStreams: number } | undefined {
    return this.#sctpParameters ? { type: 'sctp', outgoingStreams: this.#sctpParameters.OS } : undefined;
  }

  protected override onClosed(): void {
    this.#iceState = 'closed';
    this.#iceSelectedTuple = undefined;
    this.#dtlsState = 'closed';
    if (this.#sctpState !== undefined) this.#sctpState = 'closed';
  }

  async getStats(): Promise<WebRtcTransportStats[]> {
    return this.channel.request<WebRtcTransportStats[]>('transport.getStats', this.id);
  }

  /** Provide the remote DTLS parameters. */
  async connect({ dtlsParameters }: { dtlsParameters: DtlsParameters }): Promise<void> {
    if (this.closed) throw new InvalidStateError('transport closed');
    if (typeof dtlsParameters !== 'object' || dtlsParameters === null) throw new TypeError('missing dtlsParameters');
    if (!Array.isArray(dtlsParameters.fingerprints) || dtlsParameters.fingerprints.length === 0) {
      throw new TypeError('missing dtlsParameters.fingerprints');
    }
    const role = dtlsParameters.role ?? 'auto';
    if (!['auto', 'client', 'server'].includes(role)) throw new TypeError(`wrong dtls role "${role}"`);
    for (const f of dtlsParameters.fingerprints) {
      if (typeof f?.algorithm !== 'string' || typeof f.value !== 'string') throw new TypeError('wrong fingerprint');
    }
    const { dtlsLocalRole } = await this.channel.request<{ dtlsLocalRole: 'client' | 'server' }>('transport.connect', this.id, {
      dtlsParameters: { role, fingerprints: dtlsParameters.fingerprints },
    });
    // As mediasoup: once connected, the local parameters say which role we took.
    this.#dtlsParameters.role = dtlsLocalRole;
  }

  /** Restart ICE: new local ICE username fragment and password. */
  async restartIce(): Promise<IceParameters> {
    if (this.closed) throw new InvalidStateError('transport closed');
    const iceParameters = await this.channel.request<IceParameters>('transport.restartIce', this.id);
    this.#iceParameters = iceParameters;
    return iceParameters;
  }

  protected handleNotification(event: string, data: unknown): void {
    const emit = this as unknown as { safeEmit(e: string, ...a: unknown[]): boolean };
    const observer = this.observer as unknown as { safeEmit(e: string, ...a: unknown[]): boolean };
    switch (event) {
      case 'icestatechange': {
        this.#iceState = (data as { iceState: IceState }).iceState;
        // No working pair any more: the documented value is undefined.
        if (this.#iceState === 'disconnected' || this.#iceState === 'closed') this.#iceSelectedTuple = undefined;
        emit.safeEmit('icestatechange', this.#iceState);
        observer.safeEmit('icestatechange', this.#iceState);
        break;
      }
      case 'iceselectedtuplechange': {
        this.#iceSelectedTuple = (data as { iceSelectedTuple: TransportTuple }).iceSelectedTuple;
        emit.safeEmit('iceselectedtuplechange', this.#iceSelectedTuple);
        observer.safeEmit('iceselectedtuplechange', this.#iceSelectedTuple);
        break;
      }
      case 'dtlsstatechange': {
        const d = data as { dtlsState: DtlsState; dtlsRemoteCert?: string; srtpCryptoSuite?: SrtpCryptoSuite };
        this.#dtlsState = d.dtlsState;
        if (d.dtlsRemoteCert !== undefined) this.#dtlsRemoteCert = d.dtlsRemoteCert;
        if (d.srtpCryptoSuite !== undefined) this.#srtpCryptoSuite = d.srtpCryptoSuite;
        emit.safeEmit('dtlsstatechange', this.#dtlsState);
        observer.safeEmit('dtlsstatechange', this.#dtlsState);
        break;
      }
      case 'listenserverclose':
        this.listenServerClosed();
        break;
      case 'sctpstatechange': {
        this.#sctpState = (data as { sctpState: SctpState }).sctpState;
        emit.safeEmit('sctpstatechange', this.#sctpState);
        observer.safeEmit('sctpstatechange', this.#sctpState);
        break;
      }
      case 'trace': {
        emit.safeEmit('trace', data);
        observer.safeEmit('trace', data);
        break;
      }
    }
  }
}
