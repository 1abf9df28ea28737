/**
 * Reception report block, shared by SR and RR, RFC 3550 §6.4.1.
 * https://www.rfc-editor.org/rfc/rfc3550#section-6.4.1
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 *   |                 SSRC_1 (SSRC of first source)                 |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   | fraction lost |       cumulative number of packets lost       |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |           extended highest sequence number received           |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                      interarrival jitter                      |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                         last SR (LSR)                         |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                   delay since last SR (DLSR)                  |
 *   +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 */

export const REPORT_BLOCK_LENGTH = 24;
/** RC is five bits. */
export const MAX_REPORT_BLOCKS = 31;

export interface ReportBlock {
  readonly ssrc: number;
  /** Fraction lost since the previous report, in 1/256. */
  readonly fractionLost: number;
  /** Cumulative packets lost; signed 24 bits (duplicates can make it negative). */
  readonly totalLost: number;
  readonly highestSeq: number;
  readonly jitter: number;
  /** Middle 32 bits of the NTP timestamp of the last SR received. */
  readonly lsr: number;
  /** In units of 1/65536 s. */
  readonly dlsr: number;
}

/** The caller has checked that 24 bytes are there. */
export function readReportBlock(buf: Buffer, offset: number): ReportBlock {
  return {
    ssrc: buf.readUInt32BE(offset),
    fractionLost: buf[offset + 4]!,
    totalLost: buf.readIntBE(offset + 5, 3),
    highestSeq: buf.readUInt32BE(offset + 8),
    jitter: buf.readUInt32BE(offset + 12),
    lsr: buf.readUInt32BE(offset + 16),
    dlsr: buf.readUInt32BE(offset + 20),
  };
}

/** Returns the offset after the block; `totalLost` is clamped to 24 signed bits. */
export function writeReportBlock(buf: Buffer, offset: number, b: ReportBlock): number {
  buf.writeUInt32BE(b.ssrc >>> 0, offset);
  buf[offset + 4] = b.fractionLost & 0xff;
  buf.writeIntBE(Math.max(-0x80_0000, Math.min(0x7f_ffff, Math.trunc(b.totalLost))), offset + 5, 3);
  buf.writeUInt32BE(b.highestSeq >>> 0, offset + 8);
  buf.writeUInt32BE(b.jitter >>> 0, offset + 12);
  buf.writeUInt32BE(b.lsr >>> 0, offset + 16);
  buf.writeUInt32BE(b.dlsr >>> 0, offset + 20);
  return offset + REPORT_BLOCK_LENGTH;
}
