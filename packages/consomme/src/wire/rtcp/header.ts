/**
 * The RTCP common header, RFC 3550 §6.4.1.
 * https://www.rfc-editor.org/rfc/rfc3550#section-6.4.1
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |V=2|P| RC/FMT  |      PT       |             length            |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   length: the packet's size in 32-bit words minus one (header included)
 *
 * The per-type parsers take one whole packet (header included, exactly
 * `(length + 1) * 4` bytes) and return undefined when its body does not
 * fit their layout; the compound parser then keeps it as 'unknown'.
 */

export const RTCP_HEADER_LENGTH = 4;

export const RTCP_PT_SR = 200;
export const RTCP_PT_RR = 201;
export const RTCP_PT_SDES = 202;
export const RTCP_PT_BYE = 203;
export const RTCP_PT_APP = 204;
export const RTCP_PT_RTPFB = 205;
export const RTCP_PT_PSFB = 206;
export const RTCP_PT_XR = 207;

/** The RC/SC/FMT field. */
export function rtcpCount(packet: Uint8Array): number {
  return packet[0]! & 0x1f;
}

/** True when the P bit is set. */
export function rtcpHasPadding(packet: Uint8Array): boolean {
  return (packet[0]! & 0x20) !== 0;
}

/** Writes a header for a packet of `byteLength` bytes (a multiple of 4); returns the offset after it. */
export function writeRtcpHeader(buf: Buffer, offset: number, count: number, packetType: number, byteLength: number): number {
  buf[offset] = 0x80 | (count & 0x1f);
  buf[offset + 1] = packetType;
  buf.writeUInt16BE(byteLength / 4 - 1, offset + 2);
  return offset + 4;
}

/** Bytes of UTF-8 text as a string, or undefined when decoding would not give the same bytes back. */
export function decodeExactUtf8(bytes: Buffer): string | undefined {
  let ascii = true;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i]! >= 0x80) {
      ascii = false;
      break;
    }
  }
  const text = bytes.toString(ascii ? 'latin1' : 'utf8');
  if (!ascii && !Buffer.from(text, 'utf8').equals(bytes)) return undefined;
  return text;
}

/**
 * The feedback message header shared by RTPFB and PSFB, RFC 4585 §6.1.
 * https://www.rfc-editor.org/rfc/rfc4585#section-6.1
 *
 *   |V=2|P|   FMT   |       PT      |          length               |
 *   |                  SSRC of packet sender                        |
 *   |                  SSRC of media source                         |
 *   :            Feedback Control Information (FCI)                 :
 */
export const FEEDBACK_HEADER_LENGTH = 12;

/** Returns the offset after the two SSRCs. */
export function writeFeedbackHeader(
  buf: Buffer,
  offset: number,
  fmt: number,
  packetType: number,
  byteLength: number,
  senderSsrc: number,
  mediaSsrc: number,
): number {
  writeRtcpHeader(buf, offset, fmt, packetType, byteLength);
  buf.writeUInt32BE(senderSsrc >>> 0, offset + 4);
  buf.writeUInt32BE(mediaSsrc >>> 0, offset + 8);
  return offset + FEEDBACK_HEADER_LENGTH;
}
