/**
 * A receiver of the bare relay: one UDP socket on 127.0.0.1 that counts RTP per SSRC and
 * times the feeder's stamp exactly as a light viewer does, minus ICE, DTLS and SRTP (the
 * relay forwards plain RTP). Its per-packet work is therefore a little lighter than a light
 * viewer's: the relay's delay includes less receiver time, which makes the SFU's added
 * delay err high rather than low.
 */
import type { Socket } from 'node:dgram';
import { bindLoopbackUdp } from '../../e2e/lib/loopback-udp.js';
import { readStamp } from '../fanout/stamp.js';
import { DelayHistogram, SsrcCounter, type SsrcSnapshot } from '../light-viewer/counters.js';

export class PlainReceiver {
  readonly counters = new Map<number, SsrcCounter>();
  readonly delay = new DelayHistogram();
  readonly #socket: Socket;

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.on('message', (buf) => this.#onPacket(buf));
    socket.on('error', () => undefined);
  }

  /** Binds on 127.0.0.1 with a 4 MiB receive buffer, as the light viewer does. */
  static async create(): Promise<PlainReceiver> {
    const socket = await bindLoopbackUdp({ recvBytes: 4 * 1024 * 1024 });
    return new PlainReceiver(socket);
  }

  get port(): number {
    return this.#socket.address().port;
  }

  snapshot(): Map<number, SsrcSnapshot> {
    const out = new Map<number, SsrcSnapshot>();
    for (const [ssrc, c] of this.counters) out.set(ssrc, c.snapshot());
    return out;
  }

  close(): void {
    this.#socket.close();
  }

  #onPacket(buf: Buffer): void {
    // RTP only (version 2, not an RTCP packet type): the relay forwards whatever arrives.
    if (buf.length < 12 || buf[0]! >> 6 !== 2) return;
    const pt = buf[1]!;
    if (pt >= 192 && pt <= 223) return;
    const ssrc = buf.readUInt32BE(8);
    let counter = this.counters.get(ssrc);
    if (!counter) this.counters.set(ssrc, (counter = new SsrcCounter()));
    counter.add(buf.readUInt16BE(2), buf.length);
    const sent = readStamp(buf);
    if (sent >= 0n) this.delay.addNs(process.hrtime.bigint() - sent);
  }
}
