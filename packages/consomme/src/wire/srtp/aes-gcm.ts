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
import { createGhash, GhashCompact, type Ghash } from './ghash.js';

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
  /** Word views of the last source and output ArrayBuffers (see #wordsOf). */
  readonly #views: Int32Array[] = [new Int32Array(0), new Int32Array(0)];

  /** `portableGhash` forces the nibble-table GHASH that any host runs (tests compare the two). */
  constructor(key: Uint8Array, portableGhash = false) {
    this.#ctr = new AesCtr(key);
    const h = this.#ctr.encryptBlocks(new Uint8Array(16));
    this.#ghash = portableGhash ? new GhashCompact(h) : createGhash(h);
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
   * SRTP's case of `seal`, without staging: src[0..headerLength) is the AAD and
   * is copied to out, src[headerLength..length) is encrypted straight into out,
   * and the tag goes to out[length..+16). GHASH reads the ciphertext where it
   * lands, zero-padded inside the tag's room, which is written last.
   * Needs 4-byte aligned src and out (pooled Buffers are 8-aligned and an RTP
   * header is a multiple of 4 bytes long) and a header that fits the work
   * buffer; returns false, having done nothing, otherwise, and the caller uses `seal`.
   */
  sealRtp(iv: Uint8Array, src: Uint8Array, headerLength: number, length: number, out: Uint8Array): boolean {
    const at = (headerLength + 15) & ~15;
    if (((src.byteOffset | out.byteOffset | headerLength) & 3) !== 0 || out.length < length + GCM_TAG_LENGTH || at + 16 > this.#work.length) {
      return false;
    }
    const textLength = length - headerLength;
    const blocks = (textLength + 15) >>> 4;
    const ks = this.#keystream(iv, textLength);
    const s = this.#wordsOf(src.buffer, 0);
    const o = this.#wordsOf(out.buffer, 1);
    const si = src.byteOffset >>> 2;
    const oi = out.byteOffset >>> 2;
    const h = headerLength >>> 2;
    for (let i = 0; i < h; i++) o[oi + i] = s[si + i]!;
    const words = textLength >>> 2;
    for (let i = 0; i < words; i++) o[oi + h + i] = s[si + h + i]! ^ ks[4 + i]!;
    // The last 0–3 bytes one at a time: the word holding them may run past src's memory.
    const ksBytes = this.#ks;
    for (let i = headerLength + (words << 2); i < length; i++) out[i] = src[i]! ^ ksBytes[16 + i - headerLength]!;
    // Zero-pad C to whole blocks for GHASH, also inside the tag's room.
    const cEnd = headerLength + (blocks << 4);
    for (let i = length; i < cEnd; i++) out[i] = 0;

    const g = this.#ghash;
    g.reset();
    const work = this.#work;
    const w = this.#workWords;
    // A (the header) and its padding go through the work buffer; the header is usually 12–40 bytes.
    for (let i = 0; i < h; i++) w[i] = o[oi + i]!;
    for (let i = h; i < at >>> 2; i++) w[i] = 0;
    g.absorb(w, 0, at >>> 2);
    g.absorb(o, oi + h, oi + h + (blocks << 2));
    this.#lengthBlock(0, headerLength, textLength);
    g.absorb(w, 0, 4);
    g.digest(ks, 0, w, 0);
    for (let i = 0; i < 16; i++) out[length + i] = work[i]!;
    return true;
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
    this.#lengthBlock(end, aadLength, length);
    this.#keystream(iv, length);
    return at;
  }

  /** The length block (bit lengths of A and C as two 64-bit big-endian fields) at work[at..+16). */
  #lengthBlock(at: number, aadLength: number, textLength: number): void {
    const work = this.#work;
    // Packets stay far below 2^29 bytes, so the high words are zero.
    const bits = aadLength * 8;
    const textBits = textLength * 8;
    work.fill(0, at, at + 4);
    work[at + 4] = bits >>> 24;
    work[at + 5] = bits >>> 16;
    work[at + 6] = bits >>> 8;
    work[at + 7] = bits;
    work.fill(0, at + 8, at + 12);
    work[at + 12] = textBits >>> 24;
    work[at + 13] = textBits >>> 16;
    work[at + 14] = textBits >>> 8;
    work[at + 15] = textBits;
  }

  /** Fills #ks with E(K, J0) || keystream for `length` bytes of text; returns its words. */
  #keystream(iv: Uint8Array, length: number): Int32Array {
    const j0 = this.#j0;
    for (let i = 0; i < 12; i++) j0[i] = iv[i]!;
    const ks = this.#ctr.keystream(j0, 1, 1 + ((length + 15) >>> 4));
    if (this.#ks.length < ks.length) {
      const buffer = new ArrayBuffer(ks.length);
      this.#ks = new Uint8Array(buffer);
      this.#ksWords = new Int32Array(buffer);
    }
    this.#ks.set(ks, 0);
    return this.#ksWords;
  }

  /**
   * Host words over a whole ArrayBuffer, remembered per slot: the caller's
   * scratch buffer (slot 0) stays the same, and the output pool (slot 1)
   * changes every few packets, so views are rarely created.
   */
  #wordsOf(buffer: ArrayBufferLike, slot: 0 | 1): Int32Array {
    const views = this.#views;
    const cached = views[slot]!;
    if (cached.buffer === buffer) return cached;
    const view = new Int32Array(buffer, 0, buffer.byteLength >>> 2);
    views[slot] = view;
    return view;
  }

  /** Words work[from..) ^= keystream for `length` bytes rounded up to a word; bytes past the text are scratch. */
  #xorKeystream(from: number, length: number): void {
    const w = this.#workWords;
    const k = this.#ksWords;
    const words = (length + 3) >>> 2;
    for (let i = 0; i < words; i++) w[from + i] = w[from + i]! ^ k[4 + i]!;
  }
}
