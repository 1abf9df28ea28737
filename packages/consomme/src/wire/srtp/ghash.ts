/**
 * GHASH, the universal hash of GCM (NIST SP 800-38D §6.4,
 * https://nvlpubs.nist.gov/nistpubs/Legacy/SP/nistspecialpublication800-38d.pdf).
 *
 *   Y_0 = 0,  Y_i = (Y_{i-1} ^ X_i) · H   in GF(2^128) / x^128 + x^7 + x^2 + x + 1
 *
 * Bit order is GCM's: bit 0 (coefficient of x^0) is the most significant bit
 * of byte 0. Blocks are consumed as four host-endian 32-bit words read from an
 * aligned Int32Array, so no byte is assembled or swapped per block:
 *
 *   +---------------+---------------+----------------+-----------------+
 *   | w0 bytes 0..3 | w1 bytes 4..7 | w2 bytes 8..11 | w3 bytes 12..15 |
 *   +---------------+---------------+----------------+-----------------+
 *
 * XOR does not care about byte order, so the state Y and every table entry use
 * that same host layout, and X·H is a XOR of per-position lookups (linearity):
 * - GhashWide: one 256-entry table per byte position, 16 lookups per block
 *   (64 KiB per key). Used on the RTP hot path.
 * - GhashCompact: one 16-entry table per nibble position, 32 lookups per block
 *   (8 KiB per key). Used for RTCP.
 * Which byte a shift of a host word exposes depends on host endianness; that is
 * settled once when the tables are built, not per block.
 */

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

export abstract class Ghash {
  protected y0 = 0;
  protected y1 = 0;
  protected y2 = 0;
  protected y3 = 0;

  reset(): void {
    this.y0 = this.y1 = this.y2 = this.y3 = 0;
  }

  /** Writes Y ^ mask[maskAt..+4) (host-endian words) to out[outAt..+4). */
  digest(mask: Int32Array, maskAt: number, out: Int32Array, outAt: number): void {
    out[outAt] = this.y0 ^ mask[maskAt]!;
    out[outAt + 1] = this.y1 ^ mask[maskAt + 1]!;
    out[outAt + 2] = this.y2 ^ mask[maskAt + 2]!;
    out[outAt + 3] = this.y3 ^ mask[maskAt + 3]!;
  }

  /** Absorbs whole blocks held in d[start..end) (word indices, a multiple of 4 apart). */
  abstract absorb(d: Int32Array, start: number, end: number): void;
}

export class GhashWide extends Ghash {
  /** Word j of each entry lives in its own array, so one index serves all four loads. */
  readonly #t0 = new Int32Array(16 * 256);
  readonly #t1 = new Int32Array(16 * 256);
  readonly #t2 = new Int32Array(16 * 256);
  readonly #t3 = new Int32Array(16 * 256);

  constructor(h: Uint8Array) {
    super();
    const powers = powersOfH(h);
    // Slot k serves bits 8(k&3)..+8 of host word k>>2.
    const t = new Int32Array(16 * 256 * 4);
    for (let k = 0; k < 16; k++) fillTable(t, k * 1024, 8, powers, 8 * bytePosition(k));
    split(t, this.#t0, this.#t1, this.#t2, this.#t3);
  }

  absorb(d: Int32Array, start: number, end: number): void {
    const t0 = this.#t0;
    const t1 = this.#t1;
    const t2 = this.#t2;
    const t3 = this.#t3;
    let y0 = this.y0;
    let y1 = this.y1;
    let y2 = this.y2;
    let y3 = this.y3;
    for (let o = start; o < end; o += 4) {
      const x0 = y0 ^ d[o]!;
      const x1 = y1 ^ d[o + 1]!;
      const x2 = y2 ^ d[o + 2]!;
      const x3 = y3 ^ d[o + 3]!;
      let p = x0 & 0xff;
      y0 = t0[p]!;
      y1 = t1[p]!;
      y2 = t2[p]!;
      y3 = t3[p]!;
      p = 0x100 | ((x0 >>> 8) & 0xff);
      y0 ^= t0[p]!;
      y1 ^= t1[p]!;
      y2 ^= t2[p]!;
      y3 ^= t3[p]!;
      p = 0x200 | ((x0 >>> 16) & 0xff);
      y0 ^= t0[p]!;
      y1 ^= t1[p]!;
      y2 ^= t2[p]!;
      y3 ^= t3[p]!;
      p = 0x300 | (x0 >>> 24);
      y0 ^= t0[p]!;
      y1 ^= t1[p]!;
      y2 ^= t2[p]!;
      y3 ^= t3[p]!;
      p = 0x400 | (x1 & 0xff);
      y0 ^= t0[p]!;
      y1 ^= t1[p]!;
      y2 ^= t2[p]!;
      y3 ^= t3[p]!;
      p = 0x500 | ((x1 >>> 8) & 0xff);
      y0 ^= t0[p]!;
      y1 ^= t1[p]!;
      y2 ^= t2[p]!;
      y3 ^= t3[p]!;
      p = 0x600 | ((x1 >>> 16) & 0xff);
      y0 ^= t0[p]!;
      y1 ^= t1[p]!;
      y2 ^= t2[p]!;
      y3 ^= t3[p]!;
      p = 0x700 | (x1 >>> 24);
      y0 ^= t0[p]!;
      y1 ^= t1[p]!;
      y2 ^= t2[p]!;
      y3 ^= t3[p]!;
      p = 0x800 | (x2 & 0xff);
      y0 ^= t0[p]!;
      y1 ^= t1[p]!;
      y2 ^= t2[p]!;
      y3 ^= t3[p]!;
      p = 0x900 | ((x2 >>> 8) & 0xff);
      y0 ^= t0[p]!;
      y1 ^= t1[p]!;
      y2 ^= t2[p]!;
      y3 ^= t3[p]!;
      p = 0xa00 | ((x2 >>> 16) & 0xff);
      y0 ^= t0[p]!;
      y1 ^= t1[p]!;
      y2 ^= t2[p]!;
      y3 ^= t3[p]!;
      p = 0xb00 | (x2 >>> 24);
      y0 ^= t0[p]!;
      y1 ^= t1[p]!;
      y2 ^= t2[p]!;
      y3 ^= t3[p]!;
      p = 0xc00 | (x3 & 0xff);
      y0 ^= t0[p]!;
      y1 ^= t1[p]!;
      y2 ^= t2[p]!;
      y3 ^= t3[p]!;
      p = 0xd00 | ((x3 >>> 8) & 0xff);
      y0 ^= t0[p]!;
      y1 ^= t1[p]!;
      y2 ^= t2[p]!;
      y3 ^= t3[p]!;
      p = 0xe00 | ((x3 >>> 16) & 0xff);
      y0 ^= t0[p]!;
      y1 ^= t1[p]!;
      y2 ^= t2[p]!;
      y3 ^= t3[p]!;
      p = 0xf00 | (x3 >>> 24);
      y0 ^= t0[p]!;
      y1 ^= t1[p]!;
      y2 ^= t2[p]!;
      y3 ^= t3[p]!;
    }
    this.y0 = y0;
    this.y1 = y1;
    this.y2 = y2;
    this.y3 = y3;
  }
}

export class GhashCompact extends Ghash {
  readonly #m0 = new Int32Array(32 * 16);
  readonly #m1 = new Int32Array(32 * 16);
  readonly #m2 = new Int32Array(32 * 16);
  readonly #m3 = new Int32Array(32 * 16);

  constructor(h: Uint8Array) {
    super();
    const powers = powersOfH(h);
    // Slot k serves bits 4(k&7)..+4 of host word k>>3: the high nibble of its byte when k is odd.
    const m = new Int32Array(32 * 16 * 4);
    for (let k = 0; k < 32; k++) {
      fillTable(m, k * 64, 4, powers, 8 * bytePosition(((k >> 3) << 2) | ((k & 7) >> 1)) + (k & 1 ? 0 : 4));
    }
    split(m, this.#m0, this.#m1, this.#m2, this.#m3);
  }

  absorb(d: Int32Array, start: number, end: number): void {
    const m0 = this.#m0;
    const m1 = this.#m1;
    const m2 = this.#m2;
    const m3 = this.#m3;
    let y0 = this.y0;
    let y1 = this.y1;
    let y2 = this.y2;
    let y3 = this.y3;
    for (let o = start; o < end; o += 4) {
      let z0 = 0;
      let z1 = 0;
      let z2 = 0;
      let z3 = 0;
      for (let w = 0, base = 0; w < 4; w++) {
        let x = d[o + w]! ^ (w === 0 ? y0 : w === 1 ? y1 : w === 2 ? y2 : y3);
        for (let n = 0; n < 8; n++, base += 16, x >>>= 4) {
          const p = base | (x & 0xf);
          z0 ^= m0[p]!;
          z1 ^= m1[p]!;
          z2 ^= m2[p]!;
          z3 ^= m3[p]!;
        }
      }
      y0 = z0;
      y1 = z1;
      y2 = z2;
      y3 = z3;
    }
    this.y0 = y0;
    this.y1 = y1;
    this.y2 = y2;
    this.y3 = y3;
  }
}

/** Deals the interleaved four-word entries of `t` out to one array per word. */
function split(t: Int32Array, a0: Int32Array, a1: Int32Array, a2: Int32Array, a3: Int32Array): void {
  for (let i = 0; i < a0.length; i++) {
    a0[i] = t[4 * i]!;
    a1[i] = t[4 * i + 1]!;
    a2[i] = t[4 * i + 2]!;
    a3[i] = t[4 * i + 3]!;
  }
}

/** Block byte position of the byte that sits at bits 8(k&3)..+8 of host word k>>2. */
function bytePosition(k: number): number {
  return (k & ~3) | (LITTLE_ENDIAN ? k & 3 : 3 - (k & 3));
}

/** H·x^j for j = 0..127, four big-endian words each; multiplying by x is a right shift in GCM's bit order. */
function powersOfH(h: Uint8Array): Int32Array {
  const p = new Int32Array(128 * 4);
  let v0 = (h[0]! << 24) | (h[1]! << 16) | (h[2]! << 8) | h[3]!;
  let v1 = (h[4]! << 24) | (h[5]! << 16) | (h[6]! << 8) | h[7]!;
  let v2 = (h[8]! << 24) | (h[9]! << 16) | (h[10]! << 8) | h[11]!;
  let v3 = (h[12]! << 24) | (h[13]! << 16) | (h[14]! << 8) | h[15]!;
  for (let j = 0; j < 128; j++) {
    p[j * 4] = v0;
    p[j * 4 + 1] = v1;
    p[j * 4 + 2] = v2;
    p[j * 4 + 3] = v3;
    const carry = v3 & 1;
    v3 = (v3 >>> 1) | (v2 << 31);
    v2 = (v2 >>> 1) | (v1 << 31);
    v1 = (v1 >>> 1) | (v0 << 31);
    v0 = (v0 >>> 1) ^ (carry ? 0xe1000000 : 0);
  }
  return p;
}

/**
 * table[at + 4v..+4) = v·H in host layout, where v is a `bits`-wide field whose
 * most significant bit is the coefficient of x^degree.
 */
function fillTable(table: Int32Array, at: number, bits: number, powers: Int32Array, degree: number): void {
  for (let v = 0; v < 1 << bits; v++) {
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    for (let j = 0; j < bits; j++) {
      if ((v >> (bits - 1 - j)) & 1) {
        const q = (degree + j) * 4;
        a0 ^= powers[q]!;
        a1 ^= powers[q + 1]!;
        a2 ^= powers[q + 2]!;
        a3 ^= powers[q + 3]!;
      }
    }
    table[at + v * 4] = toHost(a0);
    table[at + v * 4 + 1] = toHost(a1);
    table[at + v * 4 + 2] = toHost(a2);
    table[at + v * 4 + 3] = toHost(a3);
  }
}

/** The host-endian word whose bytes in memory are the big-endian word `w`. */
function toHost(w: number): number {
  return LITTLE_ENDIAN ? ((w & 0xff) << 24) | ((w & 0xff00) << 8) | ((w >>> 8) & 0xff00) | (w >>> 24) : w;
}
