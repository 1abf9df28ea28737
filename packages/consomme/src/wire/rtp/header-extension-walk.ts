/**
 * Walking the elements of an RTP header extension block, RFC 8285 §4.
 * https://www.rfc-editor.org/rfc/rfc8285#section-4
 *
 * One-byte form (profile 0xBEDE), §4.2:
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |       0xBE    |    0xDE       |           length              |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |  ID   | L=0   |     data      |  ID   |  L=1  |   data...
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   ID 1..14; L is length - 1 (1..16 bytes); ID 15 stops the walk; a byte
 *   with ID 0 is one byte of padding.
 *
 * Two-byte form (profile 0x100 followed by 4 application bits), §4.3:
 *
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |         0x100         |appbits|           length              |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |       ID      |     length    |     data...
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   ID 1..255; length 0..255; a zero byte is one byte of padding.
 *
 * The cursor reports into a reused object so that walking allocates nothing
 * on the packet path.
 */

export const ONE_BYTE_PROFILE = 0xbede;
/** The two-byte form is 0x1000 with the low four bits free for the application. */
export const TWO_BYTE_PROFILE = 0x1000;
export const TWO_BYTE_PROFILE_MASK = 0xfff0;

/** The element found by the last successful `nextElement` call. */
export const element = { id: 0, headerStart: 0, valueStart: 0, valueLength: 0 };

/**
 * Finds the first element at or after `pos` (skipping padding) and fills
 * `element`. Returns the position after it, or -1 when the walk is over: end
 * of block, the reserved ID 15 of the one-byte form, or an element that would
 * overrun the block (which the receiver cannot interpret, so it stops there).
 */
export function nextElement(buf: Buffer, pos: number, end: number, twoByte: boolean): number {
  while (pos < end) {
    const b = buf[pos]!;
    // Id 0 is padding: one byte, whatever its length bits say (RFC 8285 §4.2).
    if (twoByte ? b === 0 : b < 0x10) {
      pos++;
      continue;
    }
    if (twoByte) {
      if (pos + 2 > end) return -1;
      const len = buf[pos + 1]!;
      if (pos + 2 + len > end) return -1;
      element.id = b;
      element.headerStart = pos;
      element.valueStart = pos + 2;
      element.valueLength = len;
      return pos + 2 + len;
    }
    const id = b >> 4;
    if (id === 15) return -1;
    const len = (b & 0x0f) + 1;
    if (pos + 1 + len > end) return -1;
    element.id = id;
    element.headerStart = pos;
    element.valueStart = pos + 1;
    element.valueLength = len;
    return pos + 1 + len;
  }
  return -1;
}
