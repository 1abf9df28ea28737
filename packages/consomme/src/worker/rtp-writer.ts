import type { RtpPacket } from '../wire/rtp/packet.js';
import { element, nextElement, ONE_BYTE_PROFILE, TWO_BYTE_PROFILE, TWO_BYTE_PROFILE_MASK } from '../wire/rtp/header-extension-walk.js';

/** How one consumer wants a forwarded packet's header written. */
export interface RtpWriteSpec {
  ssrc: number;
  payloadType: number;
  sequenceNumber: number;
  timestamp: number;
  /** allowedExtensions[id] !== 0 keeps element `id` (router id space). */
  allowedExtensions: Uint8Array;
  /** Id of the consumer's MID extension (0 = not negotiated). */
  midExtensionId: number;
  /** The consumer's MID, written into every packet so the receiver can demux without SSRC signalling. */
  mid: Buffer;
  /** Id of transport-wide-cc-01 (0 = not negotiated); its value is this transport's sequence, not the producer's. */
  transportCcExtensionId: number;
  transportSeq: number;
  /** Id of abs-send-time (0 = not negotiated); its value is our send time (6.18 fixed point), not the producer's. */
  absSendTimeExtensionId: number;
  absSendTime: number;
}

/** Largest packet a consumer writes (a 1500-byte MTU plus room for a grown extension block). */
export const MAX_RTP_WRITE = 1600;

/**
 * Writes `packet` for a consumer into `out` (reused scratch memory, no
 * allocation): new SSRC, payload type, sequence number and timestamp, only
 * the header extensions the consumer negotiated, and its own MID. Returns the
 * written length, or 0 when the result would not fit in `out`.
 *
 * Rewriting per consumer into scratch memory instead of in place keeps the
 * producer's packet intact for the next consumer and for retransmission, and
 * lets a consumer's MID differ in length from the producer's.
 */
export function writeConsumerRtp(packet: RtpPacket, out: Buffer, spec: RtpWriteSpec): number {
  const src = packet.buffer;
  const cc = src[0]! & 0x0f;
  const fixedEnd = 12 + cc * 4;
  const hasExt = (src[0]! & 0x10) !== 0;
  let extStart = 0;
  let extEnd = 0;
  let twoByte = false;
  let rfc8285 = false;
  if (hasExt) {
    const profile = src.readUInt16BE(fixedEnd);
    extStart = fixedEnd + 4;
    extEnd = extStart + src.readUInt16BE(fixedEnd + 2) * 4;
    rfc8285 = profile === ONE_BYTE_PROFILE || (profile & TWO_BYTE_PROFILE_MASK) === TWO_BYTE_PROFILE;
    twoByte = profile !== ONE_BYTE_PROFILE;
  }
  const bodyStart = hasExt ? extEnd : fixedEnd;
  const bodyLength = src.length - bodyStart;

  // Decide the form: one-byte unless an element needs two (id > 14 or length > 16 or 0).
  const mid = spec.midExtensionId !== 0 ? spec.mid : undefined;
  let needTwo = mid !== undefined && (spec.midExtensionId > 14 || mid.length === 0 || mid.length > 16);
  if (rfc8285) {
    let pos = extStart;
    while ((pos = nextElement(src, pos, extEnd, twoByte)) >= 0) {
      if (element.id === spec.midExtensionId || spec.allowedExtensions[element.id] === 0) continue;
      if (element.id > 14 || element.valueLength === 0 || element.valueLength > 16) needTwo = true;
    }
  }

  // Fixed header and CSRCs.
  if (fixedEnd + bodyLength > out.length) return 0;
  src.copy(out, 0, 0, fixedEnd);
  out[1] = (src[1]! & 0x80) | (spec.payloadType & 0x7f);
  out.writeUInt16BE(spec.sequenceNumber & 0xffff, 2);
  out.writeUInt32BE(spec.timestamp >>> 0, 4);
  out.writeUInt32BE(spec.ssrc >>> 0, 8);

  // Extension block.
  let w = fixedEnd + 4;
  if (rfc8285) {
    let pos = extStart;
    while ((pos = nextElement(src, pos, extEnd, twoByte)) >= 0) {
      if (element.id === spec.midExtensionId || spec.allowedExtensions[element.id] === 0) continue;
      w = putElement(out, w, needTwo, element.id, src, element.valueStart, element.valueLength, bodyLength);
      if (w < 0) return 0;
      // Both describe the hop from us to the receiver, so they are ours to write.
      if (element.id === spec.transportCcExtensionId && element.valueLength === 2) {
        out.writeUInt16BE(spec.transportSeq & 0xffff, w - 2);
      } else if (element.id === spec.absSendTimeExtensionId && element.valueLength === 3) {
        out.writeUIntBE(spec.absSendTime & 0xffffff, w - 3, 3);
      }
    }
  }
  if (mid !== undefined) {
    w = putElement(out, w, needTwo, spec.midExtensionId, mid, 0, mid.length, bodyLength);
    if (w < 0) return 0;
  }
  const extBytes = w - (fixedEnd + 4);
  if (extBytes === 0) {
    // No element survived: drop the block altogether.
    out[0] = out[0]! & ~0x10;
    w = fixedEnd;
  } else {
    while ((w - (fixedEnd + 4)) % 4 !== 0) out[w++] = 0;
    out[0] = out[0]! | 0x10;
    out.writeUInt16BE(needTwo ? TWO_BYTE_PROFILE : ONE_BYTE_PROFILE, fixedEnd);
    out.writeUInt16BE((w - (fixedEnd + 4)) / 4, fixedEnd + 2);
  }
  if (w + bodyLength > out.length) return 0;
  src.copy(out, w, bodyStart);
  return w + bodyLength;
}

/** Appends one extension element at `w`; returns the new position, or -1 when it would not fit. */
function putElement(out: Buffer, w: number, twoByte: boolean, id: number, from: Buffer, start: number, length: number, bodyLength: number): number {
  if (w + (twoByte ? 2 : 1) + length + bodyLength + 4 > out.length) return -1;
  if (twoByte) {
    out[w++] = id;
    out[w++] = length;
  } else {
    out[w++] = (id << 4) | (length - 1);
  }
  from.copy(out, w, start, start + length);
  return w + length;
}
