/**
 * AES-GCM with a 96-bit IV and a 128-bit tag (NIST SP 800-38D §7), built from
 * a reused ECB cipher (CTR keystream) and the table-driven GHASH, so that no
 * cipher object is created per packet.
 *
 *   J0 = IV || 0x00000001          tag mask = E(K, J0)
 *   C  = P ^ E(K, J0+1) || E(K, J0+2) || …
 *   T  = GHASH(H, A, C) ^ E(K, J0),   H = E(K, 0^128)
 *
 * Each packet is staged in one reused, word-aligned work buffer laid out as
 * exactly the GHASH input, so the whole hash is a single pass over host words
 * and the CTR XOR runs a word at a time whatever the caller's alignment:
 *
 *   +-----------+---------+------------+---------+-------------------------+-----+
 *   | A         | 0 pad   | P or C     | 0 pad   | len(A) bits | len(C) bits | tag |
 *   +-----------+---------+------------+---------+-------------------------+-----+
 *   0           A         aPad         aPad+L    lengths (16)               +16
 */
import { AesCtr } from './aes-ctr.js';
import { GhashCompact, GhashWide, type Ghash } from './ghash.js';

export const GCM_TAG_LENGTH = 16;

export class AesGcm {
  readonly #ctr: AesCtr;
  readonly #ghash: Ghash;
  readonly #j0 = new Uint8Array(16);
  /** Work buffer (see the layout above) as bytes and as host words over the same memory. */
  #work: Uint8Array;
  #workWords: Int32Array;
  /** E(K, J0) || keystream, copied out of the ECB output so it can be read as words. */
  #ks: Uint8Array;
  #ksWords: Int32Array;

  /** `wideTables` trades 64 KiB of GHASH tables (8 KiB otherwise) for about twice the speed; worth it for RTP, not RTCP. */
  constructor(key: Uint8Array, wideTables: boolean) {
    this.#ctr = new AesCtr(key);
    const h = this.#ctr.encryptBlocks(new Uint8Array(16));
    this.#ghash = wideTables ? new GhashWide(h) : new GhashCompact(h);
    // A 1500-byte packet with a long header extension fits without growing.
    const work = new ArrayBuffer(1664);
    this.#work = new Uint8Array(work);
    this.#workWords = new Int32Array(work);
    const ks = new ArrayBuffer(1536);
    this.#ks = new Uint8Array(ks);
    this.#ksWords = new Int32Array(ks);
  }

  /**
   * Encrypts src[srcStart..srcEnd) to dst[dstStart..) and writes the tag to
   * dst[tagStart..+16). `aad` is authenticated as is. Buffers may overlap.
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
    const at = this.#stage(iv, aad, aadStart, aadEnd, src, srcStart, srcEnd);
    const w = this.#workWords;
    this.#xorKeystream(at >>> 2, length);
    // The keystream past the text must not reach GHASH: C is zero-padded.
    const end = at + ((length + 15) & ~15);
    this.#work.fill(0, at + length, end);
    const g = this.#ghash;
    g.reset();
    g.absorb(w, 0, (end >>> 2) + 4);
    g.digest(this.#ksWords, 0, w, (end >>> 2) + 4);
    const work = this.#work;
    dst.set(work.subarray(at, at + length), dstStart);
    for (let i = 0; i < 16; i++) dst[tagStart + i] = work[end + 16 + i]!;
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
    const at = this.#stage(iv, aad, aadStart, aadEnd, src, srcStart, srcEnd);
    const end = at + ((length + 15) & ~15);
    const work = this.#work;
    const w = this.#workWords;
    const t = end + 16;
    for (let i = 0; i < 16; i++) work[t + i] = tag[tagStart + i]!;
    const g = this.#ghash;
    g.reset();
    g.absorb(w, 0, t >>> 2);
    // Overwrites the received tag with (received ^ computed); all zero iff it matches, in constant time.
    g.digest(w, t >>> 2, w, t >>> 2);
    const k = this.#ksWords;
    const q = t >>> 2;
    if ((w[q]! ^ k[0]!) | (w[q + 1]! ^ k[1]!) | (w[q + 2]! ^ k[2]!) | (w[q + 3]! ^ k[3]!)) return false;
    this.#xorKeystream(at >>> 2, length);
    dst.set(work.subarray(at, at + length), dstStart);
    return true;
  }

  /**
   * Fills the work buffer with A, pad, the text, pad and the length block, and
   * #ks with E(K, J0) || keystream. Returns the byte offset of the text.
   */
  #stage(
    iv: Uint8Array,
    aad: Uint8Array,
    aadStart: number,
    aadEnd: number,
    src: Uint8Array,
    srcStart: number,
    srcEnd: number,
  ): number {
    const aadLength = aadEnd - aadStart;
    const length = srcEnd - srcStart;
    const at = (aadLength + 15) & ~15;
    const end = at + ((length + 15) & ~15);
    if (this.#work.length < end + 32) {
      const buffer = new ArrayBuffer(end + 32);
      this.#work = new Uint8Array(buffer);
      this.#workWords = new Int32Array(buffer);
    }
    const work = this.#work;
    if (aadLength <= 32) {
      for (let i = 0; i < aadLength; i++) work[i] = aad[aadStart + i]!;
    } else {
      work.set(aad.subarray(aadStart, aadEnd), 0);
    }
    for (let i = aadLength; i < at; i++) work[i] = 0;
    work.set(src.subarray(srcStart, srcEnd), at);
    for (let i = at + length; i < end; i++) work[i] = 0;
    // Bit lengths as two 64-bit big-endian fields; packets stay far below 2^29 bytes.
    const bits = aadLength * 8;
    const textBits = length * 8;
    work.fill(0, end, end + 4);
    work[end + 4] = bits >>> 24;
    work[end + 5] = bits >>> 16;
    work[end + 6] = bits >>> 8;
    work[end + 7] = bits;
    work.fill(0, end + 8, end + 12);
    work[end + 12] = textBits >>> 24;
    work[end + 13] = textBits >>> 16;
    work[end + 14] = textBits >>> 8;
    work[end + 15] = textBits;

    const j0 = this.#j0;
    for (let i = 0; i < 12; i++) j0[i] = iv[i]!;
    const ks = this.#ctr.keystream(j0, 1, 1 + ((length + 15) >>> 4));
    if (this.#ks.length < ks.length) {
      const buffer = new ArrayBuffer(ks.length);
      this.#ks = new Uint8Array(buffer);
      this.#ksWords = new Int32Array(buffer);
    }
    this.#ks.set(ks, 0);
    return at;
  }

  /** Words work[from..) ^= keystream for `length` bytes rounded up to a word; bytes past the text are scratch. */
  #xorKeystream(from: number, length: number): void {
    const w = this.#workWords;
    const k = this.#ksWords;
    const words = (length + 3) >>> 2;
    for (let i = 0; i < words; i++) w[from + i] = w[from + i]! ^ k[4 + i]!;
  }
}
