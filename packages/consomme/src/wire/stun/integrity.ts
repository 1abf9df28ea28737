/**
 * MESSAGE-INTEGRITY (HMAC-SHA1) and FINGERPRINT (CRC-32) over raw STUN bytes.
 * RFC 8489 §14.5 — https://www.rfc-editor.org/rfc/rfc8489#section-14.5
 * RFC 8489 §14.7 — https://www.rfc-editor.org/rfc/rfc8489#section-14.7
 *
 * MESSAGE-INTEGRITY (type 0x0008, 20-byte value):
 *   HMAC-SHA1(key, header + attributes before it), where the header's Message
 *   Length is rewritten to end just after MESSAGE-INTEGRITY itself (so a
 *   FINGERPRINT behind it does not count).
 *
 * FINGERPRINT (type 0x8028, 4-byte value, always the last attribute):
 *   CRC-32(header + attributes before it) XOR 0x5354554e, where the header's
 *   Message Length already includes FINGERPRINT.
 *
 *  0                   1                   2                   3
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |        0x0008 or 0x8028       |       20 or 4 (length)        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                 HMAC-SHA1 (20 bytes) or CRC (4 bytes)         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { crc32 } from './crc32.js';
import { STUN_HEADER_LENGTH, isStun } from './message.js';
import { StunAttributeType } from './attributes.js';

export const FINGERPRINT_XOR = 0x5354554e;
export const MESSAGE_INTEGRITY_LENGTH = 20;

/**
 * Short-term credential key (RFC 8489 §9.1.1). The RFC asks for the
 * OpaqueString profile of the password; ICE passwords are ASCII ice-chars
 * (RFC 8445 §5.3), for which that is the identity, so plain UTF-8 is enough.
 */
export function shortTermKey(password: string): Buffer {
  return Buffer.from(password, 'utf8');
}

// HMAC.update copies synchronously, so one scratch buffer serves every call.
const lengthScratch = Buffer.alloc(2);

/**
 * HMAC-SHA1 over `msg[0, end)` as if the header's Message Length ended just
 * after a MESSAGE-INTEGRITY attribute placed at `end`.
 */
export function computeMessageIntegrity(msg: Buffer, end: number, key: Buffer): Buffer {
  lengthScratch.writeUInt16BE(end - STUN_HEADER_LENGTH + 4 + MESSAGE_INTEGRITY_LENGTH, 0);
  return createHmac('sha1', key)
    .update(msg.subarray(0, 2))
    .update(lengthScratch)
    .update(msg.subarray(4, end))
    .digest();
}

/** FINGERPRINT value for a message whose FINGERPRINT attribute starts at `end`. */
export function computeFingerprint(msg: Buffer, end: number): number {
  return (crc32(msg, 0, end) ^ FINGERPRINT_XOR) >>> 0;
}

/**
 * Offsets (TLV headers) of the first attribute of `type` (-1 if none) and of
 * the last attribute (-1 if none); undefined if `raw` is not well-formed STUN.
 */
function scan(raw: Buffer, type: number): { first: number; last: number } | undefined {
  if (!isStun(raw)) return undefined;
  let first = -1;
  let last = -1;
  let offset = STUN_HEADER_LENGTH;
  while (offset < raw.length) {
    if (offset + 4 > raw.length) return undefined;
    const next = offset + 4 + ((raw.readUInt16BE(offset + 2) + 3) & ~3);
    if (next > raw.length) return undefined;
    if (first < 0 && raw.readUInt16BE(offset) === type) first = offset;
    last = offset;
    offset = next;
  }
  return { first, last };
}

/**
 * True if `raw` is well-formed STUN carrying a MESSAGE-INTEGRITY attribute
 * whose HMAC-SHA1 under `key` matches. Attributes after it are ignored, as the
 * RFC requires.
 */
export function verifyMessageIntegrity(raw: Buffer, key: Buffer): boolean {
  const found = scan(raw, StunAttributeType.MessageIntegrity);
  if (found === undefined || found.first < 0) return false;
  const offset = found.first;
  if (raw.readUInt16BE(offset + 2) !== MESSAGE_INTEGRITY_LENGTH) return false;
  const expected = computeMessageIntegrity(raw, offset, key);
  return timingSafeEqual(expected, raw.subarray(offset + 4, offset + 4 + MESSAGE_INTEGRITY_LENGTH));
}

/** True if `raw` is well-formed STUN whose last attribute is a matching FINGERPRINT. */
export function verifyFingerprint(raw: Buffer): boolean {
  const found = scan(raw, StunAttributeType.Fingerprint);
  if (found === undefined || found.last < 0) return false;
  const offset = found.last;
  if (raw.readUInt16BE(offset) !== StunAttributeType.Fingerprint) return false;
  if (raw.readUInt16BE(offset + 2) !== 4) return false;
  return raw.readUInt32BE(offset + 4) === computeFingerprint(raw, offset);
}
