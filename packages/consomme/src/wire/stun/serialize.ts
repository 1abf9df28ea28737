/**
 * STUN serialization, with MESSAGE-INTEGRITY and FINGERPRINT appended on the way
 * out. RFC 8489 §14.5, §14.7 — https://www.rfc-editor.org/rfc/rfc8489#section-14.5
 *
 *   header | attributes… | MESSAGE-INTEGRITY (24 bytes) | FINGERPRINT (8 bytes)
 *
 * The header's Message Length is written three times: the HMAC is taken with a
 * length ending after MESSAGE-INTEGRITY, the CRC with the final length, as the
 * RFC specifies. One allocation per message.
 */
import { StunAttributeType } from './attributes.js';
import { MESSAGE_INTEGRITY_LENGTH, computeFingerprint, computeMessageIntegrity } from './integrity.js';
import { STUN_HEADER_LENGTH, attributesWireLength, writeStunMessage } from './message.js';
import type { StunMessage } from './message.js';

export interface StunSerializeOptions {
  /** Append MESSAGE-INTEGRITY keyed with this (see `shortTermKey`). */
  readonly integrityKey?: Buffer;
  /** Append FINGERPRINT as the last attribute. */
  readonly fingerprint?: boolean;
}

/**
 * Bytes of `msg`. With no options, a message from `parseStun` comes back
 * byte-identical (its own MESSAGE-INTEGRITY/FINGERPRINT, if any, are kept as
 * they are).
 */
export function serializeStun(msg: StunMessage, options?: StunSerializeOptions): Buffer {
  const key = options?.integrityKey;
  const withFingerprint = options?.fingerprint === true;
  const body = attributesWireLength(msg.attributes);
  const total =
    STUN_HEADER_LENGTH + body + (key !== undefined ? 4 + MESSAGE_INTEGRITY_LENGTH : 0) + (withFingerprint ? 8 : 0);
  const out = Buffer.allocUnsafe(total);
  let offset = writeStunMessage(msg, out, body);
  if (key !== undefined) {
    const hmac = computeMessageIntegrity(out, offset, key);
    out.writeUInt16BE(StunAttributeType.MessageIntegrity, offset);
    out.writeUInt16BE(MESSAGE_INTEGRITY_LENGTH, offset + 2);
    hmac.copy(out, offset + 4);
    offset += 4 + MESSAGE_INTEGRITY_LENGTH;
  }
  if (withFingerprint) {
    out.writeUInt16BE(total - STUN_HEADER_LENGTH, 2);
    const crc = computeFingerprint(out, offset);
    out.writeUInt16BE(StunAttributeType.Fingerprint, offset);
    out.writeUInt16BE(4, offset + 2);
    out.writeUInt32BE(crc, offset + 4);
    offset += 8;
  }
  out.writeUInt16BE(total - STUN_HEADER_LENGTH, 2);
  return out;
}
