/**
 * Full Intra Request (PSFB, PT=206, FMT=4), RFC 5104 §4.3.1.
 * https://www.rfc-editor.org/rfc/rfc5104#section-4.3.1
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |V=2|P|  FMT=4  |   PT=206      |          length               |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                  SSRC of packet sender                        |
 *   |             SSRC of media source (unused, 0)                  |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                              SSRC                             |  (repeated)
 *   | Seq nr.       |    Reserved (0)                               |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   Non-zero reserved bits make the packet 'unknown', to keep it byte-exact.
 */
import { FEEDBACK_HEADER_LENGTH, rtcpHasPadding, RTCP_PT_PSFB, writeFeedbackHeader } from './header.js';

export const FIR_FMT = 4;

export interface FirEntry {
  readonly ssrc: number;
  /** Command sequence number, 8 bits, incremented per new request. */
  readonly seqNr: number;
}

export interface Fir {
  readonly type: 'fir';
  readonly senderSsrc: number;
  readonly mediaSsrc: number;
  readonly entries: readonly FirEntry[];
}

export function parseFir(packet: Buffer): Fir | undefined {
  const len = packet.length;
  if (rtcpHasPadding(packet) || len < FEEDBACK_HEADER_LENGTH || (len - FEEDBACK_HEADER_LENGTH) % 8 !== 0) return undefined;
  const entries: FirEntry[] = [];
  for (let o = FEEDBACK_HEADER_LENGTH; o < len; o += 8) {
    if (packet[o + 5] !== 0 || packet[o + 6] !== 0 || packet[o + 7] !== 0) return undefined;
    entries.push({ ssrc: packet.readUInt32BE(o), seqNr: packet[o + 4]! });
  }
  return { type: 'fir', senderSsrc: packet.readUInt32BE(4), mediaSsrc: packet.readUInt32BE(8), entries };
}

export function firByteLength(p: Fir): number {
  return FEEDBACK_HEADER_LENGTH + p.entries.length * 8;
}

/** Returns the offset after the packet. */
export function serializeFirInto(p: Fir, buf: Buffer, offset: number): number {
  let o = writeFeedbackHeader(buf, offset, FIR_FMT, RTCP_PT_PSFB, firByteLength(p), p.senderSsrc, p.mediaSsrc);
  for (const e of p.entries) {
    buf.writeUInt32BE(e.ssrc >>> 0, o);
    buf.writeUInt32BE((e.seqNr & 0xff) * 0x100_0000, o + 4);
    o += 8;
  }
  return o;
}
