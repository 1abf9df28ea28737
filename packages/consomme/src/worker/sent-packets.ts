/**
 * What a consumer keeps of the packets it sent, to send them again on a
 * NACK (RFC 4585 §6.2.1) or as probe padding. Not the packets: its producer
 * keeps each forwarded packet once for all consumers
 * (ProducerStream.forwarded). Per sent packet a consumer keeps where to find
 * it and what it changed beyond its fixed rewrite (RtpWriteSpec):
 *
 *   0       encoding index of the producer stream
 *   1       1 when the marker bit was set here (a layer switch ended the frame)
 *   2..3    the producer's sequence number
 *   4..7    VP8 picture ID written here, or -1
 *   8..11   VP8 TL0PICIDX written here, or -1
 *
 * plus its own sequence number and timestamp, and rewrites the packet from
 * the producer's copy when asked.
 */
import type { MediaKind } from '../ortc/types.js';
import { rewriteVp8PictureId, rewriteVp8Tl0PicIdx } from '../wire/rtp/codecs/vp8.js';
import { RtpPacket } from '../wire/rtp/packet.js';
import { RESEND_WINDOW_MS, RetransmissionBuffer, type RetransmissionItem } from './rtp/retransmission-buffer.js';
import { MAX_RTP_WRITE, writeConsumerRtp, type RtpWriteSpec } from './rtp-writer.js';

/** The producer's packet `seq` of encoding `encodingIdx` as the router forwarded it, while kept. */
export type ForwardedPacketLookup = (encodingIdx: number, seq: number, now: number) => Buffer | undefined;

const REF_LENGTH = 12;
// One of each per worker: a reference is stored, and a packet rebuilt and sent, before the next.
const ref = Buffer.alloc(REF_LENGTH);
const rebuilt = Buffer.allocUnsafe(MAX_RTP_WRITE);

export class SentPackets {
  readonly #buffer: RetransmissionBuffer;
  readonly #spec: RtpWriteSpec;
  readonly #lookup: ForwardedPacketLookup;
  #lastSeq = -1;

  /** `spec` is the consumer's own (rebuilding writes its sequence number and timestamp). */
  constructor(kind: MediaKind, spec: RtpWriteSpec, lookup: ForwardedPacketLookup) {
    this.#buffer = new RetransmissionBuffer({ maxAgeMs: RESEND_WINDOW_MS[kind] });
    this.#spec = spec;
    this.#lookup = lookup;
  }

  /** Records the packet just sent as `seq` / `timestamp`. */
  remember(seq: number, timestamp: number, now: number, encodingIdx: number, producerSeq: number, marker: boolean, pictureId: number, tl0PicIdx: number): void {
    ref[0] = encodingIdx;
    ref[1] = marker ? 1 : 0;
    ref.writeUInt16BE(producerSeq & 0xffff, 2);
    ref.writeInt32BE(pictureId, 4);
    ref.writeInt32BE(tl0PicIdx, 8);
    this.#buffer.storeCopy(seq, timestamp, now, ref, REF_LENGTH);
    this.#lastSeq = seq;
  }

  setRtt(ms: number): void {
    this.#buffer.setRtt(ms);
  }

  clear(): void {
    this.#buffer.clear();
    this.#lastSeq = -1;
  }

  /**
   * The NACKed packet `seq` as first sent, or undefined: not kept, resent
   * too recently (see RetransmissionBuffer.takeForResend), or gone at the
   * producer. The view is valid until the next call.
   */
  resend(seq: number, now: number): Buffer | undefined {
    const item = this.#buffer.takeForResend(seq, now);
    return item && this.#rebuild(item, now);
  }

  /** The newest packet sent, rebuilt (probes are RTX copies of it), and its sequence number. */
  newest(now: number): { seq: number; packet: Buffer } | undefined {
    const item = this.#lastSeq >= 0 ? this.#buffer.get(this.#lastSeq, now) : undefined;
    const packet = item && this.#rebuild(item, now);
    return packet && { seq: item!.seq, packet };
  }

  #rebuild(item: RetransmissionItem, now: number): Buffer | undefined {
    const r = item.packet;
    const original = this.#lookup(r[0]!, r.readUInt16BE(2), now);
    const packet = original && RtpPacket.parse(original);
    if (!packet) return undefined;
    const spec = this.#spec;
    spec.sequenceNumber = item.seq;
    spec.timestamp = item.timestamp;
    const length = writeConsumerRtp(packet, rebuilt, spec);
    if (length === 0) return undefined;
    if (r[1] === 1) rebuilt[1] = rebuilt[1]! | 0x80;
    writePicture(rebuilt, length, r.readInt32BE(4), r.readInt32BE(8));
    return rebuilt.subarray(0, length);
  }
}

/** Puts a rewritten VP8 picture ID and TL0PICIDX (each -1 for unchanged) into an RTP packet. */
export function writePicture(rtp: Buffer, length: number, pictureId: number, tl0PicIdx: number): void {
  if (pictureId < 0 && tl0PicIdx < 0) return;
  const cc = rtp[0]! & 0x0f;
  let offset = 12 + cc * 4;
  if (rtp[0]! & 0x10) offset += 4 + rtp.readUInt16BE(offset + 2) * 4;
  if (offset >= length) return;
  const payload = rtp.subarray(offset, length);
  if (pictureId >= 0) rewriteVp8PictureId(payload, pictureId);
  if (tl0PicIdx >= 0) rewriteVp8Tl0PicIdx(payload, tl0PicIdx);
}
