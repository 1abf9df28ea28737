/**
 * AES in counter mode on top of one long-lived ECB cipher.
 *
 * node:crypto fixes the IV of a CTR/GCM cipher when it is created, so a
 * per-packet IV would mean a per-packet cipher. Instead the counter blocks of a
 * whole packet are laid out in a reused scratch buffer and encrypted with a
 * single ECB `update`, which yields the keystream (NIST SP 800-38A §6.5).
 *
 * Counter block layout used by both SRTP AES-CM (RFC 3711 §4.1.1,
 * https://www.rfc-editor.org/rfc/rfc3711#section-4.1.1) and GCM (NIST SP
 * 800-38D §7.1): the caller's IV, whose last two bytes are zero, with the
 * block counter written into those two bytes.
 *
 *    0                   1                   2                   3
 *   +---------------------------------------------------------------+
 *   |              IV bytes 0..13 (salt ^ SSRC ^ index)    | counter|
 *   +---------------------------------------------------------------+
 */
import { createCipheriv, type Cipher } from 'node:crypto';

/** Largest counter value that fits the 16-bit counter field. */
const MAX_COUNTER = 0xffff;

export class AesCtr {
  readonly #ecb: Cipher;
  #scratch: Uint8Array;
  #words: Int32Array;
  /** views[n] = scratch[0..16n): the input of an n-block keystream, made once per length instead of per packet. */
  #views: (Uint8Array | undefined)[] = [];

  constructor(key: Uint8Array) {
    if (key.length !== 16 && key.length !== 32) throw new RangeError(`AES key must be 16 or 32 bytes, got ${key.length}`);
    this.#ecb = createCipheriv(key.length === 32 ? 'aes-256-ecb' : 'aes-128-ecb', key, null);
    this.#ecb.setAutoPadding(false);
    // 1500-byte packets need 94 blocks; start there and grow for jumbo input.
    const buffer = new ArrayBuffer(96 * 16);
    this.#scratch = new Uint8Array(buffer);
    this.#words = new Int32Array(buffer);
  }

  /** Encrypts whole 16-byte blocks; the result is a fresh buffer. */
  encryptBlocks(blocks: Uint8Array): Buffer {
    return this.#ecb.update(blocks);
  }

  /**
   * Keystream of `blocks` counter blocks built from `iv` (16 bytes, last two
   * zero) with counters `first`, `first + 1`, …
   */
  keystream(iv: Uint8Array, first: number, blocks: number): Buffer {
    if (first + blocks - 1 > MAX_COUNTER) throw new RangeError('keystream longer than the 16-bit counter allows');
    const bytes = blocks * 16;
    if (this.#scratch.length < bytes) {
      const buffer = new ArrayBuffer(bytes);
      this.#scratch = new Uint8Array(buffer);
      this.#words = new Int32Array(buffer);
      this.#views = [];
    }
    const u8 = this.#scratch;
    const w = this.#words;
    // Reading the IV back as native-endian words keeps the layout byte-exact on any host.
    for (let i = 0; i < 16; i++) u8[i] = iv[i]!;
    const w0 = w[0]!;
    const w1 = w[1]!;
    const w2 = w[2]!;
    const w3 = w[3]!;
    for (let j = 0, o = 0; j < blocks; j++, o += 4) {
      w[o] = w0;
      w[o + 1] = w1;
      w[o + 2] = w2;
      w[o + 3] = w3;
      const c = first + j;
      const b = o << 2;
      u8[b + 14] = c >>> 8;
      u8[b + 15] = c;
    }
    let input = this.#views[blocks];
    if (input === undefined) this.#views[blocks] = input = u8.subarray(0, bytes);
    return this.#ecb.update(input);
  }
}

/**
 * buf[start + i] ^= ks[ksStart + i] for i < length. Works a 32-bit word at a
 * time when both sides are 4-byte aligned, which is the common case: pooled
 * Buffers are 8-aligned and RTP/RTCP payloads start at a multiple of 4.
 */
export function xorInPlace(buf: Uint8Array, start: number, ks: Uint8Array, ksStart: number, length: number): void {
  let i = 0;
  const a = buf.byteOffset + start;
  const b = ks.byteOffset + ksStart;
  if (((a | b) & 3) === 0 && length >= 32) {
    const words = length >>> 2;
    const dw = new Int32Array(buf.buffer, a, words);
    const kw = new Int32Array(ks.buffer, b, words);
    for (let w = 0; w < words; w++) dw[w] = dw[w]! ^ kw[w]!;
    i = words << 2;
  }
  for (; i < length; i++) buf[start + i] = buf[start + i]! ^ ks[ksStart + i]!;
}
