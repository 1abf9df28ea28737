/**
 * Receiver report (RR, PT=201), RFC 3550 §6.4.2.
 * https://www.rfc-editor.org/rfc/rfc3550#section-6.4.2
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |V=2|P|    RC   |   PT=RR=201   |             length            |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                     SSRC of packet sender                     |
 *   +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 *   |                 report block 1 .. RC (24 bytes each)          |
 *   +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 *   |                  profile-specific extensions                  |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
import { rtcpCount, rtcpHasPadding, RTCP_PT_RR, writeRtcpHeader } from './header.js';
import { readReportBlock, REPORT_BLOCK_LENGTH, writeReportBlock } from './report-block.js';
import type { ReportBlock } from './report-block.js';

export interface ReceiverReport {
  readonly type: 'rr';
  readonly ssrc: number;
  readonly reports: readonly ReportBlock[];
  /** Profile-specific extension bytes (a multiple of 4), when any; a view into the parsed buffer. */
  readonly extension?: Buffer;
}

const FIXED = 8;

export function parseReceiverReport(packet: Buffer): ReceiverReport | undefined {
  if (rtcpHasPadding(packet)) return undefined;
  const rc = rtcpCount(packet);
  const end = FIXED + rc * REPORT_BLOCK_LENGTH;
  if (packet.length < end) return undefined;
  const reports: ReportBlock[] = [];
  for (let i = 0; i < rc; i++) reports.push(readReportBlock(packet, FIXED + i * REPORT_BLOCK_LENGTH));
  const rr: ReceiverReport = { type: 'rr', ssrc: packet.readUInt32BE(4), reports };
  return packet.length > end ? { ...rr, extension: packet.subarray(end) } : rr;
}

export function receiverReportByteLength(p: ReceiverReport): number {
  return FIXED + p.reports.length * REPORT_BLOCK_LENGTH + (p.extension?.length ?? 0);
}

/** At most 31 report blocks (RC is five bits). Returns the offset after the packet. */
export function serializeReceiverReportInto(p: ReceiverReport, buf: Buffer, offset: number): number {
  let o = writeRtcpHeader(buf, offset, p.reports.length, RTCP_PT_RR, receiverReportByteLength(p));
  buf.writeUInt32BE(p.ssrc >>> 0, o);
  o += 4;
  for (const b of p.reports) o = writeReportBlock(buf, o, b);
  if (p.extension) o += p.extension.copy(buf, o);
  return o;
}
