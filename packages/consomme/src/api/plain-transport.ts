import { isIP } from 'node:net';
import { InvalidStateError, UnsupportedError } from '../errors.js';
import { Transport, type TransportEvents, type TransportInternal, type TransportObserverEvents } from './transport.js';
import type { AppData, SrtpCryptoSuite, TransportListenInfo, TransportTuple } from './transport-types.js';
import { socketBufferSizes } from './listen-info.js';

export interface SrtpParameters {
  cryptoSuite: SrtpCryptoSuite;
  /** Master key and salt, concatenated, base64. */
  keyBase64: string;
}

export interface PlainTransportOptions<PlainTransportAppData extends AppData = AppData> {
  /** Listening protocol (udp), address and port. */
  listenInfo?: TransportListenInfo;
  /** Listening info for RTCP when rtcpMux is false. Default: listenInfo with another port. */
  rtcpListenInfo?: TransportListenInfo;
  /** @deprecated Use listenInfo. */
  listenIp?: { ip: string; announcedIp?: string } | string;
  /** @deprecated Use listenInfo.port. */
  port?: number;
  /** RTP and RTCP on one port. Default true. */
  rtcpMux?: boolean;
  /** Learn the remote address from the first packet received (no connect ip/port). Default false. */
  comedia?: boolean;
  /** SCTP is not available on plain transports here. */
  enableSctp?: boolean;
  /** Enable SRTP with keys exchanged out of band. Default false. */
  enableSrtp?: boolean;
  /** Default 'AES_CM_128_HMAC_SHA1_80'. */
  srtpCryptoSuite?: SrtpCryptoSuite;
  appData?: PlainTransportAppData;
}

export interface PlainTransportData {
  tuple: TransportTuple;
  rtcpTuple?: TransportTuple;
  rtcpMux: boolean;
  comedia: boolean;
  srtpParameters?: SrtpParameters;
}

export type PlainTransportEvents = TransportEvents & {
  tuple: [TransportTuple];
  rtcptuple: [TransportTuple];
  sctpstatechange: [string];
};

export type PlainTransportObserverEvents = TransportObserverEvents & {
  tuple: [TransportTuple];
  rtcptuple: [TransportTuple];
};

const SUITES: readonly SrtpCryptoSuite[] = ['AEAD_AES_256_GCM', 'AEAD_AES_128_GCM', 'AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32'];

function normalizeListen(
  info: TransportListenInfo | undefined,
  what: string,
): { ip: string; announcedAddress?: string; port?: number; portRange?: { min: number; max: number }; sendBufferSize?: number; recvBufferSize?: number } | undefined {
  if (info === undefined) return undefined;
  if (typeof info !== 'object' || info === null) throw new TypeError(`wrong ${what}`);
  if (info.protocol !== undefined && info.protocol !== 'udp') throw new TypeError(`${what}.protocol must be 'udp'`);
  if (typeof info.ip !== 'string' || isIP(info.ip) === 0) throw new TypeError(`${what}.ip must be an IPv4 or IPv6 address`);
  const out: { ip: string; announcedAddress?: string; port?: number; portRange?: { min: number; max: number } } = { ip: info.ip };
  const announced = info.announcedAddress ?? info.announcedIp;
  if (announced !== undefined) out.announcedAddress = announced;
  if (info.port !== undefined) {
    if (!Number.isInteger(info.port) || info.port < 0 || info.port > 65535) throw new TypeError(`wrong ${what}.port`);
    out.port = info.port;
  }
  if (info.portRange !== undefined) out.portRange = { min: info.portRange.min, max: info.portRange.max };
  return { ...out, ...socketBufferSizes(info, what) };
}

/** Validate the options and turn the older listenIp/port into listenInfo. */
export function normalizePlainTransportOptions(options: PlainTransportOptions): Record<string, unknown> {
  if (typeof options !== 'object' || options === null) throw new TypeError('missing options');
  if (options.enableSctp) throw new UnsupportedError('SCTP on a PlainTransport is not supported');
  let listenInfo = normalizeListen(options.listenInfo, 'listenInfo');
  if (!listenInfo && options.listenIp !== undefined) {
    const ip = typeof options.listenIp === 'string' ? options.listenIp : options.listenIp.ip;
    const announcedIp = typeof options.listenIp === 'string' ? undefined : options.listenIp.announcedIp;
    const info: TransportListenInfo = { protocol: 'udp', ip };
    if (announcedIp !== undefined) info.announcedAddress = announcedIp;
    if (options.port !== undefined) info.port = options.port;
    listenInfo = normalizeListen(info, 'listenIp');
  }
  if (!listenInfo) throw new TypeError('missing listenInfo or listenIp');
  const srtpCryptoSuite = options.srtpCryptoSuite ?? 'AES_CM_128_HMAC_SHA1_80';
  if (!SUITES.includes(srtpCryptoSuite)) throw new TypeError(`wrong srtpCryptoSuite ${String(srtpCryptoSuite)}`);
  const out: Record<string, unknown> = {
    listenInfo,
    rtcpMux: options.rtcpMux ?? true,
    comedia: options.comedia ?? false,
    enableSrtp: options.enableSrtp ?? false,
    srtpCryptoSuite,
  };
  const rtcpListenInfo = normalizeListen(options.rtcpListenInfo, 'rtcpListenInfo');
  if (rtcpListenInfo) out.rtcpListenInfo = rtcpListenInfo;
  return out;
}

/** Plain RTP and RTCP over UDP, for ffmpeg, GStreamer and other non-WebRTC endpoints. */
export class PlainTransport<PlainTransportAppData extends AppData = AppData> extends Transport<
  PlainTransportAppData,
  PlainTransportEvents,
  PlainTransportObserverEvents
> {
  #tuple: TransportTuple;
  #rtcpTuple: TransportTuple | undefined;
  readonly #rtcpMux: boolean;
  readonly #comedia: boolean;
  readonly #srtpParameters: SrtpParameters | undefined;

  /** @internal */
  constructor(internal: TransportInternal<PlainTransportAppData> & { data: PlainTransportData }) {
    super(internal);
    this.#tuple = internal.data.tuple;
    this.#rtcpTuple = internal.data.rtcpTuple;
    this.#rtcpMux = internal.data.rtcpMux;
    this.#comedia = internal.data.comedia;
    this.#srtpParameters = internal.data.srtpParameters;
  }

  /** Local (and, once known, remote) RTP address. */
  get tuple(): TransportTuple {
    return this.#tuple;
  }

  /** Local RTCP address when rtcpMux is false. */
  get rtcpTuple(): TransportTuple | undefined {
    return this.#rtcpTuple;
  }

  get rtcpMux(): boolean {
    return this.#rtcpMux;
  }

  get comedia(): boolean {
    return this.#comedia;
  }

  /** Our SRTP parameters (give them to the remote) when enableSrtp. */
  get srtpParameters(): SrtpParameters | undefined {
    return this.#srtpParameters;
  }

  get sctpParameters(): undefined {
    return undefined;
  }

  get sctpState(): undefined {
    return undefined;
  }

  async getStats(): Promise<unknown[]> {
    return this.channel.request<unknown[]>('transport.getStats', this.id);
  }

  /** Remote address (unless comedia) and remote SRTP parameters (when enableSrtp). */
  async connect(params: { ip?: string; port?: number; rtcpPort?: number; srtpParameters?: SrtpParameters } = {}): Promise<void> {
    if (this.closed) throw new InvalidStateError('transport closed');
    if (params.ip !== undefined && isIP(params.ip) === 0) throw new TypeError('ip must be an IPv4 or IPv6 address');
    for (const key of ['port', 'rtcpPort'] as const) {
      const v = params[key];
      if (v !== undefined && (!Number.isInteger(v) || v < 1 || v > 65535)) throw new TypeError(`wrong ${key}`);
    }
    const data = await this.channel.request<{ tuple: TransportTuple; rtcpTuple?: TransportTuple }>('transport.connect', this.id, params);
    this.#tuple = data.tuple;
    if (data.rtcpTuple) this.#rtcpTuple = data.rtcpTuple;
  }

  protected dataChannelKind(): undefined {
    return undefined;
  }

  protected handleNotification(event: string, data: unknown): void {
    const emit = this as unknown as { safeEmit(e: string, ...a: unknown[]): boolean };
    const observer = this.observer as unknown as { safeEmit(e: string, ...a: unknown[]): boolean };
    switch (event) {
      case 'tuple':
        this.#tuple = (data as { tuple: TransportTuple }).tuple;
        emit.safeEmit('tuple', this.#tuple);
        observer.safeEmit('tuple', this.#tuple);
        break;
      case 'rtcptuple':
        this.#rtcpTuple = (data as { rtcpTuple: TransportTuple }).rtcpTuple;
        emit.safeEmit('rtcptuple', this.#rtcpTuple);
        observer.safeEmit('rtcptuple', this.#rtcpTuple);
        break;
      case 'trace':
        emit.safeEmit('trace', data);
        observer.safeEmit('trace', data);
        break;
    }
  }
}
