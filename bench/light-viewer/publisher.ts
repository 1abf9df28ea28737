/**
 * A light participant for the room bench: it publishes the pre-encoded clip (VP8 + Opus,
 * bench/fanout/clip.ts) SRTP-protected over one light connection and receives everyone
 * else's streams over another, counting them as a LightViewer does. No encoder, no decoder.
 *
 * One ClipPacer drives every participant of a process from one timer, with the feeder's
 * rules (bench/fanout/feeder.ts): per-frame bursts, one Opus packet per 20 ms, sequence
 * numbers, timestamps and VP8 picture ids continuous across loops, each packet stamped with
 * its send time. Participants share one copy of the clip: each packet is rewritten for the
 * participant (SSRC, sequence number, timestamp, picture id, stamp) just before SRTP
 * protection, which copies it, so the shared buffer is free again at once.
 */
import { rewriteVp8PictureId } from '../../packages/consomme/src/wire/rtp/index.js';
import type { DtlsCertificate } from '../../packages/consomme/src/wire/dtls/certificate.js';
import type { Clip } from '../fanout/clip.js';
import type { ClipTrack } from '../fanout/packetize.js';
import { writeStamp } from '../fanout/stamp.js';
import { LightViewer } from './viewer.js';

export interface SentCounts {
  audio: number;
  video: number;
  /** Packets the sender could not protect or send (not connected yet, or closed). */
  failed: number;
}

export class LightParticipant {
  readonly sent: SentCounts = { audio: 0, video: 0, failed: 0 };

  private constructor(
    readonly index: number,
    /** The publishing connection (its receive side still counts whatever the SFU sends it, e.g. RTCP). */
    readonly sender: LightViewer,
    /** The receiving connection: the others' streams. */
    readonly receiver: LightViewer,
    readonly videoSsrc: number,
    readonly audioSsrc: number,
  ) {}

  /** Two sockets on 127.0.0.1; SSRCs derived from the index so that they never collide in a room. */
  static async create(index: number, certificate?: DtlsCertificate): Promise<LightParticipant> {
    const sender = await LightViewer.create(certificate);
    const receiver = await LightViewer.create(certificate);
    return new LightParticipant(index, sender, receiver, (0x33330000 + index * 2) >>> 0, (0x33330001 + index * 2) >>> 0);
  }

  get sentTotal(): number {
    return this.sent.audio + this.sent.video;
  }

  /** Packets received from the others so far, all SSRCs together. */
  get receivedTotal(): number {
    let n = 0;
    for (const c of this.receiver.counters.values()) n += c.packets;
    return n;
  }

  close(): void {
    this.sender.close();
    this.receiver.close();
  }
}

interface Cursor {
  readonly participant: LightParticipant;
  readonly track: ClipTrack;
  readonly ssrc: number;
  /** When this participant started, in ns after the pacer started. */
  readonly offsetNs: number;
  loop: number;
  index: number;
  sent: number;
}

// As the fan-out feeder: far from zero, so the first loop already wraps downstream state.
const SEQ_BASE = 65000;
const TS_BASE = 0xffff0000;
const PIC_BASE = 32700;

export interface PacerOptions {
  /**
   * Participant i starts i × staggerMs / count after the first, so keyframes (one every
   * 2 s in the clip) are spread out as in a real room rather than all bursting at once.
   * Default 0: everyone starts together on a keyframe.
   */
  staggerMs?: number;
  /** Each participant stops after sending this long; default: until stop(). */
  durationMs?: number;
}

export class ClipPacer {
  readonly #clip: Clip;
  readonly #cursors: Cursor[] = [];
  readonly #durationNs: number;
  #startNs = 0n;
  #timer: NodeJS.Timeout | undefined;
  #running = false;
  #finished: (() => void) | undefined;
  /** Resolves when every participant has sent for durationMs, or on stop(). */
  readonly done: Promise<void>;

  constructor(clip: Clip, participants: readonly LightParticipant[], options: PacerOptions = {}) {
    this.#clip = clip;
    this.#durationNs = options.durationMs === undefined ? -1 : options.durationMs * 1e6;
    const stagger = (options.staggerMs ?? 0) * 1e6;
    participants.forEach((participant, i) => {
      const offsetNs = participants.length > 0 ? Math.round((i * stagger) / participants.length) : 0;
      for (const [track, ssrc] of [[clip.video, participant.videoSsrc], [clip.audio, participant.audioSsrc]] as const) {
        this.#cursors.push({ participant, track, ssrc, offsetNs, loop: 0, index: 0, sent: 0 });
      }
    });
    this.done = new Promise((resolve) => (this.#finished = resolve));
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#startNs = process.hrtime.bigint();
    this.#tick();
  }

  stop(): void {
    this.#running = false;
    clearTimeout(this.#timer);
    this.#finished?.();
  }

  /** Due time of the cursor's next packet in ns after its own start. */
  #dueNs(c: Cursor): number {
    const p = c.track.packets[c.index]!;
    return ((c.loop * c.track.loopTicks + p.tsOffset) / c.track.clockRate) * 1e9;
  }

  #tick(): void {
    if (!this.#running) return;
    const elapsed = Number(process.hrtime.bigint() - this.#startNs);
    let next = -1;
    for (const c of this.#cursors) {
      for (;;) {
        const due = this.#dueNs(c);
        if (this.#durationNs >= 0 && due >= this.#durationNs) break;
        if (c.offsetNs + due > elapsed) {
          if (next < 0 || c.offsetNs + due < next) next = c.offsetNs + due;
          break;
        }
        this.#send(c);
      }
    }
    if (next < 0) {
      this.stop();
      return;
    }
    const waitMs = (next - Number(process.hrtime.bigint() - this.#startNs)) / 1e6;
    this.#timer = setTimeout(() => this.#tick(), Math.max(0, waitMs));
  }

  #send(c: Cursor): void {
    const { track, participant } = c;
    const item = track.packets[c.index]!;
    const rtp = item.packet;
    rtp.ssrc = c.ssrc;
    rtp.sequenceNumber = (SEQ_BASE + c.sent) & 0xffff;
    rtp.timestamp = (TS_BASE + c.loop * track.loopTicks + item.tsOffset) >>> 0;
    if (track.kind === 'video') rewriteVp8PictureId(rtp.payload, (PIC_BASE + c.loop * this.#clip.video.frameCount + item.frame) & 0x7fff);
    writeStamp(rtp.buffer, process.hrtime.bigint());
    if (participant.sender.sendRtp(rtp.buffer)) {
      if (track.kind === 'video') participant.sent.video++;
      else participant.sent.audio++;
    } else {
      participant.sent.failed++;
    }
    // The sequence number advances even for a failed send, as an encoder's would: a gap, seen as loss.
    c.sent++;
    c.index++;
    if (c.index === track.packets.length) {
      c.index = 0;
      c.loop++;
    }
  }
}
