/**
 * Picture Loss Indication (PSFB, PT=206, FMT=1), RFC 4585 §6.3.1.
 * https://www.rfc-editor.org/rfc/rfc4585#section-6.3.1
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |V=2|P|  FMT=1  |   PT=206      |          length=2             |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                  SSRC of packet sender                        |
 *   |                  SSRC of media source                         |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   No FCI.
 */
import { FEEDBACK_HEADER_LENGTH, rtcpHasPadding, RTCP_PT_PSFB, writeFeedbackHeader } from './header.js';

export const PLI_FMT = 1;

export interface Pli {
  readonly type: 'pli';
  readonly senderSsrc: number;
  readonly mediaSsrc: number;
}

export function parsePli(packet: Buffer): Pli | undefined {
  if (rtcpHasPadding(packet) || packet.length !== FEEDBACK_HEADER_LENGTH) return undefined;
  return { type: 'pli', senderSsrc: packet.readUInt32BE(4), mediaSsrc: packet.readUInt32BE(8) };
}

export function pliByteLength(_p: Pli): number {
  return FEEDBACK_HEADER_LENGTH;
}

/** Returns the offset after the packet. */
export function serializePliInto(p: Pli, buf: Buffer, offset: number): number {
  return writeFeedbackHeader(buf, offset, PLI_FMT, RTCP_PT_PSFB, FEEDBACK_HEADER_LENGTH, p.senderSsrc, p.mediaSsrc);
}
