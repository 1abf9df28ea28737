/**
 * Builds outgoing STUN messages attribute by attribute; the value layouts are
 * those drawn in attributes.ts (RFC 8489 §14, RFC 8445 §16.1 —
 * https://www.rfc-editor.org/rfc/rfc8489#section-14).
 */
import { StunAttributeType, xorMask } from './attributes.js';
import { parseIp } from './ip.js';
import type { StunAttribute, StunClass, StunMessage } from './message.js';
import { serializeStun } from './serialize.js';
import type { StunSerializeOptions } from './serialize.js';

export class StunMessageBuilder {
  readonly #class: StunClass;
  readonly #method: number;
  readonly #transactionId: Buffer;
  readonly #attributes: StunAttribute[] = [];

  /** `transactionId` must be 12 bytes (a shorter one is zero-filled). */
  constructor(cls: StunClass, method: number, transactionId: Buffer) {
    this.#class = cls;
    this.#method = method;
    this.#transactionId = transactionId;
  }

  /** Raw attribute; `padding` only to reproduce a peer's non-zero padding bytes. */
  add(type: number, value: Buffer, padding?: Buffer): this {
    this.#attributes.push(padding === undefined ? { type, value } : { type, value, padding });
    return this;
  }

  username(username: string): this {
    return this.add(StunAttributeType.Username, Buffer.from(username, 'utf8'));
  }

  software(software: string): this {
    return this.add(StunAttributeType.Software, Buffer.from(software, 'utf8'));
  }

  priority(priority: number): this {
    const v = Buffer.allocUnsafe(4);
    v.writeUInt32BE(priority >>> 0, 0);
    return this.add(StunAttributeType.Priority, v);
  }

  useCandidate(): this {
    return this.add(StunAttributeType.UseCandidate, Buffer.alloc(0));
  }

  iceControlling(tieBreaker: bigint): this {
    return this.add(StunAttributeType.IceControlling, u64(tieBreaker));
  }

  iceControlled(tieBreaker: bigint): this {
    return this.add(StunAttributeType.IceControlled, u64(tieBreaker));
  }

  /** `code` in 300..699; out-of-range codes are clamped into it. */
  errorCode(code: number, reason: string): this {
    const c = Math.min(699, Math.max(300, Math.trunc(code)));
    const phrase = Buffer.from(reason, 'utf8');
    const v = Buffer.alloc(4 + phrase.length);
    v[2] = Math.floor(c / 100);
    v[3] = c % 100;
    phrase.copy(v, 4);
    return this.add(StunAttributeType.ErrorCode, v);
  }

  unknownAttributes(types: readonly number[]): this {
    const v = Buffer.allocUnsafe(types.length * 2);
    types.forEach((t, i) => v.writeUInt16BE(t & 0xffff, i * 2));
    return this.add(StunAttributeType.UnknownAttributes, v);
  }

  /** Left out if `address` is not an IP literal (a peer without it still works). */
  xorMappedAddress(address: string, port: number): this {
    const v = encodeAddress(address, port, xorMask(this.#transactionId));
    return v === undefined ? this : this.add(StunAttributeType.XorMappedAddress, v);
  }

  /** Left out if `address` is not an IP literal (a peer without it still works). */
  mappedAddress(address: string, port: number): this {
    const v = encodeAddress(address, port, undefined);
    return v === undefined ? this : this.add(StunAttributeType.MappedAddress, v);
  }

  message(): StunMessage {
    return {
      class: this.#class,
      method: this.#method,
      transactionId: this.#transactionId,
      attributes: [...this.#attributes],
    };
  }

  build(options?: StunSerializeOptions): Buffer {
    return serializeStun(this.message(), options);
  }
}

function u64(n: bigint): Buffer {
  const v = Buffer.allocUnsafe(8);
  v.writeBigUInt64BE(BigInt.asUintN(64, n), 0);
  return v;
}

function encodeAddress(address: string, port: number, mask: Buffer | undefined): Buffer | undefined {
  const ip = parseIp(address);
  if (ip === undefined) return undefined;
  const length = ip.bytes.length;
  const v = Buffer.alloc(4 + length);
  v[1] = ip.family === 'IPv4' ? 0x01 : 0x02;
  v.writeUInt16BE((port & 0xffff) ^ (mask !== undefined ? 0x2112 : 0), 2);
  for (let i = 0; i < length; i++) v[4 + i] = ip.bytes[i]! ^ (mask?.[i] ?? 0);
  return v;
}
