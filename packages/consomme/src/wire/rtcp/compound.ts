/**
 * Compound RTCP packets, RFC 3550 §6.1 and the validity checks of
 * Appendix A.2, relaxed for reduced-size RTCP (RFC 5506 §3.4.2): a compound
 * need not start with SR/RR, since WebRTC peers send lone feedback packets.
 * https://www.rfc-editor.org/rfc/rfc3550#appendix-A.2
 * https://www.rfc-editor.org/rfc/rfc5506#section-3.4.2
 *
 *   +------------------+------------------+-----+------------------+
 *   | packet 1         | packet 2         | ... | packet n         |
 *   | V=2 ... length 1 | V=2 ... length 2 |     | V=2 ... length n |
 *   +------------------+------------------+-----+------------------+
 *   Each packet is (length + 1) * 4 bytes; together they fill the datagram.
 */
import { parseRtcpPacket, rtcpPacketByteLength, serializeRtcpPacketInto } from './packet.js';
import type { RtcpPacket } from './packet.js';

/** Why `parseRtcpCompoundWithReason` refused a buffer. */
export type RtcpParseFailure = 'empty' | 'truncated-header' | 'bad-version' | 'length-overrun';

/**
 * The packets of a compound, or a reason when its framing is broken (any
 * version other than 2, a length running past the datagram, trailing bytes).
 * Packets are views into `buf`.
 */
export function parseRtcpCompoundWithReason(buf: Buffer): RtcpPacket[] | RtcpParseFailure {
  const len = buf.length;
  if (len === 0) return 'empty';
  const packets: RtcpPacket[] = [];
  let pos = 0;
  while (pos < len) {
    if (pos + 4 > len) return 'truncated-header';
    if (buf[pos]! >> 6 !== 2) return 'bad-version';
    const size = (buf.readUInt16BE(pos + 2) + 1) * 4;
    if (pos + size > len) return 'length-overrun';
    packets.push(parseRtcpPacket(buf.subarray(pos, pos + size)));
    pos += size;
  }
  return packets;
}

/** The packets of a compound, or undefined when its framing is broken. */
export function parseRtcpCompound(buf: Buffer): RtcpPacket[] | undefined {
  const r = parseRtcpCompoundWithReason(buf);
  return typeof r === 'string' ? undefined : r;
}

export function rtcpCompoundByteLength(packets: readonly RtcpPacket[]): number {
  let n = 0;
  for (const p of packets) n += rtcpPacketByteLength(p);
  return n;
}

/** One Buffer holding every packet in order. */
export function serializeRtcpCompound(packets: readonly RtcpPacket[]): Buffer {
  const out = Buffer.alloc(rtcpCompoundByteLength(packets));
  let o = 0;
  for (const p of packets) o = serializeRtcpPacketInto(p, out, o);
  return out;
}
