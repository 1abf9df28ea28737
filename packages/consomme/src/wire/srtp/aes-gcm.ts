/**
 * AES-GCM with a 96-bit IV and a 128-bit tag (NIST SP 800-38D §7), built from
 * a reused ECB cipher (CTR keystream) and the table-driven GHASH, so that no
 * cipher object is created per packet.
 *
 *   J0 = IV || 0x00000001          tag mask = E(K, J0)
 *   C  = P ^ E(K, J0+1) || E(K, J0+2) || …
 *   T  = GHASH(H, A, C) ^ E(K, J0),   H = E(K, 0^128)
 */
import { AesCtr, xorInPlace } from './aes-ctr.js';
import { GhashCompact, GhashWide, type Ghash } from './ghash.js';
import { equalBytes } from './hmac-sha1.js';

export const GCM_TAG_LENGTH = 16;

export class AesGcm {
  readonly #ctr: AesCtr;
  readonly #ghash: Ghash;
  readonly #j0 = new Uint8Array(16);
  readonly #tag = new Uint8Array(16);

  /** `wideTables` trades 64 KiB of GHASH tables for about twice the speed; worth it for RTP, not RTCP. */
  constructor(key: Uint8Array, wideTables: boolean) {
    this.#ctr = new AesCtr(key);
    const h = this.#ctr.encryptBlocks(new Uint8Array(16));
    this.#ghash = wideTables ? new GhashWide(h) : new GhashCompact(h);
  }

  /**
   * Encrypts src[srcStart..srcEnd) to dst[dstStart..) and writes the tag to
   * dst[tagStart..+16). `aad` is authenticated as is.
   */
  seal(
    iv: Uint8Array,
    aad: Uint8Array,
    aadStart: number,
    aadEnd: number,
    src: Uint8Array,
    srcStart: number,
    srcEnd: number,
    dst: Uint8Array,
    dstStart: number,
    tagStart: number,
  ): void {
    const length = srcEnd - srcStart;
    const ks = this.#keystream(iv, length);
    dst.set(src.subarray(srcStart, srcEnd), dstStart);
    xorInPlace(dst, dstStart, ks, 16, length);
    const g = this.#ghash;
    g.reset();
    g.update(aad, aadStart, aadEnd);
    g.update(dst, dstStart, dstStart + length);
    g.finish(aadEnd - aadStart, length, ks, 0, dst, tagStart);
  }

  /**
   * Verifies the tag at tag[tagStart..+16) over `aad` and the ciphertext
   * src[srcStart..srcEnd); only when it matches, decrypts into dst[dstStart..).
   */
  open(
    iv: Uint8Array,
    aad: Uint8Array,
    aadStart: number,
    aadEnd: number,
    src: Uint8Array,
    srcStart: number,
    srcEnd: number,
    tag: Uint8Array,
    tagStart: number,
    dst: Uint8Array,
    dstStart: number,
  ): boolean {
    const length = srcEnd - srcStart;
    const ks = this.#keystream(iv, length);
    const g = this.#ghash;
    g.reset();
    g.update(aad, aadStart, aadEnd);
    g.update(src, srcStart, srcEnd);
    const expected = this.#tag;
    g.finish(aadEnd - aadStart, length, ks, 0, expected, 0);
    if (!equalBytes(expected, 0, tag, tagStart, GCM_TAG_LENGTH)) return false;
    dst.set(src.subarray(srcStart, srcEnd), dstStart);
    xorInPlace(dst, dstStart, ks, 16, length);
    return true;
  }

  /** E(K, J0) followed by the keystream for `length` bytes, from one ECB call. */
  #keystream(iv: Uint8Array, length: number): Buffer {
    const j0 = this.#j0;
    j0.set(iv.subarray(0, 12), 0);
    return this.#ctr.keystream(j0, 1, 1 + ((length + 15) >>> 4));
  }
}
