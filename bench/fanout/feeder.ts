/**
 * Replays the clip as plain RTP, looped without a seam: sequence numbers, timestamps and
 * VP8 picture ids continue across loops as if the encoder never stopped, so an SFU sees one
 * endless stream (no jumps that would reset its sequence mapping or ask for keyframes).
 *
 * Pacing is per frame: all packets of a video frame leave back to back at the frame's time
 * (as an encoder's output does), one Opus packet every 20 ms. Each packet is stamped with
 * its send time just before it leaves (stamp.ts). One UDP socket sends both kinds; anything
 * the SFU sends back (RTCP: receiver reports, PLI, NACK) is counted, never answered.
 */
import type { Socket } from 'node:dgram';
import { bindLoopbackUdp } from '../../e2e/lib/loopback-udp.js';
import { parseRtcpCompound } from '../../packages/consomme/src/wire/rtcp/index.js';
import { rewriteVp8PictureId } from '../../packages/consomme/src/wire/rtp/index.js';
import type { Clip } from './clip.js';
import type { ClipTrack } from './packetize.js';
import { writeStamp } from './stamp.js';

export interface Target {
  ip: string;
  port: number;
}

export interface FeederOptions {
  /** Where audio and video go (the same port for a comedia PlainTransport; 5002/5004 for Janus). */
  audio: Target;
  video: Target;
  /** Stop sending after this long; default: until stop(). */
  durationMs?: number;
}

export interface FeederStats {
  sentAudio: number;
  sentVideo: number;
  videoFrames: number;
  loops: number;
  rtcpReceived: number;
  pliReceived: number;
  firReceived: number;
  nackReceived: number;
  sendErrors: number;
}

interface Cursor {
  readonly track: ClipTrack;
  readonly target: Target;
  loop: number;
  index: number;
  /** Packets sent on this track so far: the sequence number offset. */
  sent: number;
  readonly seqBase: number;
  readonly tsBase: number;
  readonly picBase: number;
}

export class Feeder {
  readonly stats: FeederStats = {
    sentAudio: 0, sentVideo: 0, videoFrames: 0, loops: 0, rtcpReceived: 0, pliReceived: 0, firReceived: 0, nackReceived: 0, sendErrors: 0,
  };
  readonly #socket: Socket;
  readonly #cursors: Cursor[];
  readonly #durationNs: bigint;
  #startNs = 0n;
  #timer: NodeJS.Timeout | undefined;
  #running = false;
  #closed = false;
  #draining = false;
  #pending = 0;
  #finished: (() => void) | undefined;
  readonly done: Promise<void>;

  private constructor(socket: Socket, clip: Clip, options: FeederOptions) {
    this.#socket = socket;
    // Bases far from zero so the first loop already exercises 16-bit and 32-bit wrap handling downstream.
    const cursor = (track: ClipTrack, target: Target): Cursor => ({
      track, target, loop: 0, index: 0, sent: 0, seqBase: 65000, tsBase: 0xffff0000, picBase: 32700,
    });
    this.#cursors = [cursor(clip.video, options.video), cursor(clip.audio, options.audio)];
    this.#durationNs = options.durationMs === undefined ? -1n : BigInt(Math.round(options.durationMs * 1e6));
    this.done = new Promise((resolve) => (this.#finished = resolve));
    socket.on('message', (buf) => this.#onRtcp(buf));
    socket.on('error', () => this.stats.sendErrors++);
  }

  /** Binds one UDP socket on 127.0.0.1. */
  static async create(clip: Clip, options: FeederOptions): Promise<Feeder> {
    const socket = await bindLoopbackUdp({ sendBytes: 4 * 1024 * 1024 });
    return new Feeder(socket, clip, options);
  }

  get localPort(): number {
    return this.#socket.address().port;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#startNs = process.hrtime.bigint();
    this.#tick();
  }

  /** Stops sending and closes the socket. Idempotent. */
  stop(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#running = false;
    clearTimeout(this.#timer);
    this.#socket.close();
    this.#finished?.();
  }

  /** Due time of the cursor's next packet, in ns from start. */
  #dueNs(c: Cursor): bigint {
    const p = c.track.packets[c.index]!;
    const ticks = c.loop * c.track.loopTicks + p.tsOffset;
    return BigInt(Math.round((ticks / c.track.clockRate) * 1e9));
  }

  #tick(): void {
    if (!this.#running) return;
    const elapsed = process.hrtime.bigint() - this.#startNs;
    let next = -1n;
    for (const c of this.#cursors) {
      for (;;) {
        const due = this.#dueNs(c);
        if (this.#durationNs >= 0n && due >= this.#durationNs) break;
        if (due > elapsed) {
          if (next < 0n || due < next) next = due;
          break;
        }
        this.#send(c);
      }
    }
    if (next < 0n) {
      // Every track reached durationMs: close once the last sends have left (a close drops queued ones).
      this.#running = false;
      this.#draining = true;
      if (this.#pending === 0) this.stop();
      return;
    }
    const waitMs = Number(next - (process.hrtime.bigint() - this.#startNs)) / 1e6;
    this.#timer = setTimeout(() => this.#tick(), Math.max(0, waitMs));
  }

  #send(c: Cursor): void {
    const { track } = c;
    const item = track.packets[c.index]!;
    const rtp = item.packet;
    rtp.sequenceNumber = (c.seqBase + c.sent) & 0xffff;
    rtp.timestamp = (c.tsBase + c.loop * track.loopTicks + item.tsOffset) >>> 0;
    if (track.kind === 'video') {
      rewriteVp8PictureId(rtp.payload, (c.picBase + c.loop * track.frameCount + item.frame) & 0x7fff);
      if (rtp.marker) this.stats.videoFrames++;
      this.stats.sentVideo++;
    } else {
      this.stats.sentAudio++;
    }
    const buf = rtp.buffer;
    writeStamp(buf, process.hrtime.bigint());
    // The buffer is reused only a whole loop later, long after the kernel has copied it.
    this.#pending++;
    this.#socket.send(buf, c.target.port, c.target.ip, (err) => {
      if (err) this.stats.sendErrors++;
      if (--this.#pending === 0 && this.#draining) this.stop();
    });
    c.sent++;
    c.index++;
    if (c.index === track.packets.length) {
      c.index = 0;
      c.loop++;
      if (track.kind === 'video') this.stats.loops++;
    }
  }

  #onRtcp(buf: Buffer): void {
    const packets = parseRtcpCompound(buf);
    if (!packets) return;
    this.stats.rtcpReceived++;
    for (const p of packets) {
      if (p.type === 'pli') this.stats.pliReceived++;
      else if (p.type === 'fir') this.stats.firReceived++;
      else if (p.type === 'nack') this.stats.nackReceived++;
    }
  }
}
