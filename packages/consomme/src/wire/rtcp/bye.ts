/**
 * Goodbye (BYE, PT=203), RFC 3550 §6.6.
 * https://www.rfc-editor.org/rfc/rfc3550#section-6.6
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |V=2|P|    SC   |   PT=BYE=203  |             length            |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                           SSRC/CSRC  (SC times)               |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |     length    |               reason for leaving ...   (opt)  |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   The reason is padded with nulls to the next 32-bit boundary.
 */
import { decodeExactUtf8, rtcpCount, rtcpHasPadding, RTCP_PT_BYE, writeRtcpHeader } from './header.js';

export interface Bye {
  readonly type: 'bye';
  readonly ssrcs: readonly number[];
  /** At most 255 bytes of UTF-8. */
  readonly reason?: string;
}

export function parseBye(packet: Buffer): Bye | undefined {
  if (rtcpHasPadding(packet)) return undefined;
  const sc = rtcpCount(packet);
  const len = packet.length;
  let pos = 4 + sc * 4;
  if (pos > len) return undefined;
  const ssrcs: number[] = [];
  for (let i = 0; i < sc; i++) ssrcs.push(packet.readUInt32BE(4 + i * 4));
  if (pos === len) return { type: 'bye', ssrcs };
  const n = packet[pos]!;
  const reason = decodeExactUtf8(packet.subarray(pos + 1, Math.min(len, pos + 1 + n)));
  pos += 1 + n;
  const end = (pos + 3) & ~3;
  if (reason === undefined || end !== len) return undefined;
  for (; pos < end; pos++) if (packet[pos] !== 0) return undefined;
  return { type: 'bye', ssrcs, reason };
}

export function byeByteLength(p: Bye): number {
  const n = 4 + p.ssrcs.length * 4;
  return p.reason === undefined ? n : (n + 1 + Buffer.byteLength(p.reason, 'utf8') + 3) & ~3;
}

/** At most 31 SSRCs and 255 bytes of reason. Returns the offset after the packet. */
export function serializeByeInto(p: Bye, buf: Buffer, offset: number): number {
  const total = byeByteLength(p);
  let o = writeRtcpHeader(buf, offset, p.ssrcs.length, RTCP_PT_BYE, total);
  for (const s of p.ssrcs) {
    buf.writeUInt32BE(s >>> 0, o);
    o += 4;
  }
  if (p.reason !== undefined) {
    const n = buf.write(p.reason, o + 1, Math.min(255, offset + total - o - 1), 'utf8');
    buf[o] = n;
    o += 1 + n;
    buf.fill(0, o, offset + total);
  }
  return offset + total;
}
