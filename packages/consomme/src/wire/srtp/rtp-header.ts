/**
 * Where an RTP packet's payload starts: SRTP encrypts from there on.
 * RFC 3550 §5.1 (https://www.rfc-editor.org/rfc/rfc3550#section-5.1) and the
 * extension header of §5.3.1; RFC 3711 §3.1 leaves the whole header, CSRCs and
 * extension included, in the clear.
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |V=2|P|X|  CC   |M|     PT      |       sequence number         |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                           timestamp                           |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                             SSRC                              |
 *   +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 *   |                    CSRC list (CC x 32 bits)                   |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |    profile (0xBEDE, 0x100x)   |   length (32-bit words)       |  if X
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                      extension data ...                       |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */

/** Header length in bytes, or -1 when the header does not fit in `length` bytes or is not version 2. */
export function rtpHeaderLength(packet: Uint8Array, length: number): number {
  if (length < 12) return -1;
  const b0 = packet[0]!;
  if (b0 >>> 6 !== 2) return -1;
  let end = 12 + ((b0 & 0x0f) << 2);
  if (b0 & 0x10) {
    if (end + 4 > length) return -1;
    end += 4 + (((packet[end + 2]! << 8) | packet[end + 3]!) << 2);
  }
  return end > length ? -1 : end;
}
