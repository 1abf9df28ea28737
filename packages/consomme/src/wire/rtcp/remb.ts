/**
 * Receiver Estimated Maximum Bitrate (PSFB, PT=206, FMT=15 "AFB" with the
 * 'REMB' identifier), draft-alvestrand-rmcat-remb-03 §2.2.
 * https://datatracker.ietf.org/doc/html/draft-alvestrand-rmcat-remb-03#section-2.2
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |V=2|P| FMT=15  |   PT=206      |             length            |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                  SSRC of packet sender                        |
 *   |                  SSRC of media source (0)                     |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |  Unique identifier 'R' 'E' 'M' 'B'                            |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |  Num SSRC     | BR Exp    |  BR Mantissa (18 bits)            |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |   SSRC feedback (Num SSRC times)                              |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   bitrate = mantissa * 2^exp bits per second
 */
import { FEEDBACK_HEADER_LENGTH, rtcpHasPadding, RTCP_PT_PSFB, writeFeedbackHeader } from './header.js';

export const REMB_FMT = 15;
const REMB_ID = 0x52454d42; // 'REMB'
const MAX_MANTISSA = 0x3_ffff;

export interface Remb {
  readonly type: 'remb';
  readonly senderSsrc: number;
  readonly mediaSsrc: number;
  /** Bits per second. */
  readonly bitrate: number;
  /**
   * The exponent as received. A bitrate has several exp/mantissa spellings;
   * keeping the one used lets the packet re-serialize byte-exact. When absent
   * (or not able to carry `bitrate`), the smallest exponent is used.
   */
  readonly exponent?: number;
  readonly ssrcs: readonly number[];
}

export function parseRemb(packet: Buffer): Remb | undefined {
  const len = packet.length;
  if (rtcpHasPadding(packet) || len < FEEDBACK_HEADER_LENGTH + 8 || packet.readUInt32BE(12) !== REMB_ID) return undefined;
  const n = packet[16]!;
  if (len !== FEEDBACK_HEADER_LENGTH + 8 + n * 4) return undefined;
  const exponent = packet[17]! >> 2;
  const mantissa = ((packet[17]! & 0x03) << 16) | packet.readUInt16BE(18);
  const ssrcs: number[] = [];
  for (let i = 0; i < n; i++) ssrcs.push(packet.readUInt32BE(20 + i * 4));
  return {
    type: 'remb',
    senderSsrc: packet.readUInt32BE(4),
    mediaSsrc: packet.readUInt32BE(8),
    bitrate: mantissa * 2 ** exponent,
    exponent,
    ssrcs,
  };
}

export function rembByteLength(p: Remb): number {
  return FEEDBACK_HEADER_LENGTH + 8 + p.ssrcs.length * 4;
}

function encodeBitrate(bitrate: number, hint: number | undefined): [exp: number, mantissa: number] {
  const br = Math.max(0, Math.floor(bitrate));
  if (hint !== undefined && hint >= 0 && hint < 64) {
    const m = br / 2 ** hint;
    if (Number.isInteger(m) && m <= MAX_MANTISSA) return [hint, m];
  }
  let exp = 0;
  while (exp < 63 && Math.floor(br / 2 ** exp) > MAX_MANTISSA) exp++;
  return [exp, Math.min(MAX_MANTISSA, Math.floor(br / 2 ** exp))];
}

/** At most 255 SSRCs. Returns the offset after the packet. */
export function serializeRembInto(p: Remb, buf: Buffer, offset: number): number {
  let o = writeFeedbackHeader(buf, offset, REMB_FMT, RTCP_PT_PSFB, rembByteLength(p), p.senderSsrc, p.mediaSsrc);
  const [exp, mantissa] = encodeBitrate(p.bitrate, p.exponent);
  buf.writeUInt32BE(REMB_ID, o);
  buf[o + 4] = p.ssrcs.length & 0xff;
  buf[o + 5] = (exp << 2) | (mantissa >> 16);
  buf.writeUInt16BE(mantissa & 0xffff, o + 6);
  o += 8;
  for (const s of p.ssrcs) {
    buf.writeUInt32BE(s >>> 0, o);
    o += 4;
  }
  return o;
}
