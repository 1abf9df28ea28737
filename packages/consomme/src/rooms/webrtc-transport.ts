import { isIP } from 'node:net';
import { InvalidStateError } from '../errors.js';
import { EnhancedEventEmitter } from '../api/enhanced-events.js';
import type { DtlsParameters, DtlsRole, DtlsState, IceState, TransportTuple, WebRtcTransportStats } from '../api/transport-types.js';
import type { WebRtcTransport as CoreWebRtcTransport } from '../api/webrtc-transport.js';
import type { Notify, Originator } from './types.js';

export type Direction = 'send' | 'recv';

export interface IceParameters {
  usernameFragment: string;
  password: string;
  iceLite?: boolean;
}

export interface IceCandidate {
  foundation: string;
  priority: number;
  ip: string;
  protocol: 'udp' | 'tcp';
  port: number;
  type: 'host';
  tcpType?: 'passive';
}

export interface IceSelectedTuple {
  localIP: string;
  localPort: number;
  remoteIP: string;
  remotePort: number;
  protocol: 'udp' | 'tcp';
}

export type LocalDtlsFingerprints = Partial<Record<'sha-1' | 'sha-224' | 'sha-256' | 'sha-384' | 'sha-512', string>>;

export interface LocalDtlsParameters {
  role: DtlsRole;
  fingerprints: LocalDtlsFingerprints;
}

export interface MirroringOptions {
  /** Destination IP. */
  remoteIP: string;
  /** Destination port. */
  remotePort: number;
  /** Consommé extension: the address to send from. Default: the transport's listening address. */
  localIP?: string;
  /** RTP sent to the client. Default false. */
  sendRtp?: boolean;
  /** RTCP sent to the client. Default false. */
  sendRtcp?: boolean;
  /** RTP received from the client. Default false. */
  recvRtp?: boolean;
  /** RTCP received from the client. Default false. */
  recvRtcp?: boolean;
}

export type WebRtcTransportEvents = {
  close: [Originator, unknown];
  iceselectedtuplechange: [IceSelectedTuple];
  icestatechange: [IceState];
  dtlsstatechange: [DtlsState];
  listenererror: [string, Error];
  '@close': [Originator, unknown];
};

/** @internal */
export interface WebRtcTransportInternal {
  id: number;
  core: CoreWebRtcTransport;
  direction: Direction;
  appData: unknown;
  notify: Notify;
}

export function toSelectedTuple(tuple: TransportTuple): IceSelectedTuple {
  return {
    localIP: tuple.localAddress,
    localPort: tuple.localPort,
    remoteIP: tuple.remoteIp ?? '',
    remotePort: tuple.remotePort ?? 0,
    protocol: tuple.protocol,
  };
}

/** A peer's ICE + DTLS path to the room, in one direction (seed 002). */
export class WebRtcTransport extends EnhancedEventEmitter<WebRtcTransportEvents> {
  readonly #id: number;
  readonly #core: CoreWebRtcTransport;
  readonly #direction: Direction;
  readonly #notify: Notify;
  #closed = false;
  appData: unknown;

  /** @internal */
  constructor(internal: WebRtcTransportInternal) {
    super();
    this.#id = internal.id;
    this.#core = internal.core;
    this.#direction = internal.direction;
    this.#notify = internal.notify;
    this.appData = internal.appData;
    const core = internal.core;
    core.on('icestatechange', (state) => this.safeEmit('icestatechange', state));
    core.on('iceselectedtuplechange', (tuple) => this.safeEmit('iceselectedtuplechange', toSelectedTuple(tuple)));
    core.on('dtlsstatechange', (state) => this.safeEmit('dtlsstatechange', state));
    // The router went away (room closed, worker died): nobody here asked for it.
    core.on('routerclose', () => this.#close('local', undefined));
  }

  get id(): number {
    return this.#id;
  }

  get closed(): boolean {
    return this.#closed;
  }

  get direction(): Direction {
    return this.#direction;
  }

  /** Always 'controlled': the room is an ICE-lite endpoint. */
  get iceRole(): 'controlled' {
    return 'controlled';
  }

  get iceLocalParameters(): IceParameters {
    const { usernameFragment, password, iceLite } = this.#core.iceParameters;
    return { usernameFragment, password, iceLite: iceLite ?? true };
  }

  get iceLocalCandidates(): IceCandidate[] {
    return this.#core.iceCandidates.map((c) => {
      const out: IceCandidate = { foundation: c.foundation, priority: c.priority, ip: c.address ?? c.ip, protocol: c.protocol, port: c.port, type: 'host' };
      if (c.tcpType) out.tcpType = c.tcpType;
      return out;
    });
  }

  get iceState(): IceState {
    return this.#core.iceState;
  }

  get iceSelectedTuple(): IceSelectedTuple | undefined {
    const tuple = this.#core.iceSelectedTuple;
    return tuple ? toSelectedTuple(tuple) : undefined;
  }

  /** Local DTLS role and fingerprints, the latter as a map from algorithm to value. */
  get dtlsLocalParameters(): LocalDtlsParameters {
    const fingerprints: LocalDtlsFingerprints = {};
    for (const f of this.#core.dtlsParameters.fingerprints) fingerprints[f.algorithm] = f.value;
    return { role: this.#core.dtlsParameters.role ?? 'auto', fingerprints };
  }

  get dtlsState(): DtlsState {
    return this.#core.dtlsState;
  }

  get dtlsRemoteCert(): string | undefined {
    return this.#core.dtlsRemoteCert;
  }

  /** @internal */
  get core(): CoreWebRtcTransport {
    return this.#core;
  }

  /** Close it here and tell the client (transportClosed). */
  close(appData?: unknown): void {
    if (this.#closed) return;
    this.#notify('transportClosed', { id: this.#id, appData });
    this.#close('local', appData);
  }

  /** @internal closeTransport from the client, or its peer closed. */
  closeFrom(originator: Originator, appData?: unknown): void {
    this.#close(originator, appData);
  }

  /** @internal The client's DTLS parameters (createTransport or updateTransport). */
  async connect(dtlsParameters: DtlsParameters): Promise<void> {
    if (this.#closed) throw new InvalidStateError('transport closed');
    await this.#core.connect({ dtlsParameters });
  }

  /**
   * Cap what the client sends over this transport (bps; 0 = no limit). Only on
   * 'send' transports. The worker sends the client REMB with this value about
   * once a second, which browsers apply as an upper bound.
   */
  async setMaxBitrate(bitrate: number): Promise<this> {
    if (this.#closed) throw new InvalidStateError('transport closed');
    if (this.#direction !== 'send') throw new InvalidStateError('setMaxBitrate() is only for send transports');
    if (typeof bitrate !== 'number' || !Number.isFinite(bitrate) || bitrate < 0) throw new TypeError('bitrate must be a number >= 0');
    await this.#core.setMaxIncomingBitrate(bitrate);
    return this;
  }

  async getStats(): Promise<WebRtcTransportStats[]> {
    if (this.#closed) throw new InvalidStateError('transport closed');
    return this.#core.getStats();
  }

  /**
   * Copies the selected decrypted RTP/RTCP of this transport as plain UDP to
   * `remoteIP:remotePort` (replacing any earlier mirroring).
   */
  async startMirroring(options: MirroringOptions): Promise<void> {
    if (this.#closed) throw new InvalidStateError('transport closed');
    if (typeof options !== 'object' || options === null) throw new TypeError('missing options');
    const { remoteIP, remotePort, localIP } = options;
    if (typeof remoteIP !== 'string' || isIP(remoteIP) === 0) throw new TypeError('remoteIP must be an IPv4 or IPv6 address');
    if (typeof remotePort !== 'number' || !Number.isInteger(remotePort) || remotePort < 1 || remotePort > 65535) {
      throw new TypeError('remotePort must be an integer 1..65535');
    }
    if (localIP !== undefined && (typeof localIP !== 'string' || isIP(localIP) !== isIP(remoteIP))) {
      throw new TypeError('localIP must be an address of the same family as remoteIP');
    }
    const flags = { sendRtp: false, sendRtcp: false, recvRtp: false, recvRtcp: false };
    for (const name of Object.keys(flags) as (keyof typeof flags)[]) {
      const value = options[name];
      if (value !== undefined && typeof value !== 'boolean') throw new TypeError(`${name} must be a boolean`);
      flags[name] = value === true;
    }
    await this.#core.startMirroring({ remoteIp: remoteIP, remotePort, ...(localIP !== undefined ? { localIp: localIP } : {}), ...flags });
  }

  async stopMirroring(): Promise<void> {
    if (this.#closed) throw new InvalidStateError('transport closed');
    await this.#core.stopMirroring();
  }

  #close(originator: Originator, appData: unknown): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#core.close();
    this.safeEmit('@close', originator, appData);
    this.safeEmit('close', originator, appData);
  }
}
