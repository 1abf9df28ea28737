import type { RemoteInfo, Socket as UdpSocket } from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { classifyDatagram } from '../wire/demux.js';
import { SrtpSession, srtpProfileInfo, type SrtpCryptoSuite } from '../wire/srtp/index.js';
import type { WorkerContext } from './context.js';
import { allocateUdp, type SocketBuffers } from './net/port-allocator.js';
import type { WorkerRouter } from './router.js';
import { WorkerTransport } from './transport.js';

export interface PlainTransportInit {
  transportId: string;
  listenInfo: { ip: string; announcedAddress?: string; port?: number; portRange?: { min: number; max: number } } & SocketBuffers;
  rtcpListenInfo?: { ip: string; announcedAddress?: string; port?: number; portRange?: { min: number; max: number } } & SocketBuffers;
  rtcpMux: boolean;
  comedia: boolean;
  enableSrtp: boolean;
  srtpCryptoSuite: SrtpCryptoSuite;
}

interface Tuple {
  localAddress: string;
  localIp: string;
  localPort: number;
  remoteIp?: string;
  remotePort?: number;
  protocol: 'udp';
}

interface Remote {
  address: string;
  port: number;
}

/**
 * Plain RTP/RTCP over UDP (ffmpeg, GStreamer): no ICE, no DTLS. The remote
 * address comes from connect(), or with comedia from the first packet.
 * Optional SRTP with keys exchanged out of band (srtpParameters).
 */
export class WorkerPlainTransport extends WorkerTransport {
  readonly #init: PlainTransportInit;
  #rtpSocket: UdpSocket | undefined;
  #rtcpSocket: UdpSocket | undefined;
  #rtpRemote: Remote | undefined;
  #rtcpRemote: Remote | undefined;
  #srtp: SrtpSession | undefined;
  readonly #localSrtpKey: Buffer | undefined;
  #remoteSrtpKey: Buffer | undefined;
  #connected = false;
  #bytesReceived = 0;
  #bytesSent = 0;

  private constructor(init: PlainTransportInit, ctx: WorkerContext, router: WorkerRouter) {
    super(init.transportId, ctx, router);
    this.#init = init;
    if (init.enableSrtp) {
      const info = srtpProfileInfo(init.srtpCryptoSuite)!;
      this.#localSrtpKey = randomBytes(info.masterKeyLength + info.masterSaltLength);
    }
  }

  static async create(init: PlainTransportInit, ctx: WorkerContext, router: WorkerRouter): Promise<WorkerPlainTransport> {
    const transport = new WorkerPlainTransport(init, ctx, router);
    try {
      const rtp = await allocateUdp(init.listenInfo.ip, init.listenInfo.port, init.listenInfo.portRange ?? ctx.portRange, init.listenInfo);
      transport.#rtpSocket = rtp;
      rtp.on('message', (msg: Buffer, rinfo: RemoteInfo) => transport.guard('plain rtp', () => transport.#onDatagram(msg, rinfo, false)));
      rtp.on('error', () => undefined);
      if (!init.rtcpMux) {
        const info = init.rtcpListenInfo ?? init.listenInfo;
        const rtcp = await allocateUdp(info.ip, init.rtcpListenInfo?.port, info.portRange ?? ctx.portRange, info);
        transport.#rtcpSocket = rtcp;
        rtcp.on('message', (msg: Buffer, rinfo: RemoteInfo) => transport.guard('plain rtcp', () => transport.#onDatagram(msg, rinfo, true)));
        rtcp.on('error', () => undefined);
      }
    } catch (error) {
      transport.close();
      throw error;
    }
    return transport;
  }

  initialData(): unknown {
    const data: Record<string, unknown> = {
      tuple: this.#tuple(false),
      rtcpMux: this.#init.rtcpMux,
      comedia: this.#init.comedia,
    };
    if (this.#rtcpSocket) data.rtcpTuple = this.#tuple(true);
    if (this.#localSrtpKey) data.srtpParameters = { cryptoSuite: this.#init.srtpCryptoSuite, keyBase64: this.#localSrtpKey.toString('base64') };
    return data;
  }

  protected handleOwnRequest(method: string, data: unknown): unknown {
    switch (method) {
      case 'transport.connect':
        return this.#connect(data as { ip?: string; port?: number; rtcpPort?: number; srtpParameters?: { cryptoSuite: SrtpCryptoSuite; keyBase64: string } });
      case 'transport.getStats':
        return [this.#statsRecord()];
      case 'transport.dump':
        return { ...this.baseDump(), tuple: this.#tuple(false), rtcpTuple: this.#rtcpSocket ? this.#tuple(true) : undefined };
      default:
        throw new TypeError(`unknown method '${method}'`);
    }
  }

  protected onClose(): void {
    this.#rtpSocket?.close();
    this.#rtcpSocket?.close();
  }

  protected sendRtpToWire(packet: Buffer, length: number): void {
    const remote = this.#rtpRemote;
    if (!remote || !this.#rtpSocket) return;
    let out: Buffer | undefined;
    if (this.#srtp) out = this.#srtp.protectRtp(packet, length);
    // Plain RTP: copy, because the caller's buffer is reused before the send completes.
    else out = Buffer.from(length === packet.length ? packet : packet.subarray(0, length));
    if (!out) {
      this.dropped.add('srtp-protect-failed');
      return;
    }
    this.#bytesSent += out.length;
    this.#rtpSocket.send(out, remote.port, remote.address);
  }

  protected sendRtcpToWire(packet: Buffer): void {
    const socket = this.#rtcpSocket ?? this.#rtpSocket;
    const remote = this.#rtcpSocket ? this.#rtcpRemote : this.#rtpRemote;
    if (!remote || !socket) return;
    const out = this.#srtp ? this.#srtp.protectRtcp(packet) : packet;
    if (!out) return;
    this.#bytesSent += out.length;
    socket.send(out, remote.port, remote.address);
  }

  #connect(params: { ip?: string; port?: number; rtcpPort?: number; srtpParameters?: { cryptoSuite: SrtpCryptoSuite; keyBase64: string } }): unknown {
    if (this.#connected) throw new Error('connect() already called');
    if (!this.#init.comedia) {
      if (!params.ip || !params.port) throw new TypeError('missing ip or port (comedia is off)');
      this.#rtpRemote = { address: params.ip, port: params.port };
      if (!this.#init.rtcpMux) {
        if (!params.rtcpPort) throw new TypeError('missing rtcpPort (rtcpMux is off)');
        this.#rtcpRemote = { address: params.ip, port: params.rtcpPort };
      }
    }
    if (this.#init.enableSrtp) {
      const srtp = params.srtpParameters;
      if (!srtp) throw new TypeError('missing srtpParameters (enableSrtp is on)');
      const info = srtpProfileInfo(srtp.cryptoSuite);
      if (!info) throw new TypeError(`unsupported srtpParameters.cryptoSuite ${String(srtp.cryptoSuite)}`);
      const key = Buffer.from(srtp.keyBase64, 'base64');
      if (key.length !== info.masterKeyLength + info.masterSaltLength) throw new TypeError('wrong srtpParameters.keyBase64 length');
      this.#remoteSrtpKey = key;
      const local = this.#localSrtpKey!;
      const localInfo = srtpProfileInfo(this.#init.srtpCryptoSuite)!;
      if (localInfo.cryptoSuite !== info.cryptoSuite) throw new TypeError('srtpParameters.cryptoSuite differs from the transport one');
      this.#srtp = new SrtpSession({
        profile: info.cryptoSuite,
        localMasterKey: local.subarray(0, info.masterKeyLength),
        localMasterSalt: local.subarray(info.masterKeyLength),
        remoteMasterKey: key.subarray(0, info.masterKeyLength),
        remoteMasterSalt: key.subarray(info.masterKeyLength),
      });
    }
    this.#connected = true;
    this.setConnected(true);
    const out: Record<string, unknown> = { tuple: this.#tuple(false) };
    if (this.#rtcpSocket) out.rtcpTuple = this.#tuple(true);
    return out;
  }

  #onDatagram(msg: Buffer, rinfo: RemoteInfo, onRtcpSocket: boolean): void {
    this.#bytesReceived += msg.length;
    const kind = classifyDatagram(msg);
    if (kind !== 'rtp' && kind !== 'rtcp') {
      this.dropped.add('plain-not-rtp');
      return;
    }
    if (this.#init.enableSrtp && !this.#srtp) {
      this.dropped.add('srtp-not-connected');
      return;
    }
    // comedia: the first packet tells where the remote is (and later ones may move it, as a NAT would).
    if (this.#init.comedia) {
      const remote = { address: rinfo.address, port: rinfo.port };
      if (onRtcpSocket) {
        if (!this.#rtcpRemote || this.#rtcpRemote.port !== remote.port || this.#rtcpRemote.address !== remote.address) {
          this.#rtcpRemote = remote;
          this.ctx.notify(this.id, 'rtcptuple', { rtcpTuple: this.#tuple(true) });
        }
      } else if (kind === 'rtp' || this.#init.rtcpMux) {
        if (!this.#rtpRemote || this.#rtpRemote.port !== remote.port || this.#rtpRemote.address !== remote.address) {
          this.#rtpRemote = remote;
          this.ctx.notify(this.id, 'tuple', { tuple: this.#tuple(false) });
        }
      }
      if (!this.#connected && this.#rtpRemote) this.setConnected(true);
    } else {
      if (!this.#rtpRemote) {
        this.dropped.add('plain-before-connect');
        return;
      }
      // Without comedia only the connected remote may send (as mediasoup).
      const expected = onRtcpSocket ? this.#rtcpRemote : this.#rtpRemote;
      if (!expected || expected.address !== rinfo.address || expected.port !== rinfo.port) {
        this.dropped.add('plain-unknown-source');
        return;
      }
    }
    if (kind === 'rtp') {
      const plain = this.#srtp ? this.#srtp.unprotectRtp(msg) : msg;
      if (!plain) {
        this.dropped.add(`srtp-${this.#srtp?.lastDropReason ?? 'error'}`);
        return;
      }
      this.receiveRtp(plain);
    } else {
      const plain = this.#srtp ? this.#srtp.unprotectRtcp(msg) : msg;
      if (!plain) {
        this.dropped.add(`srtcp-${this.#srtp?.lastDropReason ?? 'error'}`);
        return;
      }
      this.receiveRtcp(plain);
    }
  }

  #tuple(rtcp: boolean): Tuple {
    const socket = rtcp ? this.#rtcpSocket : this.#rtpSocket;
    const info = rtcp ? (this.#init.rtcpListenInfo ?? this.#init.listenInfo) : this.#init.listenInfo;
    const remote = rtcp ? this.#rtcpRemote : this.#rtpRemote;
    const address = info.announcedAddress ?? info.ip;
    const tuple: Tuple = { localAddress: address, localIp: address, localPort: socket?.address().port ?? 0, protocol: 'udp' };
    if (remote) {
      tuple.remoteIp = remote.address;
      tuple.remotePort = remote.port;
    }
    return tuple;
  }

  #statsRecord(): Record<string, unknown> {
    const s = this.stats();
    const record: Record<string, unknown> = {
      type: 'plain-rtp-transport',
      transportId: this.id,
      timestamp: Date.now(),
      bytesReceived: this.#bytesReceived,
      bytesSent: this.#bytesSent,
      rtpBytesReceived: s.rtpBytesReceived,
      rtpBytesSent: s.rtpBytesSent,
      rtcpMux: this.#init.rtcpMux,
      comedia: this.#init.comedia,
      tuple: this.#tuple(false),
      dropped: s.dropped,
    };
    if (this.#rtcpSocket) record.rtcpTuple = this.#tuple(true);
    return record;
  }
}
