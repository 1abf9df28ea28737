/**
 * GHASH, the universal hash of GCM (NIST SP 800-38D §6.4,
 * https://nvlpubs.nist.gov/nistpubs/Legacy/SP/nistspecialpublication800-38d.pdf).
 *
 *   Y_0 = 0,  Y_i = (Y_{i-1} ^ X_i) · H   in GF(2^128) / x^128 + x^7 + x^2 + x + 1
 *
 * Bit order is GCM's: bit 0 (coefficient of x^0) is the most significant bit
 * of byte 0, so multiplying by x is a right shift. Values are held as four
 * big-endian 32-bit words:
 *
 *   +---------------+---------------+----------------+-----------------+
 *   | w0 bytes 0..3 | w1 bytes 4..7 | w2 bytes 8..11 | w3 bytes 12..15 |
 *   +---------------+---------------+----------------+-----------------+
 *
 * Two table layouts, both precomputed once per key:
 * - GhashWide: T_i[b] = (byte b at position i)·H for all 16 positions, so
 *   X·H is the XOR of 16 lookups (64 KiB per key). Used on the RTP hot path.
 * - GhashCompact: Shoup's single 8-bit table M[b] = (b at byte 0)·H and Horner
 *   from the last byte, multiplying by x^8 (shift + reduction table R) between
 *   bytes (4 KiB per key, about half the speed). Used for RTCP.
 */

/** R[b]: what byte b, shifted past x^127 by a multiplication by x^8, folds back into bits 0..15. */
const R = new Int32Array(256);
for (let b = 0; b < 256; b++) {
  let r = 0;
  for (let j = 0; j < 8; j++) if (b & (0x80 >> j)) r ^= 0xe100 >> j;
  R[b] = r << 16;
}

export abstract class Ghash {
  protected y0 = 0;
  protected y1 = 0;
  protected y2 = 0;
  protected y3 = 0;
  readonly #tail = new Uint8Array(16);

  reset(): void {
    this.y0 = this.y1 = this.y2 = this.y3 = 0;
  }

  /** Absorbs data[start..end), zero-padding the last partial block (GCM pads A and C separately). */
  update(data: Uint8Array, start: number, end: number): void {
    const full = start + ((end - start) & ~15);
    if (full > start) this.absorb(data, start, full);
    if (full < end) {
      const t = this.#tail;
      t.fill(0);
      t.set(data.subarray(full, end));
      this.absorb(t, 0, 16);
    }
  }

  /** Absorbs the length block and writes GHASH ^ mask[maskStart..+16) to out[outStart..+16). */
  finish(aadBytes: number, textBytes: number, mask: Uint8Array, maskStart: number, out: Uint8Array, outStart: number): void {
    // Bit lengths as two 64-bit big-endian fields; packets stay far below 2^29 bytes.
    const t = this.#tail;
    t.fill(0);
    writeWord(t, 4, aadBytes * 8);
    writeWord(t, 12, textBytes * 8);
    this.absorb(t, 0, 16);
    writeWord(out, outStart, this.y0 ^ readWord(mask, maskStart));
    writeWord(out, outStart + 4, this.y1 ^ readWord(mask, maskStart + 4));
    writeWord(out, outStart + 8, this.y2 ^ readWord(mask, maskStart + 8));
    writeWord(out, outStart + 12, this.y3 ^ readWord(mask, maskStart + 12));
  }

  /** Absorbs whole blocks data[start..end). */
  protected abstract absorb(data: Uint8Array, start: number, end: number): void;
}

export class GhashWide extends Ghash {
  readonly #t: Int32Array;

  constructor(h: Uint8Array) {
    super();
    const powers = powersOfH(h);
    this.#t = new Int32Array(16 * 256 * 4);
    for (let i = 0; i < 16; i++) fillByteTable(this.#t, i * 1024, powers, i * 8);
  }

  protected absorb(d: Uint8Array, start: number, end: number): void {
    const t = this.#t;
    let y0 = this.y0;
    let y1 = this.y1;
    let y2 = this.y2;
    let y3 = this.y3;
    for (let o = start; o < end; o += 16) {
      let z0 = 0;
      let z1 = 0;
      let z2 = 0;
      let z3 = 0;
      for (let w = 0; w < 4; w++) {
        const x = (w === 0 ? y0 : w === 1 ? y1 : w === 2 ? y2 : y3) ^ readWord(d, o + 4 * w);
        const base = w << 12;
        let p = base | ((x >>> 24) << 2);
        z0 ^= t[p]!;
        z1 ^= t[p + 1]!;
        z2 ^= t[p + 2]!;
        z3 ^= t[p + 3]!;
        p = base | 1024 | (((x >>> 16) & 0xff) << 2);
        z0 ^= t[p]!;
        z1 ^= t[p + 1]!;
        z2 ^= t[p + 2]!;
        z3 ^= t[p + 3]!;
        p = base | 2048 | (((x >>> 8) & 0xff) << 2);
        z0 ^= t[p]!;
        z1 ^= t[p + 1]!;
        z2 ^= t[p + 2]!;
        z3 ^= t[p + 3]!;
        p = base | 3072 | ((x & 0xff) << 2);
        z0 ^= t[p]!;
        z1 ^= t[p + 1]!;
        z2 ^= t[p + 2]!;
        z3 ^= t[p + 3]!;
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

export class GhashCompact extends Ghash {
  readonly #m = new Int32Array(256 * 4);

  constructor(h: Uint8Array) {
    super();
    fillByteTable(this.#m, 0, powersOfH(h), 0);
  }

  protected absorb(d: Uint8Array, start: number, end: number): void {
    const m = this.#m;
    for (let o = start; o < end; o += 16) {
      const x0 = this.y0 ^ readWord(d, o);
      const x1 = this.y1 ^ readWord(d, o + 4);
      const x2 = this.y2 ^ readWord(d, o + 8);
      const x3 = this.y3 ^ readWord(d, o + 12);
      let z0 = 0;
      let z1 = 0;
      let z2 = 0;
      let z3 = 0;
      for (let w = 3; w >= 0; w--) {
        let x = w === 3 ? x3 : w === 2 ? x2 : w === 1 ? x1 : x0;
        for (let k = 0; k < 4; k++) {
          const r = R[z3 & 0xff]!;
          z3 = (z3 >>> 8) | (z2 << 24);
          z2 = (z2 >>> 8) | (z1 << 24);
          z1 = (z1 >>> 8) | (z0 << 24);
          z0 = (z0 >>> 8) ^ r;
          const i = (x & 0xff) << 2;
          x >>>= 8;
          z0 ^= m[i]!;
          z1 ^= m[i + 1]!;
          z2 ^= m[i + 2]!;
          z3 ^= m[i + 3]!;
        }
      }
      this.y0 = z0;
      this.y1 = z1;
      this.y2 = z2;
      this.y3 = z3;
    }
  }
}

/** H·x^j for j = 0..127, four words each. */
function powersOfH(h: Uint8Array): Int32Array {
  const p = new Int32Array(128 * 4);
  let v0 = readWord(h, 0);
  let v1 = readWord(h, 4);
  let v2 = readWord(h, 8);
  let v3 = readWord(h, 12);
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

/** table[at + 4b..] = (byte b whose MSB is x^degree)·H, built by linearity from single bits. */
function fillByteTable(table: Int32Array, at: number, powers: Int32Array, degree: number): void {
  for (let k = 0; k < 8; k++) {
    const bit = 0x80 >> k;
    for (let w = 0; w < 4; w++) table[at + bit * 4 + w] = powers[(degree + k) * 4 + w]!;
  }
  for (let b = 2; b < 256; b <<= 1) {
    for (let j = 1; j < b; j++) {
      for (let w = 0; w < 4; w++) table[at + (b + j) * 4 + w] = table[at + b * 4 + w]! ^ table[at + j * 4 + w]!;
    }
  }
}

function readWord(b: Uint8Array, o: number): number {
  return (b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!;
}

function writeWord(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 24;
  b[o + 1] = v >>> 16;
  b[o + 2] = v >>> 8;
  b[o + 3] = v;
}
