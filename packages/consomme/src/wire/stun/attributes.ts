/**
 * STUN attribute type codes and typed readers of their values.
 * RFC 8489 §14 — https://www.rfc-editor.org/rfc/rfc8489#section-14
 * RFC 8445 §16.1 (ICE attributes) — https://www.rfc-editor.org/rfc/rfc8445#section-16.1
 *
 * Codes 0x0000–0x7FFF are comprehension-required, 0x8000–0xFFFF optional.
 * Readers return undefined when the attribute is absent or its value has the
 * wrong shape; only the first occurrence counts (RFC 8489 §14: later
 * duplicates are ignored).
 *
 * MAPPED-ADDRESS / XOR-MAPPED-ADDRESS value (§14.1, §14.2):
 *  0                   1                   2                   3
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |0 0 0 0 0 0 0 0|    Family     |         (X-)Port              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |              (X-)Address (32 bits or 128 bits)                |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   Family 0x01 = IPv4, 0x02 = IPv6. X-Port = port ^ 0x2112; X-Address =
 *   address ^ magic cookie (IPv4) or ^ (magic cookie ‖ transaction id) (IPv6).
 *
 * ERROR-CODE value (§14.8):
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           Reserved, should be 0         |Class|     Number    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      Reason Phrase (variable, UTF-8)                        ...
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * PRIORITY: 32-bit unsigned. ICE-CONTROLLING / ICE-CONTROLLED: 64-bit
 * tie-breaker. USE-CANDIDATE: empty. USERNAME / SOFTWARE: UTF-8 text.
 */
import { formatIp } from './ip.js';
import { STUN_MAGIC_COOKIE } from './message.js';
import type { StunMessage } from './message.js';

export const StunAttributeType = {
  MappedAddress: 0x0001,
  Username: 0x0006,
  MessageIntegrity: 0x0008,
  ErrorCode: 0x0009,
  UnknownAttributes: 0x000a,
  Realm: 0x0014,
  Nonce: 0x0015,
  MessageIntegritySha256: 0x001c,
  PasswordAlgorithm: 0x001d,
  Userhash: 0x001e,
  XorMappedAddress: 0x0020,
  Priority: 0x0024,
  UseCandidate: 0x0025,
  PasswordAlgorithms: 0x8002,
  AlternateDomain: 0x8003,
  Software: 0x8022,
  AlternateServer: 0x8023,
  Fingerprint: 0x8028,
  IceControlled: 0x8029,
  IceControlling: 0x802a,
  /** Chrome's network id/cost; opaque to us. */
  GoogNetworkInfo: 0xc057,
  /** Chrome's renomination counter; opaque to us. */
  GoogNomination: 0xc001,
} as const;

export type StunAddressFamily = 'IPv4' | 'IPv6';

export interface StunAddress {
  readonly family: StunAddressFamily;
  readonly address: string;
  readonly port: number;
}

export interface StunErrorCode {
  /** 300..699 */
  readonly code: number;
  readonly reason: string;
}

/** Value of the first attribute of `type`. */
export function getAttribute(msg: StunMessage, type: number): Buffer | undefined {
  for (const attr of msg.attributes) if (attr.type === type) return attr.value;
  return undefined;
}

export function hasAttribute(msg: StunMessage, type: number): boolean {
  return getAttribute(msg, type) !== undefined;
}

export function getUsername(msg: StunMessage): string | undefined {
  return getAttribute(msg, StunAttributeType.Username)?.toString('utf8');
}

export function getSoftware(msg: StunMessage): string | undefined {
  return getAttribute(msg, StunAttributeType.Software)?.toString('utf8');
}

/** The 20-byte HMAC as carried; use `verifyMessageIntegrity` to check it. */
export function getMessageIntegrity(msg: StunMessage): Buffer | undefined {
  const v = getAttribute(msg, StunAttributeType.MessageIntegrity);
  return v?.length === 20 ? v : undefined;
}

/** The CRC value as carried; use `verifyFingerprint` to check it. */
export function getFingerprint(msg: StunMessage): number | undefined {
  const v = getAttribute(msg, StunAttributeType.Fingerprint);
  return v?.length === 4 ? v.readUInt32BE(0) : undefined;
}

export function getPriority(msg: StunMessage): number | undefined {
  const v = getAttribute(msg, StunAttributeType.Priority);
  return v?.length === 4 ? v.readUInt32BE(0) : undefined;
}

export function hasUseCandidate(msg: StunMessage): boolean {
  return hasAttribute(msg, StunAttributeType.UseCandidate);
}

export function getIceControlling(msg: StunMessage): bigint | undefined {
  const v = getAttribute(msg, StunAttributeType.IceControlling);
  return v?.length === 8 ? v.readBigUInt64BE(0) : undefined;
}

export function getIceControlled(msg: StunMessage): bigint | undefined {
  const v = getAttribute(msg, StunAttributeType.IceControlled);
  return v?.length === 8 ? v.readBigUInt64BE(0) : undefined;
}

export function getErrorCode(msg: StunMessage): StunErrorCode | undefined {
  const v = getAttribute(msg, StunAttributeType.ErrorCode);
  if (v === undefined || v.length < 4) return undefined;
  const cls = v[2]! & 0x07;
  const number = v[3]!;
  if (cls < 3 || cls > 6 || number > 99) return undefined;
  return { code: cls * 100 + number, reason: v.toString('utf8', 4) };
}

/** Attribute types listed in UNKNOWN-ATTRIBUTES (§14.9). */
export function getUnknownAttributes(msg: StunMessage): number[] | undefined {
  const v = getAttribute(msg, StunAttributeType.UnknownAttributes);
  if (v === undefined || (v.length & 1) !== 0) return undefined;
  const out: number[] = [];
  for (let i = 0; i < v.length; i += 2) out.push(v.readUInt16BE(i));
  return out;
}

function decodeAddress(v: Buffer | undefined, xorWith: Buffer | undefined): StunAddress | undefined {
  if (v === undefined || v.length < 4) return undefined;
  const familyCode = v[1];
  const length = familyCode === 0x01 ? 4 : familyCode === 0x02 ? 16 : 0;
  if (length === 0 || v.length !== 4 + length) return undefined;
  let port = v.readUInt16BE(2);
  let bytes: Uint8Array = v.subarray(4);
  if (xorWith !== undefined) {
    port ^= 0x2112;
    const x = new Uint8Array(length);
    for (let i = 0; i < length; i++) x[i] = bytes[i]! ^ xorWith[i]!;
    bytes = x;
  }
  return { family: length === 4 ? 'IPv4' : 'IPv6', address: formatIp(bytes, 0, length), port };
}

/** The 16-byte XOR mask: magic cookie followed by the transaction id. */
export function xorMask(transactionId: Buffer): Buffer {
  const mask = Buffer.alloc(16);
  mask.writeUInt32BE(STUN_MAGIC_COOKIE, 0);
  transactionId.copy(mask, 4, 0, 12);
  return mask;
}

export function getMappedAddress(msg: StunMessage): StunAddress | undefined {
  return decodeAddress(getAttribute(msg, StunAttributeType.MappedAddress), undefined);
}

export function getXorMappedAddress(msg: StunMessage): StunAddress | undefined {
  return decodeAddress(getAttribute(msg, StunAttributeType.XorMappedAddress), xorMask(msg.transactionId));
}
