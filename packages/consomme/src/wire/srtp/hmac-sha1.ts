/**
 * HMAC-SHA1 (RFC 2104, https://www.rfc-editor.org/rfc/rfc2104) with the
 * key-dependent pad blocks hashed once per session key.
 *
 *   HMAC(K, m) = SHA1((K ^ opad) || SHA1((K ^ ipad) || m))
 *
 * The two hash states after absorbing (K ^ ipad) and (K ^ opad) are kept and
 * cloned with `hash.copy()` per packet, which skips the key schedule that
 * `createHmac` would redo every time.
 */
import { createHash, type Hash } from 'node:crypto';

const BLOCK = 64;

export class HmacSha1 {
  readonly #inner: Hash;
  readonly #outer: Hash;

  constructor(key: Uint8Array) {
    const k = new Uint8Array(BLOCK);
    k.set(key.length > BLOCK ? createHash('sha1').update(key).digest() : key);
    const ipad = new Uint8Array(BLOCK);
    const opad = new Uint8Array(BLOCK);
    for (let i = 0; i < BLOCK; i++) {
      ipad[i] = k[i]! ^ 0x36;
      opad[i] = k[i]! ^ 0x5c;
    }
    this.#inner = createHash('sha1').update(ipad);
    this.#outer = createHash('sha1').update(opad);
  }

  /** The full 20-byte MAC of `data`; callers truncate. */
  mac(data: Uint8Array): Buffer {
    const inner = this.#inner.copy().update(data).digest();
    return this.#outer.copy().update(inner).digest();
  }
}

/** Compares `length` bytes without an early exit, so timing says nothing about where they differ. */
export function equalBytes(a: Uint8Array, aStart: number, b: Uint8Array, bStart: number, length: number): boolean {
  let diff = 0;
  for (let i = 0; i < length; i++) diff |= a[aStart + i]! ^ b[bStart + i]!;
  return diff === 0;
}
