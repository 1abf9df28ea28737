/**
 * Sender report (SR, PT=200), RFC 3550 §6.4.1.
 * https://www.rfc-editor.org/rfc/rfc3550#section-6.4.1
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |V=2|P|    RC   |   PT=SR=200   |             length            |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                         SSRC of sender                        |
 *   +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 *   |              NTP timestamp, most significant word             |
 *   |             NTP timestamp, least significant word             |
 *   |                         RTP timestamp                         |
 *   |                     sender's packet count                     |
 *   |                      sender's octet count                     |
 *   +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 *   |                 report block 1 .. RC (24 bytes each)          |
 *   +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 *   |                  profile-specific extensions                  |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
import { rtcpCount, rtcpHasPadding, RTCP_PT_SR, writeRtcpHeader } from './header.js';
import { readReportBlock, REPORT_BLOCK_LENGTH, writeReportBlock } from './report-block.js';
import type { ReportBlock } from './report-block.js';

export interface SenderReport {
  readonly type: 'sr';
  readonly ssrc: number;
  /** NTP timestamp, integer seconds since 1900. */
  readonly ntpSeconds: number;
  /** NTP timestamp, fraction in 1/2^32 s. */
  readonly ntpFraction: number;
  readonly rtpTimestamp: number;
  readonly packetCount: number;
  readonly octetCount: number;
  readonly reports: readonly ReportBlock[];
  /** Profile-specific extension bytes (a multiple of 4), when any; a view into the parsed buffer. */
  readonly extension?: Buffer;
}

const FIXED = 28;

export function parseSenderReport(packet: Buffer): SenderReport | undefined {
  if (rtcpHasPadding(packet)) return undefined;
  const rc = rtcpCount(packet);
  const end = FIXED + rc * REPORT_BLOCK_LENGTH;
  if (packet.length < end) return undefined;
  const reports: ReportBlock[] = [];
  for (let i = 0; i < rc; i++) reports.push(readReportBlock(packet, FIXED + i * REPORT_BLOCK_LENGTH));
  const sr: SenderReport = {
    type: 'sr',
    ssrc: packet.readUInt32BE(4),
    ntpSeconds: packet.readUInt32BE(8),
    ntpFraction: packet.readUInt32BE(12),
    rtpTimestamp: packet.readUInt32BE(16),
    packetCount: packet.readUInt32BE(20),
    octetCount: packet.readUInt32BE(24),
    reports,
  };
  return packet.length > end ? { ...sr, extension: packet.subarray(end) } : sr;
}

export function senderReportByteLength(p: SenderReport): number {
  return FIXED + p.reports.length * REPORT_BLOCK_LENGTH + (p.extension?.length ?? 0);
}

/** At most 31 report blocks (RC is five bits). Returns the offset after the packet. */
export function serializeSenderReportInto(p: SenderReport, buf: Buffer, offset: number): number {
  let o = writeRtcpHeader(buf, offset, p.reports.length, RTCP_PT_SR, senderReportByteLength(p));
  buf.writeUInt32BE(p.ssrc >>> 0, o);
  buf.writeUInt32BE(p.ntpSeconds >>> 0, o + 4);
  buf.writeUInt32BE(p.ntpFraction >>> 0, o + 8);
  buf.writeUInt32BE(p.rtpTimestamp >>> 0, o + 12);
  buf.writeUInt32BE(p.packetCount >>> 0, o + 16);
  buf.writeUInt32BE(p.octetCount >>> 0, o + 20);
  o += 24;
  for (const b of p.reports) o = writeReportBlock(buf, o, b);
  if (p.extension) o += p.extension.copy(buf, o);
  return o;
}
