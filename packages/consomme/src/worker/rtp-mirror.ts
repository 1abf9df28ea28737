/**
 * RTP/RTCP mirroring (the rooms API's `startMirroring`, seed 002): copies of
 * a transport's decrypted RTP and RTCP, in the directions asked for, sent as
 * plain UDP to one address, for recording or inspection with ordinary tools.
 */
import { createSocket, type Socket } from 'node:dgram';
import { isIP } from 'node:net';

export interface MirrorInit {
  remoteIp: string;
  remotePort: number;
  /** Address to send from; the transport's listening address when absent. */
  localIp?: string;
  /** RTP the transport sends to its endpoint. */
  sendRtp: boolean;
  /** RTCP the transport sends to its endpoint. */
  sendRtcp: boolean;
  /** RTP received from the endpoint. */
  recvRtp: boolean;
  /** RTCP received from the endpoint. */
  recvRtcp: boolean;
}

/** Checks a request from the API; throws TypeError naming what is wrong. */
export function checkMirrorInit(data: unknown): MirrorInit {
  const d = (data ?? {}) as Record<string, unknown>;
  if (typeof d.remoteIp !== 'string' || isIP(d.remoteIp) === 0) throw new TypeError(`invalid remoteIp ${String(d.remoteIp)}`);
  if (typeof d.remotePort !== 'number' || !Number.isInteger(d.remotePort) || d.remotePort < 1 || d.remotePort > 65535) {
    throw new TypeError(`invalid remotePort ${String(d.remotePort)}`);
  }
  if (d.localIp !== undefined && (typeof d.localIp !== 'string' || isIP(d.localIp) !== isIP(d.remoteIp))) {
    throw new TypeError(`invalid localIp ${String(d.localIp)} for remoteIp ${d.remoteIp}`);
  }
  const flag = (name: string): boolean => {
    const v = d[name];
    if (v !== undefined && typeof v !== 'boolean') throw new TypeError(`${name} must be a boolean`);
    return v === true;
  };
  const init: MirrorInit = {
    remoteIp: d.remoteIp,
    remotePort: d.remotePort,
    sendRtp: flag('sendRtp'),
    sendRtcp: flag('sendRtcp'),
    recvRtp: flag('recvRtp'),
    recvRtcp: flag('recvRtcp'),
  };
  if (typeof d.localIp === 'string') init.localIp = d.localIp;
  return init;
}

export class RtpMirror {
  readonly init: MirrorInit;
  readonly #socket: Socket;
  #closed = false;
  #sent = 0;
  #errors = 0;

  private constructor(init: MirrorInit, socket: Socket) {
    this.init = init;
    this.#socket = socket;
    // A send error (no route, buffer full) must not end the worker: count it.
    socket.on('error', () => this.#errors++);
  }

  /** Opens the sending socket on `localIp` (any port). Rejects when it cannot bind. */
  static open(init: MirrorInit, localIp: string): Promise<RtpMirror> {
    const socket = createSocket({ type: isIP(init.remoteIp) === 6 ? 'udp6' : 'udp4' });
    return new Promise((resolve, reject) => {
      const onError = (error: Error): void => {
        socket.close();
        reject(new Error(`cannot open the mirroring socket on ${localIp}: ${error.message}`));
      };
      socket.once('error', onError);
      socket.bind(0, localIp, () => {
        socket.off('error', onError);
        socket.unref();
        resolve(new RtpMirror(init, socket));
      });
    });
  }

  get sent(): number {
    return this.#sent;
  }

  get errors(): number {
    return this.#errors;
  }

  /**
   * Sends a copy of `packet[0, length)`: the caller may reuse or rewrite its
   * buffer at once, while a datagram the kernel could not take yet is still
   * queued by reference.
   */
  send(packet: Buffer, length = packet.length): void {
    if (this.#closed) return;
    this.#sent++;
    this.#socket.send(Buffer.from(packet.subarray(0, length)), this.init.remotePort, this.init.remoteIp);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#socket.close();
  }
}

/**
 * A transport's mirroring switches: one field per direction, undefined when
 * off, so the per-packet cost of mirroring being off is one comparison.
 */
export class MirrorTaps {
  sendRtp: RtpMirror | undefined;
  sendRtcp: RtpMirror | undefined;
  recvRtp: RtpMirror | undefined;
  recvRtcp: RtpMirror | undefined;
  #mirror: RtpMirror | undefined;

  /**
   * Checks `data`, opens the socket (from `defaultLocalIp(family)` unless the
   * request names a local address) and replaces what ran before. `isClosed`
   * is asked once the socket is open, since the transport may have closed
   * meanwhile.
   */
  async start(data: unknown, defaultLocalIp: (family: 4 | 6) => string, isClosed: () => boolean): Promise<void> {
    const init = checkMirrorInit(data);
    const mirror = await RtpMirror.open(init, init.localIp ?? defaultLocalIp(isIP(init.remoteIp) === 6 ? 6 : 4));
    if (isClosed()) {
      mirror.close();
      throw new Error('transport closed');
    }
    this.stop();
    this.#mirror = mirror;
    if (init.sendRtp) this.sendRtp = mirror;
    if (init.sendRtcp) this.sendRtcp = mirror;
    if (init.recvRtp) this.recvRtp = mirror;
    if (init.recvRtcp) this.recvRtcp = mirror;
  }

  stop(): void {
    this.#mirror?.close();
    this.#mirror = this.sendRtp = this.sendRtcp = this.recvRtp = this.recvRtcp = undefined;
  }

  /** Datagrams the running mirror could not send. */
  get errors(): number {
    return this.#mirror?.errors ?? 0;
  }
}
