/**
 * STUN message: header and raw attribute list.
 * RFC 8489 §5 (header) and §14 (attribute TLVs) —
 * https://www.rfc-editor.org/rfc/rfc8489#section-5
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |0 0|     STUN Message Type     |         Message Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         Magic Cookie                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     Transaction ID (96 bits)                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Type                  |            Length             |  one TLV per attribute,
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+  value padded to 4 bytes
 * |                         Value (variable)                ....
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Message Type interleaves the method (M0..M11) and the class (C0, C1):
 *   bit 13..9 = M11..M7, bit 8 = C1, bit 7..5 = M6..M4, bit 4 = C0, bit 3..0 = M3..M0
 */

export const STUN_HEADER_LENGTH = 20;
export const STUN_MAGIC_COOKIE = 0x2112a442;
/** RFC 8489 §18.2: the only method ICE uses. */
export const STUN_METHOD_BINDING = 0x001;

export type StunClass = 'request' | 'indication' | 'successResponse' | 'errorResponse';

const CLASS_BY_BITS: readonly StunClass[] = ['request', 'indication', 'successResponse', 'errorResponse'];
const BITS_BY_CLASS: Readonly<Record<StunClass, number>> = {
  request: 0,
  indication: 1,
  successResponse: 2,
  errorResponse: 3,
};

export interface StunAttribute {
  /** Attribute type code (see `StunAttributeType`); unknown codes are kept as they came. */
  readonly type: number;
  /** Value bytes, without padding. */
  readonly value: Buffer;
  /**
   * Padding bytes as received. Receivers must ignore their content (RFC 8489
   * §14) and some senders put spaces there (RFC 5769 does), so they are kept to
   * make a re-serialization byte-identical. Absent or of the wrong length: zeros.
   */
  readonly padding?: Buffer;
}

export interface StunMessage {
  readonly class: StunClass;
  /** 12-bit method number; `STUN_METHOD_BINDING` for ICE. */
  readonly method: number;
  /** 12 bytes. */
  readonly transactionId: Buffer;
  /** In wire order, duplicates included. */
  readonly attributes: readonly StunAttribute[];
}

export function encodeMessageType(cls: StunClass, method: number): number {
  const c = BITS_BY_CLASS[cls];
  return (
    (method & 0x000f) | ((method & 0x0070) << 1) | ((method & 0x0f80) << 2) | ((c & 1) << 4) | ((c & 2) << 7)
  );
}

/**
 * Cheap pre-check for the demultiplexer: the fixed header looks like STUN and
 * its length field accounts for the whole datagram. `parseStun` may
 * still refuse the attributes.
 */
export function isStun(buf: Uint8Array): boolean {
  if (buf.length < STUN_HEADER_LENGTH || (buf[0]! & 0xc0) !== 0) return false;
  const length = (buf[2]! << 8) | buf[3]!;
  return (
    (length & 3) === 0 &&
    length + STUN_HEADER_LENGTH === buf.length &&
    buf[4] === 0x21 &&
    buf[5] === 0x12 &&
    buf[6] === 0xa4 &&
    buf[7] === 0x42
  );
}

/**
 * Parse a whole STUN message. Undefined if the header is not STUN, the length
 * field disagrees with the buffer, or an attribute runs past the end. Values are
 * views into `buf` (no copy): do not reuse `buf` while the message is in use.
 */
export function parseStun(buf: Buffer): StunMessage | undefined {
  if (!isStun(buf)) return undefined;
  const type = buf.readUInt16BE(0);
  const method = (type & 0x000f) | ((type >> 1) & 0x0070) | ((type >> 2) & 0x0f80);
  const cls = CLASS_BY_BITS[((type >> 4) & 1) | ((type >> 7) & 2)]!;
  const attributes: StunAttribute[] = [];
  let offset = STUN_HEADER_LENGTH;
  while (offset < buf.length) {
    if (offset + 4 > buf.length) return undefined;
    const attrType = buf.readUInt16BE(offset);
    const attrLength = buf.readUInt16BE(offset + 2);
    const valueStart = offset + 4;
    const valueEnd = valueStart + attrLength;
    const paddedEnd = valueStart + ((attrLength + 3) & ~3);
    if (paddedEnd > buf.length) return undefined;
    const value = buf.subarray(valueStart, valueEnd);
    attributes.push(
      paddedEnd > valueEnd
        ? { type: attrType, value, padding: buf.subarray(valueEnd, paddedEnd) }
        : { type: attrType, value },
    );
    offset = paddedEnd;
  }
  return { class: cls, method, transactionId: buf.subarray(8, 20), attributes };
}

/** Bytes an attribute takes on the wire, header and padding included. */
export function attributeWireLength(valueLength: number): number {
  return 4 + ((valueLength + 3) & ~3);
}

/**
 * Write the header (with the given body length) and the attributes into `out`
 * from offset 0; returns the offset after the last attribute. Values longer than
 * 65535 bytes cannot be represented and are the caller's bug: they are cut.
 */
export function writeStunMessage(msg: StunMessage, out: Buffer, bodyLength: number): number {
  out.writeUInt16BE(encodeMessageType(msg.class, msg.method), 0);
  out.writeUInt16BE(bodyLength, 2);
  out.writeUInt32BE(STUN_MAGIC_COOKIE, 4);
  if (msg.transactionId.length === 12) msg.transactionId.copy(out, 8);
  else out.fill(0, 8, 20);
  let offset = STUN_HEADER_LENGTH;
  for (const attr of msg.attributes) {
    const valueLength = Math.min(attr.value.length, 0xffff);
    out.writeUInt16BE(attr.type & 0xffff, offset);
    out.writeUInt16BE(valueLength, offset + 2);
    attr.value.copy(out, offset + 4, 0, valueLength);
    const valueEnd = offset + 4 + valueLength;
    const paddedEnd = offset + attributeWireLength(valueLength);
    if (attr.padding !== undefined && attr.padding.length === paddedEnd - valueEnd) attr.padding.copy(out, valueEnd);
    else out.fill(0, valueEnd, paddedEnd);
    offset = paddedEnd;
  }
  return offset;
}

/** Sum of the attributes' wire lengths: the header's Message Length. */
export function attributesWireLength(attributes: readonly StunAttribute[]): number {
  let total = 0;
  for (const attr of attributes) total += attributeWireLength(Math.min(attr.value.length, 0xffff));
  return total;
}
